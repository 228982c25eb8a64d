/**
 * Turns one received message (a request or a batch) into its reply text, or null when no
 * reply is due. Synchronous handlers answer synchronously, so pipelined requests on one
 * connection cost no promise round trips; only async handlers return a Promise.
 */
import {
  checkDepth,
  clip,
  ErrorCode,
  errorReply,
  errorReplyOf,
  findMethod,
  idText,
  isRequest,
  type JsonRpcId,
  type JsonRpcRequest,
  type MethodDecl,
  methodNotFound,
  NULL_ID,
  parseParams,
  rawIds,
  resultReply,
  validateEnvelope,
} from "../protocol/mod.ts";
import { type RunningRequests, throwIfCancelled } from "./cancels.ts";
import type { Peer } from "./changes.ts";
import { type Receipt, runMutation } from "./commits.ts";
import type { Project } from "./projects.ts";
import { toRpcError } from "./rpc_errors.ts";
import type { DaemonContext } from "./context.ts";
import {
  type Answer,
  PendingBatch,
  PendingReply,
  type RawIds,
  replyId,
} from "./pending_replies.ts";
import { RequestMetrics } from "./request_metrics.ts";
import type { AnyHandler, HandlerTable } from "./handlers/types.ts";

/** Facts about the connection a request came from. */
export interface CallInfo {
  connectionId: number;
  transport: "unix" | "tcp" | "http" | "ws";
  /** Where notifications for this connection go (absent for one-shot HTTP requests). */
  peer?: Peer;
  /** Aborted when the client's connection closes: long jobs for it are cancelled. */
  signal?: AbortSignal;
  /** The connection's running heavy requests, which goxel.cancel_request can stop. */
  running?: RunningRequests;
}

type Reply = string | null;
type MaybeAsync<T> = T | Promise<T>;

function isPromise<T>(v: MaybeAsync<T>): v is Promise<T> {
  return typeof (v as Promise<T>)?.then === "function";
}

const ID_NULL_ERROR = (code: number, message: string, data?: unknown) =>
  errorReplyOf(NULL_ID, code, message, data);

type Outcome = { result?: unknown; error?: { code: number; message: string; data?: unknown } };

/** A project a request opened, and how many requests had addressed it then (its own). */
type Opened = { project: Project; requests: number };

/** A request in progress (one object per request): its change's ticket and its reply's needs. */
interface InProgress extends Receipt {
  readonly started: number;
  readonly raw: RawIds;
  readonly index: number;
  readonly defer: boolean;
}

/** Dispatches JSON-RPC messages to the handler table. */
export class Dispatcher {
  readonly #ctx: DaemonContext;
  readonly #handlers: HandlerTable;
  /** Which methods this daemon serves (the filter of every look-up, built once). */
  readonly #filter: { conformance: boolean };
  /** Counts, times and logs each finished request. */
  readonly #requests: RequestMetrics;

  constructor(ctx: DaemonContext, handlers: HandlerTable) {
    this.#ctx = ctx;
    this.#handlers = handlers;
    this.#filter = { conformance: ctx.conformance };
    this.#requests = new RequestMetrics(ctx);
  }

  /**
   * Handles one framed message. With `defer`, the reply of a change whose journal record is
   * still queued comes back as a PendingReply, so a connection's burst of requests shares one
   * journal write (settled when the connection writes its replies); without it the record is
   * written before this returns.
   */
  handleText(text: string, call: CallInfo, defer: true): MaybeAsync<Answer>;
  handleText(text: string, call: CallInfo, defer?: false): MaybeAsync<Reply>;
  handleText(text: string, call: CallInfo, defer = false): MaybeAsync<Answer> {
    const { limits } = this.#ctx.config;
    const metrics = this.#ctx.metrics;
    if (!checkDepth(text, limits.max_depth)) {
      metrics.inc("goxel_rejected_total", '{limit="depth"}');
      return ID_NULL_ERROR(
        ErrorCode.INVALID_REQUEST,
        `Invalid request: JSON nesting is deeper than ${limits.max_depth}`,
        {
          limit: "max_depth",
          max: limits.max_depth,
        },
      );
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (err) {
      metrics.inc("goxel_rejected_total", '{limit="parse"}');
      return ID_NULL_ERROR(
        ErrorCode.PARSE_ERROR,
        `Parse error: ${clip((err as Error).message, 200)}`,
      );
    }
    if (!Array.isArray(msg)) return this.#handleOne(msg, call, text, 0, defer);
    if (msg.length === 0) {
      return ID_NULL_ERROR(ErrorCode.INVALID_REQUEST, "Invalid request: empty batch");
    }
    if (msg.length > limits.max_batch) {
      metrics.inc("goxel_rejected_total", '{limit="batch"}');
      return ID_NULL_ERROR(
        ErrorCode.INVALID_REQUEST,
        `Invalid request: batch of ${msg.length} exceeds the limit of ${limits.max_batch}`,
        {
          limit: "max_batch",
          max: limits.max_batch,
        },
      );
    }
    let ids: (string | undefined)[] | undefined;
    return this.#handleBatch(msg, call, () => ids ??= rawIds(text), defer);
  }

  /**
   * Runs a batch's calls one after another, as the same requests sent in sequence run: an async
   * call (a load, a render) finishes before the next starts, so a later call without a project
   * sees the project a load in the same batch opened (they all started at once). Once the
   * replies pass `max_message_bytes`, the calls left are not run and answer LIMIT: a batch of
   * big reads could otherwise build gigabytes of reply and hold the event loop for seconds.
   */
  #handleBatch(items: unknown[], call: CallInfo, raw: RawIds, defer: boolean): MaybeAsync<Answer> {
    const max = this.#ctx.config.limits.max_message_bytes;
    let bytes = 0;
    const replies: Answer[] = [];
    const add = (reply: Answer) => {
      if (typeof reply === "string") bytes += reply.length;
      replies.push(reply);
    };
    const join = (list: Answer[]): Answer => {
      const text = (settled: Reply[]) => {
        const present = settled.filter((r): r is string => r !== null);
        return present.length ? `[${present.join(",")}]` : null;
      };
      if (list.every((r) => r === null || typeof r === "string")) return text(list as Reply[]);
      return new PendingBatch(list, text);
    };
    const runFrom = (first: number): MaybeAsync<Answer> => {
      for (let i = first; i < items.length; i++) {
        if (bytes > max) {
          replies.push(this.#skipped(items[i], raw, i, bytes, max));
          continue;
        }
        const reply = this.#handleOne(items[i], call, raw, i, defer);
        if (isPromise(reply)) return reply.then((r) => (add(r), runFrom(i + 1)));
        add(reply);
      }
      return join(replies);
    };
    return runFrom(0);
  }

  /** The reply of a batch call left unrun because the replies before it were too big. */
  #skipped(msg: unknown, raw: RawIds, index: number, bytes: number, max: number): Answer {
    const checked = validateEnvelope(msg);
    if (!checked.ok) return errorReply(idText(checked.id), checked.error);
    const req = checked.request;
    if (!("id" in req)) return null;
    this.#ctx.metrics.inc("goxel_rejected_total", '{limit="batch_reply"}');
    return errorReply(replyId(req.id, raw, index), {
      code: ErrorCode.LIMIT,
      message: `Not run: the batch's replies before this call already hold ${bytes} bytes, ` +
        `over max_message_bytes (${max}); send big reads as separate requests`,
      data: { limit: "max_message_bytes", max },
    });
  }

  #handleOne(
    msg: unknown,
    call: CallInfo,
    raw: RawIds,
    index: number,
    defer: boolean,
  ): MaybeAsync<Answer> {
    // A valid request is used as decoded (no copy); validateEnvelope words the error otherwise.
    const checked = isRequest(msg) ? null : validateEnvelope(msg);
    if (checked && !checked.ok) return errorReply(idText(checked.id), checked.error);
    const req = checked ? checked.request : msg as JsonRpcRequest;
    const state: InProgress = { ticket: null, started: performance.now(), raw, index, defer };
    const out = this.#invoke(req, call, state);
    return isPromise(out)
      ? out.then((r) => this.#reply(req, r, state))
      : this.#reply(req, out, state);
  }

  /** Records a finished request (metrics, log) and builds its reply. */
  #reply(req: JsonRpcRequest, r: Outcome, state: InProgress): Answer {
    const { ticket, defer } = state;
    if (ticket && !defer) this.#ctx.journal.flushQueued();
    if (ticket?.error) r = { error: toRpcError(ticket.error, this.#ctx, req.method) };
    this.#requests.record(req.method, state.started, r.error?.code, req.params);
    if (!("id" in req)) return null;
    const id = replyId(req.id, state.raw, state.index);
    if (r.error) return errorReply(id, r.error);
    const ok = resultReply(id, r.result);
    if (!ticket || !defer) return ok;
    return new PendingReply(this, this.#ctx, ticket, ok, id, req.method);
  }

  #invoke(req: JsonRpcRequest, call: CallInfo, receipt: Receipt): MaybeAsync<Outcome> {
    const decl = findMethod(req.method, this.#filter);
    if (!decl) {
      const why = methodNotFound(req.method, this.#filter);
      return { error: { code: ErrorCode.METHOD_NOT_FOUND, ...why } };
    }
    const parsed = parseParams(decl, req.params);
    if (!parsed.ok) {
      return {
        error: {
          code: ErrorCode.INVALID_PARAMS,
          message: `Invalid params for ${decl.name}: ${parsed.message}`,
          data: { issues: parsed.issues },
        },
      };
    }
    const handler = (this.#handlers as unknown as Record<string, AnyHandler>)[decl.name];
    if (!handler) {
      return {
        error: { code: ErrorCode.METHOD_NOT_FOUND, message: `Method not available: ${decl.name}` },
      };
    }
    return this.#run(decl, handler, parsed.value as Record<string, unknown>, req.id, call, receipt);
  }

  /**
   * Runs a validated call: on its project, after what holds the project's queue; as one
   * journaled change and undo step when it mutates; cancellable by id when it is heavy.
   */
  #run(
    decl: MethodDecl,
    handler: AnyHandler,
    params: Record<string, unknown>,
    id: JsonRpcId | undefined,
    call: CallInfo,
    receipt: Receipt,
  ): MaybeAsync<Outcome> {
    let tracked: ReturnType<RunningRequests["start"]> | null = null;
    let opened: Opened | null = null;
    try {
      const projects = this.#ctx.projects, open = projects.size;
      const project = decl.flags?.project
        ? projects.resolve(
          params.project as string | undefined,
          decl.flags.mutates === true && !decl.flags.needsOpenProject,
        )
        : null;
      if (project && projects.size > open) opened = { project, requests: project.requests };
      // A heavy read (save, export, render) snapshots the project and finishes later: its
      // snapshot must not hold queued changes that a failed write would take back.
      if (project && decl.flags.heavy && !decl.flags.mutates) {
        this.#ctx.journal.flushProject(project);
      }
      // A heavy request can be cancelled by id while it runs (goxel.cancel_request).
      tracked = decl.flags.heavy && call.running && id !== undefined
        ? call.running.start(id)
        : null;
      if (tracked) call = { ...call, signal: tracked.signal };
      const run = () => {
        throwIfCancelled(tracked?.signal);
        return handler(params, { ctx: this.#ctx, project: project as Project, call });
      };
      // A mutating request is one all-or-nothing, journaled change and one undo step.
      const mutation = project && decl.flags.mutates ? project : null;
      const work = () =>
        mutation ? runMutation(this.#ctx, mutation, decl.name, run, params, receipt) : run();
      let value: MaybeAsync<unknown>;
      if (project?.isBusy) value = project.exclusive(work);
      else {
        value = work();
        // An async edit (import, script) holds the project's queue so later requests apply after
        // it; async reads (save, export, render) work on a snapshot and hold nothing.
        if (mutation && isPromise(value)) mutation.exclusive(() => value);
      }
      // A read saw the project's queued changes: if their write fails, so does the read.
      if (project && !decl.flags.mutates) receipt.ticket = this.#ctx.journal.pendingTicket(project);
      // The change stream reports projects opened, closed or selected (edits come via onCommit).
      const changes = this.#ctx.changes;
      if (isPromise(value)) {
        return value.then(
          (result) => (tracked?.done(), changes.afterRequest(), { result }),
          (err) => (tracked?.done(), this.#failed(err, decl.name, opened)),
        );
      }
      tracked?.done();
      changes.afterRequest();
      return { result: value };
    } catch (err) {
      tracked?.done();
      return this.#failed(err, decl.name, opened);
    }
  }

  /**
   * A failed request's error. The "Untitled" project it opened (an edit with none open) is
   * closed again unless another request addressed it since (one queued behind an async edit
   * waits to run on it): a failed request leaves nothing behind.
   */
  #failed(err: unknown, method: string, opened: Opened | null): Outcome {
    const projects = this.#ctx.projects, p = opened?.project;
    if (p && p.requests === opened!.requests && projects.find(p.id) === p) {
      projects.close(p.id);
      this.#ctx.changes.afterRequest();
    }
    return { error: toRpcError(err, this.#ctx, method) };
  }

  /** Counts a request answered as soon as it was read (a cancel: daemon/cancels.ts). */
  countEarly(method: string): void {
    this.#requests.record(method, performance.now(), undefined, undefined);
  }

  /**
   * A request counted as a success whose change was then taken back (its journal write failed):
   * it moves to the failures in the metrics and is logged as one.
   */
  failedLater(method: string, code: number): void {
    this.#requests.failedLater(method, code);
  }
}
