/** A JSON-RPC client over the daemon's Unix socket (or TCP with a token), NDJSON framed. */
import net from "node:net";
import { PendingCalls } from "../protocol/calls.ts";
import { NdjsonDecoder } from "../protocol/framing.ts";
import { RpcError } from "../protocol/jsonrpc.ts";

/** A JSON-RPC error returned by the daemon (the protocol layer's error class). */
export { RpcError };

/** The daemon could not be reached. */
export class NotRunningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotRunningError";
  }
}

/** Where to connect. */
export type Endpoint = { socket: string } | { host: string; port: number; token: string };

/** A connected client; requests may be pipelined, replies are matched by id. */
export class RpcClient {
  #socket: net.Socket;
  #calls = new PendingCalls();
  // Replies are framed by bytes, so a character split across reads is decoded whole.
  #decoder = new NdjsonDecoder({ maxMessageBytes: Number.MAX_SAFE_INTEGER });
  #closedError: Error | null = null;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Uint8Array) => this.#onData(chunk));
    socket.on("close", () => {
      this.#failAll(new NotRunningError("The daemon closed the connection"));
      this.onClose();
    });
    socket.on("error", (err) => this.#failAll(err));
  }

  /** Connects; rejects with NotRunningError when nothing listens. */
  static async connect(endpoint: Endpoint, timeoutMs = 2000): Promise<RpcClient> {
    const socket = "socket" in endpoint
      ? net.connect(endpoint.socket)
      : net.connect(endpoint.port, endpoint.host);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new NotRunningError("Timed out connecting to the daemon")),
        timeoutMs,
      );
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const where = "socket" in endpoint ? endpoint.socket : `${endpoint.host}:${endpoint.port}`;
        reject(
          new NotRunningError(`goxel is not running on ${where} (${err.code ?? err.message})`),
        );
      });
    });
    const client = new RpcClient(socket);
    if (!("socket" in endpoint)) await client.call("goxel.authenticate", { token: endpoint.token });
    return client;
  }

  /** Sends one request and resolves with its result; rejects with RpcError on an error reply. */
  call(method: string, params?: unknown): Promise<unknown> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    const { frame, result } = this.#calls.start(method, params);
    this.#socket.write(frame);
    return result;
  }

  /** True once the connection closed or failed (calls would be refused). */
  get isClosed(): boolean {
    return this.#closedError !== null;
  }

  /** Writes raw text (already framed) to the socket. */
  writeRaw(text: string): boolean {
    return this.#socket.write(text);
  }

  /** Closes the connection. */
  close(): void {
    this.#socket.end();
    this.#socket.destroy();
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
