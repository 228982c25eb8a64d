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
  validateEnvelope,
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

/** The error of a request whose client left (its connection closed). */
export function clientLeftError(): RpcError {
  return new RpcError(ErrorCode.APPLICATION_ERROR, "The request was cancelled: its client left", {
    reason: "cancelled",
  });
}

/** The error an aborted signal stands for: its own RpcError (a cancel), else its client left. */
export function cancelError(signal: AbortSignal | undefined): RpcError {
  return signal?.reason instanceof RpcError ? signal.reason : clientLeftError();
}

/** Throws the signal's error (see cancelError) once it is aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelError(signal);
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
    const onClose = () => controller.abort(clientLeftError());
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

/**
 * What a cancel may reach of a connection's queue (MessageConnection.answerQueued): each queued
 * message's id key is worked out at most once, however many cancels look for it.
 */
export interface QueuedMessages {
  answerQueued(
    key: string,
    keyOf: (text: string) => string | undefined,
    answer: (text: string) => Answer,
  ): boolean;
}

/**
 * The id key of a queued message, from the id as written (no parse of the whole message);
 * undefined for a notification, a batch or a message that is not JSON.
 */
export function queuedIdKey(text: string): string | undefined {
  if (text.trimStart().startsWith("[")) return undefined;
  try {
    const id = rawIds(text)[0];
    return id === undefined ? undefined : idKey(JSON.parse(id));
  } catch {
    return undefined;
  }
}

/**
 * Handles `goxel.cancel_request` read off a connection, at once; undefined for any other
 * message, and for a malformed cancel (it then takes its turn and gets the usual error reply).
 * `counted` records the cancel as a request (metrics and the access log).
 */
export function cancelEarly(
  text: string,
  running: RunningRequests,
  queue: QueuedMessages,
  counted?: (method: string) => void,
): Answer | undefined {
  if (!text.includes("cancel_request")) return undefined;
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return undefined;
  }
  const checked = validateEnvelope(msg);
  if (!checked.ok) return undefined;
  const req = checked.request;
  const decl = findMethod(req.method);
  if (decl?.name !== "goxel.cancel_request") return undefined;
  const parsed = parseParams(decl, req.params);
  if (!parsed.ok) return undefined;
  const target = (parsed.value as { id: JsonRpcId }).id;
  const state = cancelById(target, running, queue);
  counted?.(decl.name);
  if (!("id" in req)) return null;
  const id = needsRawId(req.id) ? rawIds(text)[0] ?? idText(req.id) : idText(req.id);
  return resultReply(id, { cancelled: state !== "not_found", state });
}

/** Cancels the request with id `target`: queued (it never runs), else running, else none. */
function cancelById(
  target: JsonRpcId,
  running: RunningRequests,
  queue: QueuedMessages,
): CancelState {
  const answer = (text: string) => {
    const err = cancelledError();
    return errorReplyOf(rawIds(text)[0] ?? "null", err.code, err.message, err.data);
  };
  if (queue.answerQueued(idKey(target), queuedIdKey, answer)) return "queued";
  return running.cancel(target) ? "running" : "not_found";
}
