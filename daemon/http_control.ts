/** Starts and stops the HTTP listener: from config at start-up, or later by goxel.serve_http. */
import { readFileSync } from "node:fs";
import { InvalidInputError } from "../core/errors.ts";
import type { BufferBudget } from "../protocol/mod.ts";
import { isLoopbackHost, parseHostPort } from "../protocol/listen_address.ts";
import type { DaemonContext } from "./context.ts";
import type { Dispatcher } from "./dispatch.ts";
import type { HttpListener } from "./http.ts";
import { removeFiles, writeTokenFile } from "./runtime_files.ts";

/** Parses "HOST:PORT", "[v6]:PORT" or "PORT" (host 127.0.0.1). */
export function parseListen(text: string): { host: string; port: number } {
  const address = parseHostPort(text);
  if (!address) {
    throw new InvalidInputError(`Cannot listen on "${text}": expected HOST:PORT or PORT`);
  }
  return address;
}

/** The daemon's HTTP listener, if any (its code, node:http and ws load when it first starts). */
export class HttpControl {
  readonly #ctx: () => DaemonContext;
  readonly #dispatcher: () => Dispatcher;
  readonly #tokenFile: string;
  readonly #budget: (() => BufferBudget) | undefined;
  #listener: HttpListener | null = null;
  #starting: Promise<string> | null = null;
  #wroteToken = false;
  #ready = false;

  /** `budget`: the socket transport's buffer budget, for HTTP bodies to share (else their own). */
  constructor(
    ctx: () => DaemonContext,
    dispatcher: () => Dispatcher,
    tokenFile: string,
    budget?: () => BufferBudget,
  ) {
    this.#ctx = ctx;
    this.#dispatcher = dispatcher;
    this.#tokenFile = tokenFile;
    this.#budget = budget;
  }

  /** "http://host:port" while listening. */
  get url(): string | null {
    return this.#listener?.url || null;
  }

  /** Marks the daemon ready (GET /readyz answers 200 from then on). */
  markReady(): void {
    this.#ready = true;
  }

  /** Starts listening unless already listening; resolves with the URL. */
  start(listen: string, allowNonLoopback: boolean): Promise<string> {
    if (this.#listener?.url) return Promise.resolve(this.#listener.url);
    this.#starting ??= this.#start(listen, allowNonLoopback).finally(() => this.#starting = null);
    return this.#starting;
  }

  async #start(listen: string, allowNonLoopback: boolean): Promise<string> {
    const { host, port } = parseListen(listen);
    const loopback = isLoopbackHost(host);
    if (!loopback && !allowNonLoopback) {
      throw new InvalidInputError(
        `Refusing to serve HTTP on ${host}: only loopback addresses are allowed (set http.allow_non_loopback to force)`,
      );
    }
    const { HttpListener } = await import("./http.ts");
    const listener = new HttpListener(this.#ctx(), this.#dispatcher(), {
      host,
      port,
      token: loopback ? null : this.#token(),
      ready: () => this.#ready,
      budget: this.#budget?.(),
    });
    try {
      await listener.listen();
    } catch (err) {
      throw new InvalidInputError(`Cannot serve HTTP on ${listen}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.#listener = listener;
    return listener.url;
  }

  /** Stops the listener. */
  close(): void {
    this.#listener?.close();
    this.#listener = null;
    if (this.#wroteToken) removeFiles(this.#tokenFile);
  }

  /** The TCP token when TCP wrote one, else a new token file. */
  #token(): string {
    try {
      const token = readFileSync(this.#tokenFile, "utf8").trim();
      if (token) return token;
    } catch { /* written below */ }
    this.#wroteToken = true;
    return writeTokenFile(this.#tokenFile);
  }
}
