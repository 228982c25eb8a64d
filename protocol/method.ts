/**
 * One declaration per RPC method: its name, summary, params schema with positional order,
 * result schema, examples and flags. Everything else (validation, handler table, discovery
 * document, CLI help, completions, docs) is derived from these declarations.
 */
import { didYouMean } from "./suggest.ts";
import { z } from "zod";
import { compileFastParams, compileFastPositional } from "./fast_params.ts";
import { namedParams, restName } from "./positional.ts";
import { clip } from "./replies.ts";
import { ProjectRef } from "./wire.ts";

export { namedParams, restName };

/** Behaviour flags of a method. */
export interface MethodFlags {
  /** Takes the optional named `project` param (added automatically) and works on that project. */
  project?: boolean;
  /** Changes project state (records an undo step). */
  mutates?: boolean;
  /**
   * Works on an open project only: with none open it is refused, where other edits open an
   * empty "Untitled" one (undo, redo and restoring a checkpoint have nothing to work on).
   */
  needsOpenProject?: boolean;
  /** CPU-heavy: runs on the worker pool over a snapshot. */
  heavy?: boolean;
  /** A JSON-RPC conformance test method, only registered with `--conformance`. */
  conformance?: boolean;
  /** Other names this method answers to. */
  aliases?: readonly string[];
}

/**
 * How a method is offered as an MCP tool (`goxel mcp`); a method without it is not offered.
 * The hints follow MCP's tool annotations; unset ones take MCP's defaults (not read-only,
 * destructive, not idempotent).
 */
export interface ToolHints {
  /** Only reads: changes no project, file or daemon state. */
  readOnly?: boolean;
  /** May delete or overwrite existing content (voxels, layers, files). */
  destructive?: boolean;
  /** Calling it again with the same params has no further effect. */
  idempotent?: boolean;
}

/** A documented example call. */
export interface MethodExample {
  /** Params as sent: an array (positional) or an object (named). */
  params: unknown;
  /** The result, when it is deterministic enough to show. */
  result?: unknown;
  description?: string;
}

/** Maps a positional params array to named params when the positional order alone cannot. */
export type ArrayForm = (args: readonly unknown[]) => Record<string, unknown> | undefined;

/** The argument of {@link defineMethod}. */
export interface MethodSpec<N extends string, P extends z.ZodObject, R extends z.ZodType> {
  name: N;
  /** One sentence for the person at the shell. */
  summary: string;
  /** Longer notes (defaults, compatibility), shown in docs and help. */
  description?: string;
  params: P;
  /**
   * Param names in positional order. A last entry `"...name"` collects all remaining
   * arguments into the array param `name`. Params not listed are named-only.
   */
  positional: readonly string[];
  result: R;
  /** An alternative positional mapping tried first (e.g. a colour string where `r` would be). */
  arrayForm?: ArrayForm;
  examples?: readonly MethodExample[];
  flags?: MethodFlags;
  /** Offered as an MCP tool with these hints. */
  tool?: ToolHints;
}

/** A declared method; `P` already includes `project` when `flags.project` is set. */
export interface MethodDecl<
  N extends string = string,
  P extends z.ZodObject = z.ZodObject,
  R extends z.ZodType = z.ZodType,
> {
  readonly name: N;
  readonly summary: string;
  readonly description?: string;
  readonly params: P;
  readonly positional: readonly string[];
  readonly result: R;
  readonly arrayForm?: ArrayForm;
  readonly examples: readonly MethodExample[];
  readonly flags: Readonly<MethodFlags>;
  readonly tool?: Readonly<ToolHints>;
}

/** `P` with the optional `project` param added. */
export type WithProject<P extends z.ZodObject> = z.ZodObject<
  z.core.util.Extend<P["shape"], { project: z.ZodOptional<typeof ProjectRef> }>,
  P["_zod"]["config"]
>;

/** Params a handler receives (after defaults and normalisation). */
export type ParamsOf<D extends MethodDecl> = z.output<D["params"]>;
/** What a handler returns (the wire result). */
export type ResultOf<D extends MethodDecl> = z.input<D["result"]>;

/** Declares a method that works on a project: `project` is added to its params. */
export function defineMethod<N extends string, P extends z.ZodObject, R extends z.ZodType>(
  spec: MethodSpec<N, P, R> & { flags: { project: true } },
): MethodDecl<N, WithProject<P>, R>;
/** Declares a method. */
export function defineMethod<N extends string, P extends z.ZodObject, R extends z.ZodType>(
  spec: MethodSpec<N, P, R>,
): MethodDecl<N, P, R>;
export function defineMethod(spec: MethodSpec<string, z.ZodObject, z.ZodType>): MethodDecl {
  const flags = { ...spec.flags };
  const params = flags.project
    ? spec.params.extend({ project: ProjectRef.optional() })
    : spec.params;
  const keys = Object.keys(params.shape);
  for (const p of spec.positional) {
    if (!keys.includes(restName(p) ?? p)) {
      throw new TypeError(`${spec.name}: positional param "${p}" is not in its params schema`);
    }
  }
  return {
    name: spec.name,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    params,
    positional: spec.positional,
    result: spec.result,
    ...(spec.arrayForm ? { arrayForm: spec.arrayForm } : {}),
    examples: spec.examples ?? [],
    flags,
    ...(spec.tool ? { tool: spec.tool } : {}),
  };
}

/** One validation problem, as sent in the −32602 error's `data.issues`. */
export interface ParamIssue {
  path: (string | number)[];
  code: string;
  message: string;
}

/** Result of {@link parseParams}. */
export type ParamsCheck<T> =
  | { ok: true; value: T }
  | { ok: false; message: string; issues: ParamIssue[] };

/** A declaration's fast checks: of named params, and of positional ones (see fast_params.ts). */
interface FastChecks {
  named: ((named: Record<string, unknown>) => boolean) | null;
  positional: ((args: readonly unknown[]) => Record<string, unknown> | null) | null;
}

const FAST = new WeakMap<MethodDecl, FastChecks>();

/** The fast checks derived from a declaration's schema (compiled once, on first use). */
function fastChecks(decl: MethodDecl): FastChecks {
  let checks = FAST.get(decl);
  if (checks === undefined) {
    checks = {
      named: compileFastParams(decl.params),
      positional: compileFastPositional(decl.params, decl.positional),
    };
    FAST.set(decl, checks);
  }
  return checks;
}

/** Validates raw params (absent, positional array or named object) against a declaration. */
export function parseParams<D extends MethodDecl>(decl: D, raw: unknown): ParamsCheck<ParamsOf<D>> {
  const fast = fastChecks(decl);
  // Plain positional values (the common `[x, y, z, r, g, b, a]`) are checked where they stand.
  if (fast.positional && Array.isArray(raw) && !decl.arrayForm?.(raw)) {
    const value = fast.positional(raw);
    if (value) return { ok: true, value: value as ParamsOf<D> };
  }
  const named = namedParams(decl, raw);
  if (typeof named === "string") {
    return {
      ok: false,
      message: named,
      issues: [{ path: [], code: "invalid_params", message: named }],
    };
  }
  if (fast.named?.(named)) return { ok: true, value: named as ParamsOf<D> };
  const parsed = decl.params.safeParse(named, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data as ParamsOf<D> };
  // Unknown keys first: a misspelt name explains the "required" issues that follow it.
  const all = parsed.error.issues;
  const issues = all.slice(0, MAX_ISSUES * 4).map((i) => toParamIssue(i, decl))
    .sort((a, b) => rank(a) - rank(b)).slice(0, MAX_ISSUES);
  return { ok: false, message: summarize(issues, all.length), issues };
}

/** Issues sent back at most: a request with 100,000 bad voxels gets a short error, not a copy. */
export const MAX_ISSUES = 20;

function rank(issue: ParamIssue): number {
  return issue.code === "unrecognized_keys" ? 0 : 1;
}

function toParamIssue(issue: z.core.$ZodIssue, decl: MethodDecl): ParamIssue {
  const path = issue.path.map((p) => typeof p === "symbol" ? String(p) : p);
  return { path, code: issue.code, message: issueMessage(issue, decl) };
}

function issueMessage(issue: z.core.$ZodIssue, decl: MethodDecl): string {
  if (issue.code === "unrecognized_keys" && issue.path.length === 0) {
    const known = Object.keys(decl.params.shape).join(", ");
    const list = issue.keys.slice(0, 5).map((k) => `"${clip(k, 40)}"`).join(", ") +
      (issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : "");
    const hint = issue.keys.length === 1
      ? didYouMean(issue.keys[0], Object.keys(decl.params.shape))
      : "";
    return `unknown param${issue.keys.length > 1 ? "s" : ""} ${list}${hint} (known: ${
      known || "none"
    })`;
  }
  if (issue.code === "invalid_type" && issue.input === undefined) return "required";
  if (
    issue.code === "invalid_type" && issue.expected === "int" && typeof issue.input === "number"
  ) {
    return `expected an integer, got ${issue.input}`;
  }
  if (issue.code === "invalid_type") {
    return `expected ${withArticle(issue.expected)}, got ${typeName(issue.input)}`;
  }
  return lowerFirst(issue.message.replace(/^Invalid input: /, ""));
}

function withArticle(type: string): string {
  const name = type === "int" ? "integer" : type;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "number" && !Number.isInteger(v) ? `${v}` : typeof v;
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}

function summarize(issues: ParamIssue[], total: number): string {
  const shown = issues.slice(0, 3).map((i) =>
    i.path.length ? `${formatPath(i.path)}: ${i.message}` : i.message
  );
  const more = total > 3 ? `; and ${total - 3} more` : "";
  return shown.join("; ") + more;
}

/** Formats an issue path like `voxels[3].color`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`).join("");
}
