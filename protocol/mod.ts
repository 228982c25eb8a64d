/**
 * The protocol layer shared by the daemon and the CLI: JSON-RPC envelope, NDJSON framing, wire
 * types and every RPC method declared once. `METHODS` maps each declared name to its
 * declaration, so a handler table typed `{ [K in keyof typeof METHODS]: ... }` is complete.
 */
import type { MethodDecl } from "./method.ts";
import { closestMethods, type MethodFilter, methodResolver } from "./method_lookup.ts";
import { clip } from "./replies.ts";
import { CHECKPOINT_METHODS } from "./methods/checkpoints.ts";
import { COLOR_METHODS } from "./methods/colors.ts";
import { CONFORMANCE_METHODS } from "./methods/conformance.ts";
import { DRAW_METHODS } from "./methods/draw.ts";
import { FILTER_METHODS } from "./methods/filters.ts";
import { LAYER_METHODS } from "./methods/layers.ts";
import { MATERIAL_METHODS } from "./methods/materials.ts";
import { META_METHODS } from "./methods/meta.ts";
import { PROJECT_METHODS } from "./methods/project.ts";
import { RENDER_METHODS } from "./methods/render.ts";
import { REQUEST_METHODS } from "./methods/requests.ts";
import { VOXEL_METHODS } from "./methods/voxels.ts";
import { WATCH_METHODS } from "./methods/watch.ts";

export * from "./jsonrpc.ts";
export * from "./framing.ts";
export * from "./connection.ts";
export * from "./replies.ts";
export { needsRawId, rawIds } from "./raw_ids.ts";
export { PendingCalls } from "./calls.ts";
export * from "./method.ts";
export * from "./wire.ts";
export * from "./voxel_list.ts";
export * from "./tiles_wire.ts";
export { buildOpenRpc, type OpenRpcInfo } from "./openrpc.ts";
export { checkColorParams, colorFromParams, type ColorParams } from "./methods/common.ts";
export { BATCH_OPERATION_TYPES } from "./methods/voxels.ts";
export { METHOD_PREFIX, type MethodFilter, methodResolver } from "./method_lookup.ts";

/** A titled group of methods, in documentation order. */
export interface MethodGroup {
  title: string;
  methods: readonly MethodDecl[];
}

/** Every method, grouped by theme for documentation. */
export const METHOD_GROUPS: readonly MethodGroup[] = [
  { title: "Projects and files", methods: PROJECT_METHODS },
  { title: "Voxels", methods: VOXEL_METHODS },
  { title: "Drawing and editing", methods: DRAW_METHODS },
  { title: "Selection and filters", methods: FILTER_METHODS },
  { title: "Layers", methods: LAYER_METHODS },
  { title: "Colours and palettes", methods: COLOR_METHODS },
  { title: "Rendering and camera", methods: RENDER_METHODS },
  { title: "Checkpoints", methods: CHECKPOINT_METHODS },
  { title: "Materials", methods: MATERIAL_METHODS },
  { title: "Live view and change stream", methods: WATCH_METHODS },
  { title: "Daemon", methods: [...META_METHODS, ...REQUEST_METHODS] },
  { title: "JSON-RPC conformance (only with --conformance)", methods: CONFORMANCE_METHODS },
];

const ALL = [
  ...PROJECT_METHODS,
  ...VOXEL_METHODS,
  ...DRAW_METHODS,
  ...FILTER_METHODS,
  ...LAYER_METHODS,
  ...COLOR_METHODS,
  ...RENDER_METHODS,
  ...CHECKPOINT_METHODS,
  ...MATERIAL_METHODS,
  ...WATCH_METHODS,
  ...META_METHODS,
  ...REQUEST_METHODS,
  ...CONFORMANCE_METHODS,
] as const;

/** A record of declarations keyed by their literal names. */
export type MethodTable<T extends readonly MethodDecl[]> = {
  readonly [D in T[number] as D["name"]]: D;
};

function byName<const T extends readonly MethodDecl[]>(decls: T): MethodTable<T> {
  const out: Record<string, MethodDecl> = {};
  for (const d of decls) {
    if (Object.hasOwn(out, d.name)) throw new TypeError(`Method ${d.name} is declared twice`);
    out[d.name] = d;
  }
  return Object.freeze(out) as MethodTable<T>;
}

/** Every declared method by name (conformance methods included; see {@link findMethod}). */
export const METHODS = byName(ALL);

/** A declared method name. */
export type MethodName = keyof typeof METHODS;

const ENTRIES = ALL.map((d: MethodDecl) => ({
  name: d.name,
  aliases: d.flags.aliases ?? [],
  conformance: d.flags.conformance === true,
  decl: d,
}));
const resolve = methodResolver(ENTRIES);

/**
 * The message of a call to a method no declaration has (or one left out by `opts`): the names
 * nearest it, or how to reach a conformance test method; `data` lists the near names.
 */
export function methodNotFound(
  name: string,
  opts: MethodFilter = {},
): { message: string; data?: { did_you_mean: string[] } } {
  const text = `Method not found: ${clip(name)}`;
  if (!opts.conformance && resolve(name, { conformance: true })) {
    return {
      message: `${text} (a JSON-RPC conformance test method: the daemon serves those when ` +
        "started with --conformance)",
    };
  }
  const close = closestMethods(name, ENTRIES, opts);
  if (close.length === 0) return { message: text };
  return {
    message: `${text} (did you mean ${close.join(" or ")}?)`,
    data: { did_you_mean: close },
  };
}

/**
 * Finds a method by name or alias, with or without the `goxel.` prefix (`ping` finds
 * `goxel.ping`). Conformance methods are found by exact name, and only when asked for.
 */
export function findMethod(name: string, opts: MethodFilter = {}): MethodDecl | undefined {
  return resolve(name, opts)?.decl;
}

/** Every method in documentation order (conformance methods only when asked for). */
export function listMethods(opts: MethodFilter = {}): MethodDecl[] {
  return ALL.filter((d: MethodDecl) => opts.conformance || !d.flags.conformance);
}
