/** Describes a method's params from its declaration (for `goxel call <method> --help`). */
import { z } from "zod";
import type { MethodDecl } from "../protocol/mod.ts";

/** One row of a method's param table. */
export interface ParamRow {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

/** Returns the params of a method, positional ones first in their declared order. */
export function describeParams(decl: MethodDecl): ParamRow[] {
  const schema = z.toJSONSchema(decl.params, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<
      string,
      { type?: string | string[]; description?: string; anyOf?: { type?: string }[] }
    >;
    required?: string[];
  };
  const props = schema.properties ?? {};
  const names = [
    ...decl.positional,
    ...Object.keys(props).filter((k) => !decl.positional.includes(k)),
  ];
  return names.filter((n) => n in props).map((name) => {
    const p = props[name];
    const type = p.type ?? p.anyOf?.map((a) => a.type ?? "object").join("|") ?? "any";
    return {
      name,
      type: Array.isArray(type) ? type.join("|") : type,
      required: schema.required?.includes(name) ?? false,
      description: p.description ?? "",
    };
  });
}
