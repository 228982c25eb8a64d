/** A JSON-RPC client over the daemon's Unix socket (or TCP with a token), NDJSON framed. */
import { PendingCalls } from "../protocol/calls.ts";
import { NdjsonDecoder } from "../protocol/framing.ts";
import { RpcError } from "../protocol/jsonrpc.ts";
import { type Endpoint, type Link, NotRunningError, openLink } from "./link.ts";

/** A JSON-RPC error returned by the daemon (the protocol layer's error class). */
export { NotRunningError, RpcError };
export type { Endpoint };

const CANCEL = "goxel.cancel_request";

/** A connected client; requests may be pipelined, replies are matched by id. */
export class RpcClient {
  #link!: Link;
  #calls = new PendingCalls();
  // Replies are framed by bytes, so a character split across reads is decoded whole.
  #decoder = new NdjsonDecoder({ maxMessageBytes: Number.MAX_SAFE_INTEGER });
  #closedError: Error | null = null;

  private constructor() {}

  /** Connects; rejects with NotRunningError when nothing listens. */
  static async connect(endpoint: Endpoint, timeoutMs = 2000): Promise<RpcClient> {
    const client = new RpcClient();
    client.#link = await openLink(endpoint, {
      data: (chunk) => client.#onData(chunk),
      error: (err) => client.#failAll(err),
      close: () => {
        client.#failAll(new NotRunningError("The daemon closed the connection"));
        client.onClose();
      },
    }, timeoutMs);
    if (!("socket" in endpoint)) await client.call("goxel.authenticate", { token: endpoint.token });
    return client;
  }

  /**
   * Sends one request and resolves with its result; rejects with RpcError on an error reply.
   * When `signal` aborts, the daemon is asked to cancel the request (goxel.cancel_request): a
   * cancelled request still gets its reply, a cancelled error.
   */
  call(method: string, params?: unknown, signal?: AbortSignal): Promise<unknown> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    const { id, frame, result } = this.#calls.start(method, params);
    this.#link.write(frame);
    if (!signal) return result;
    const cancel = () => {
      if (this.#closedError) return;
      const params = { id };
      this.#link.write(JSON.stringify({ jsonrpc: "2.0", method: CANCEL, params }) + "\n");
    };
    if (signal.aborted) cancel();
    else signal.addEventListener("abort", cancel, { once: true });
    return result.finally(() => signal.removeEventListener("abort", cancel));
  }

  /** True once the connection closed or failed (calls would be refused). */
  get isClosed(): boolean {
    return this.#closedError !== null;
  }

  /** Writes raw text (already framed) to the socket. */
  writeRaw(text: string): boolean {
    return this.#link.write(text);
  }

  /** Closes the connection; resolves once what was written has been handed to the kernel. */
  close(): Promise<void> {
    return this.#link.close();
  }

  /** Called with every reply line that does not answer one of our own calls. */
  onUnmatched: (line: string) => void = () => {};

  /** Called once when the connection has closed. */
  onClose: () => void = () => {};

  #onData(chunk: Uint8Array): void {
    for (const ev of this.#decoder.push(chunk)) {
      if (ev.kind === "message" && !this.#calls.settle(ev.text)) this.onUnmatched(ev.text);
    }
  }

  #failAll(err: Error): void {
    this.#closedError ??= err;
    this.#calls.failAll(err);
  }
}
