/**
 * Replies whose text is final only when the connection writes them (see DeferredReply): a
 * change's reply waits for its journal record, a batch's for its items.
 */
import {
  type DeferredReply,
  errorReply,
  idText,
  type JsonRpcId,
  needsRawId,
  rawIds,
} from "../protocol/mod.ts";
import type { Ticket } from "./journal_types.ts";
import { toRpcError } from "./rpc_errors.ts";
import type { DaemonContext } from "./context.ts";

type Reply = string | null;
/** A reply, or one whose text waits for the journal write of its change (see settle()). */
export type Answer = Reply | DeferredReply;

/**
 * Where the request ids as sent come from (read only when a number may have lost digits): a
 * single message's own text, or a batch's ids read once for all its calls.
 */
export type RawIds = string | (() => (string | undefined)[]);

/** Who is told of a change whose journal write failed after its request was counted. */
export interface FailedLater {
  failedLater(method: string, code: number): void;
}

/**
 * The reply of a change whose journal record is queued: its text is the success reply once the
 * record is written, or the journal error if that write failed (the change was taken back).
 */
export class PendingReply implements DeferredReply {
  readonly #dispatcher: FailedLater;
  readonly #ctx: DaemonContext;
  readonly #ticket: Ticket;
  readonly #ok: string;
  readonly #id: string;
  readonly #method: string;

  // One object per pipelined edit: plain fields, no closures (the replies of a whole run are
  // alive at once, and every extra object is GC work).
  constructor(
    dispatcher: FailedLater,
    ctx: DaemonContext,
    ticket: Ticket,
    ok: string,
    id: string,
    method: string,
  ) {
    this.#dispatcher = dispatcher;
    this.#ctx = ctx;
    this.#ticket = ticket;
    this.#ok = ok;
    this.#id = id;
    this.#method = method;
  }

  /** Writes the queued journal records (if not yet done) and returns the final reply. */
  settle(): Reply {
    this.#ctx.journal.flushQueued();
    const { error } = this.#ticket;
    if (!error) return this.#ok;
    const rpc = toRpcError(error, this.#ctx, this.#method);
    this.#dispatcher.failedLater(this.#method, rpc.code);
    return errorReply(this.#id, rpc);
  }
}

/** A reply's id text: as the request wrote it when JSON.parse would change it (big numbers). */
export function replyId(id: JsonRpcId | undefined, raw: RawIds, index: number): string {
  if (!needsRawId(id)) return idText(id);
  return (typeof raw === "string" ? rawIds(raw) : raw())[index] ?? idText(id);
}

/** A batch's reply: its items' replies, settled together. */
export class PendingBatch implements DeferredReply {
  readonly #items: Answer[];
  readonly #text: (settled: Reply[]) => Reply;

  constructor(items: Answer[], text: (settled: Reply[]) => Reply) {
    this.#items = items;
    this.#text = text;
  }

  settle(): Reply {
    return this.#text(this.#items.map(settle));
  }
}

/** The final text of an answer. */
function settle(answer: Answer): Reply {
  return answer === null || typeof answer === "string" ? answer : answer.settle();
}
