/** Handler types: one handler per declared method, checked complete at compile time. */
import type { z } from "zod";
import type { METHODS } from "../../protocol/mod.ts";
import type { DaemonContext } from "../context.ts";
import type { CallInfo } from "../dispatch.ts";
import type { Project } from "../projects.ts";

/** What a handler receives besides its params. */
export interface HandlerEnv {
  ctx: DaemonContext;
  /** The addressed project for methods flagged `project` (else unset). */
  project: Project;
  call: CallInfo;
}

type Decls = typeof METHODS;
type ParamsOf<K extends keyof Decls> = z.output<Decls[K]["params"]>;
type ResultOf<K extends keyof Decls> = z.input<Decls[K]["result"]>;

/** The handler of method K. */
export type Handler<K extends keyof Decls> = (
  params: ParamsOf<K>,
  env: HandlerEnv,
) => ResultOf<K> | Promise<ResultOf<K>>;

/** A handler with its types erased, as the dispatcher calls it. */
export type AnyHandler = (params: Record<string, unknown>, env: HandlerEnv) => unknown;

/** Handlers for a subset of the methods, keyed by declared name. */
export type HandlerGroup<K extends keyof Decls> = { [P in K]: Handler<P> };

/** The complete table: every declared method has exactly one handler. */
export type HandlerTable = { [K in keyof Decls]: Handler<K> };
