/**
 * Cancelling a connection's requests by id (`goxel.cancel_request`). A socket connection keeps
 * its running heavy requests (those that work on the worker pool) here. A cancel read off the
 * socket is handled at once, through the connection's `early` hook, ahead of the requests queued
 * before it: with replies in order, a cancel that waited its turn would wait for the very work it
 * cancels.
 */
import {
  type Answer,
  ErrorCode,
  findMethod,
  idText,
  type JsonRpcId,
  needsRawId,
  parseParams,
  rawIds,
  resultReply,
  RpcError,
} from "../protocol/mod.ts";
import { errorReplyOf } from "../protocol/replies.ts";

/** Where the cancelled request was. */
export type CancelState = "queued" | "running" | "not_found";

/** The error a cancelled request answers with. */
export function cancelledError(): RpcError {
  return new RpcError(
    ErrorCode.APPLICATION_ERROR,
    "The request was cancelled by its client (goxel.cancel_request)",
    { reason: "cancelled" },
  );
}

/** The key of a request id (ids 1 and "1" differ). */
export function idKey(id: JsonRpcId): string {
  return JSON.stringify(id);
}

/** One connection's running heavy requests, by id. */
export class RunningRequests {
  readonly #running = new Map<string, AbortController>();

  /** `connection` aborts when the client's connection closes: every running request stops. */
  constructor(readonly connection?: AbortSignal) {}

  /**
   * Registers a request as running; returns its signal (aborted by a cancel or by the
   * connection closing) and the function to call once it settles.
   */
  start(id: JsonRpcId): { signal: AbortSignal; done: () => void } {
    const key = idKey(id);
    const controller = new AbortController();
    const connection = this.connection;
    const onClose = () => controller.abort(connection?.reason);
    if (connection?.aborted) onClose();
    else connection?.addEventListener("abort", onClose, { once: true });
    this.#running.set(key, controller);
    const done = () => {
      if (this.#running.get(key) === controller) this.#running.delete(key);
      connection?.removeEventListener("abort", onClose);
    };
    return { signal: controller.signal, done };
  }

  /** Stops every running request with `error` (the daemon is stopping). */
  cancelAll(error: Error): void {
    for (const controller of this.#running.values()) controller.abort(error);
  }

  /** Stops the running request with this id; false when none runs. */
  cancel(id: JsonRpcId): boolean {
    const controller = this.#running.get(idKey(id));
    if (!controller) return false;
    controller.abort(cancelledError());
    return true;
  }
}

/** What a cancel may reach of a connection's queue (MessageConnection.answerQueued). */
export interface QueuedMessages {
  answerQueued(matches: (text: string) => boolean, answer: (text: string) => Answer): boolean;
}

/** Queued messages a cancel looks at, and the longest it parses (a cancel must stay cheap). */
const QUEUE_SCAN = 16;
const MAX_SCANNED_CHARS = 4096;

/**
 * Handles `goxel.cancel_request` read off a socket, at once; undefined for any other message
 * (and for a malformed cancel: it then takes its turn and gets the usual error reply).
 */
export function cancelEarly(
  text: string,
  running: RunningRequests,
  queue: QueuedMessages,
): Answer | undefined {
  if (!text.includes("cancel_request")) return undefined;
  let msg: { id?: JsonRpcId; method?: unknown; params?: unknown };
  try {
    msg = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (msg === null || typeof msg !== "object" || Array.isArray(msg)) return undefined;
  if (typeof msg.method !== "string") return undefined;
  const decl = findMethod(msg.method);
  if (decl?.name !== "goxel.cancel_request") return undefined;
  const parsed = parseParams(decl, msg.params);
  if (!parsed.ok) return undefined;
  const target = (parsed.value as { id: JsonRpcId }).id;
  const state = cancel(target, running, queue);
  if (!("id" in msg)) return null;
  const id = needsRawId(msg.id) ? rawIds(text)[0] ?? idText(msg.id) : idText(msg.id);
  return resultReply(id, { cancelled: state !== "not_found", state });
}

function cancel(target: JsonRpcId, running: RunningRequests, queue: QueuedMessages): CancelState {
  const key = idKey(target);
  let scanned = 0;
  const matches = (text: string) => {
    if (scanned++ >= QUEUE_SCAN || text.length > MAX_SCANNED_CHARS) return false;
    if (!text.includes(String(target))) return false;
    try {
      const m = JSON.parse(text);
      return m !== null && typeof m === "object" && !Array.isArray(m) && "id" in m &&
        idKey(m.id) === key;
    } catch {
      return false;
    }
  };
  const answer = (text: string) => {
    const id = rawIds(text)[0] ?? "null";
    const err = cancelledError();
    return errorReplyOf(id, err.code, err.message, err.data);
  };
  if (queue.answerQueued(matches, answer)) return "queued";
  return running.cancel(target) ? "running" : "not_found";
}
