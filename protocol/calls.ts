/**
 * The client end of a connection: numbered requests and their replies matched by id, so calls
 * can be pipelined; anything that answers none of them is handed back to the caller.
 */
import { RpcError } from "./jsonrpc.ts";

interface Waiter {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Requests sent and waiting for their replies. */
export class PendingCalls {
  #waiters = new Map<number, Waiter>();
  #nextId = 1;

  /** Number of calls waiting. */
  get size(): number {
    return this.#waiters.size;
  }

  /**
   * Registers a call; returns its id, its request frame (with newline) and the promise of its
   * result.
   */
  start(method: string, params?: unknown): { id: number; frame: string; result: Promise<unknown> } {
    const id = this.#nextId++;
    const msg: Record<string, unknown> = { jsonrpc: "2.0", method, id };
    if (params !== undefined) msg.params = params;
    const result = new Promise<unknown>((resolve, reject) => {
      this.#waiters.set(id, { resolve, reject });
    });
    return { id, frame: JSON.stringify(msg) + "\n", result };
  }

  /**
   * Settles the call a reply line answers (rejecting with {@link RpcError} on an error reply);
   * returns false when the line answers none of them.
   */
  settle(line: string): boolean {
    let msg: {
      id?: unknown;
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
    };
    try {
      msg = JSON.parse(line);
    } catch {
      return false;
    }
    const waiter = typeof msg?.id === "number" ? this.#waiters.get(msg.id) : undefined;
    if (!waiter) return false;
    this.#waiters.delete(msg.id as number);
    if (msg.error) waiter.reject(new RpcError(msg.error.code, msg.error.message, msg.error.data));
    else waiter.resolve(msg.result);
    return true;
  }

  /** Rejects every waiting call (the connection closed). */
  failAll(err: Error): void {
    for (const w of this.#waiters.values()) w.reject(err);
    this.#waiters.clear();
  }
}
