/**
 * The MCP stdio transport of `goxel mcp`: newline-delimited JSON-RPC on stdin and stdout. Unlike
 * the SDK's, it answers malformed and over-long lines and keeps reading, finishes the requests in
 * flight when stdin ends, and closes (settling `closed`) on end of input or a stream error, so
 * the server can never be left waiting on a stream that will not speak again.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { decodeLine } from "./stdio_decode.ts";
import { type LineEvent, LineReader } from "./stdio_lines.ts";

/** Longest line read, as the SDK's stdio transport allows; longer ones are answered and skipped. */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;
/** How long requests in flight may still run once stdin has ended. */
export const EOF_GRACE_MS = 10_000;

/** The part of a readable byte stream (such as `process.stdin`) the transport uses. */
export interface ByteInput {
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "end" | "close", listener: () => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
  off(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  off(event: "end" | "close", listener: () => void): unknown;
  off(event: "error", listener: (err: Error) => void): unknown;
  pause(): unknown;
}

/** The part of a writable byte stream (such as `process.stdout`) the transport uses. */
export interface ByteOutput {
  write(text: string, callback: (err?: Error | null) => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
}

/** Options of {@link StdioTransport}. */
export interface StdioTransportOptions {
  input: ByteInput;
  output: ByteOutput;
  maxLineBytes?: number;
  eofGraceMs?: number;
  /** Where to report input that was refused (one line, no trailing newline). */
  log?: (message: string) => void;
}

type RequestId = string | number;

/** A server-side MCP transport over a pair of byte streams. */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Settles once closed: with the error that closed it, or undefined after end of input. */
  readonly closed: Promise<Error | undefined>;

  readonly #opts: StdioTransportOptions;
  readonly #lines: LineReader;
  /** Requests from the host not answered yet: stdin's end waits for them. */
  readonly #inFlight = new Set<RequestId>();
  #settle!: (reason: Error | undefined) => void;
  #isStarted = false;
  #isEnded = false;
  #isClosed = false;
  #grace: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: StdioTransportOptions) {
    this.#opts = opts;
    this.#lines = new LineReader(opts.maxLineBytes ?? MAX_LINE_BYTES);
    this.closed = new Promise((resolve) => this.#settle = resolve);
  }

  /** Starts reading input; called by the SDK's `connect()`. */
  start(): Promise<void> {
    if (this.#isStarted) throw new TypeError("StdioTransport.start() was called twice");
    this.#isStarted = true;
    const { input, output } = this.#opts;
    input.on("data", this.#onData);
    input.on("end", this.#onEnd);
    input.on("close", this.#onEnd);
    input.on("error", this.#onInputError);
    output.on("error", this.#onOutputError);
    return Promise.resolve();
  }

  /** Writes one message as a line; resolves once the stream has taken it. */
  send(message: JSONRPCMessage): Promise<void> {
    const id = "id" in message && !("method" in message) ? message.id : undefined;
    return this.#write(message).finally(() => {
      if (id !== undefined && this.#inFlight.delete(id)) this.#closeIfDrained();
    });
  }

  /** Stops reading and reports the closure; safe to call more than once. */
  close(): Promise<void> {
    this.#finish(undefined);
    return Promise.resolve();
  }

  #write(message: unknown): Promise<void> {
    if (this.#isClosed) {
      return Promise.reject(new Error("Cannot send an MCP message: the stdio transport is closed"));
    }
    return new Promise((resolve, reject) => {
      this.#opts.output.write(JSON.stringify(message) + "\n", (err) => {
        if (err) reject(new Error(`Cannot write an MCP message: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  #onData = (chunk: Uint8Array): void => {
    if (this.#isClosed || this.#isEnded) return;
    for (const event of this.#lines.push(chunk)) this.#handle(event);
  };

  #onEnd = (): void => {
    if (this.#isClosed || this.#isEnded) return;
    for (const event of this.#lines.end()) this.#handle(event);
    this.#isEnded = true;
    if (this.#inFlight.size === 0) return this.#finish(undefined);
    this.#grace = setTimeout(() => {
      this.#opts.log?.(
        `stdin ended; stopping with ${this.#inFlight.size} request(s) still unanswered after ` +
          `${this.#graceMs} ms`,
      );
      this.#finish(undefined);
    }, this.#graceMs);
  };

  #onInputError = (err: Error): void => {
    this.#finish(new Error(`Cannot read MCP messages from stdin: ${err.message}`, { cause: err }));
  };

  #onOutputError = (err: Error): void => {
    this.#finish(new Error(`Cannot write MCP messages to stdout: ${err.message}`, { cause: err }));
  };

  get #graceMs(): number {
    return this.#opts.eofGraceMs ?? EOF_GRACE_MS;
  }

  #handle(event: LineEvent): void {
    const outcome = decodeLine(event, this.#lines.maxLineBytes);
    if (outcome.kind === "blank") return;
    if (outcome.kind === "rejected") {
      this.#opts.log?.(`Refused a line of MCP input: ${outcome.problem}`);
      if (outcome.reply) this.#write(outcome.reply).catch((err) => this.onerror?.(err));
      return;
    }
    const message = outcome.message;
    if ("method" in message && "id" in message) this.#inFlight.add(message.id);
    if ("method" in message && message.method === "notifications/cancelled") {
      // A cancelled request gets no response: stop waiting for it.
      const params = message.params as { requestId?: RequestId } | undefined;
      if (params?.requestId !== undefined) this.#inFlight.delete(params.requestId);
    }
    this.onmessage?.(message);
  }

  #closeIfDrained(): void {
    if (this.#isEnded && this.#inFlight.size === 0) this.#finish(undefined);
  }

  #finish(reason: Error | undefined): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    clearTimeout(this.#grace);
    const { input } = this.#opts;
    input.off("data", this.#onData);
    input.off("end", this.#onEnd);
    input.off("close", this.#onEnd);
    input.off("error", this.#onInputError);
    input.pause();
    // The output keeps its error listener: a late EPIPE must not become an uncaught error event.
    if (reason) this.onerror?.(reason);
    this.onclose?.();
    this.#settle(reason);
  }
}
