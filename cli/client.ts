/** A JSON-RPC client over the daemon's Unix socket (or TCP with a token), NDJSON framed. */
import net from "node:net";
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

interface Waiter {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** Where to connect. */
export type Endpoint = { socket: string } | { host: string; port: number; token: string };

/** A connected client; requests may be pipelined, replies are matched by id. */
export class RpcClient {
  #socket: net.Socket;
  #waiters = new Map<number, Waiter>();
  #nextId = 1;
  #buffer = "";
  #closedError: Error | null = null;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.#onData(chunk));
    socket.on(
      "close",
      () => this.#failAll(new NotRunningError("The daemon closed the connection")),
    );
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
    const id = this.#nextId++;
    const msg: Record<string, unknown> = { jsonrpc: "2.0", method, id };
    if (params !== undefined) msg.params = params;
    return new Promise((resolve, reject) => {
      this.#waiters.set(id, { resolve, reject });
      this.#socket.write(JSON.stringify(msg) + "\n");
    });
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

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let nl: number;
    while ((nl = this.#buffer.indexOf("\n")) >= 0) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line.trim()) this.#onLine(line);
    }
  }

  #onLine(line: string): void {
    let msg: {
      id?: unknown;
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
    };
    try {
      msg = JSON.parse(line);
    } catch {
      return this.onUnmatched(line);
    }
    const waiter = typeof msg.id === "number" ? this.#waiters.get(msg.id) : undefined;
    if (!waiter) return this.onUnmatched(line);
    this.#waiters.delete(msg.id as number);
    if (msg.error) waiter.reject(new RpcError(msg.error.code, msg.error.message, msg.error.data));
    else waiter.resolve(msg.result);
  }

  #failAll(err: Error): void {
    this.#closedError ??= err;
    for (const w of this.#waiters.values()) w.reject(err);
    this.#waiters.clear();
  }
}
