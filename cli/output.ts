/** Output helpers: JSON pretty on a terminal and compact otherwise; NO_COLOR honoured. */
import { writeSync } from "node:fs";
import process from "node:process";
import { isTerminal as isTerminalFd } from "./terminal.ts";

/** Writes text to descriptor 1 or 2. */
export type WriteFd = (fd: 1 | 2, text: string) => void;

/** Once set, output goes through the stream objects (see preferStreams; Bun only). */
let streaming = false;
/** Per descriptor, the last stream write's completion (flushStreams waits for them). */
const lastWrite = new Map<1 | 2, Promise<void>>();
/** Descriptors whose reader went away: what is still written to them is dropped. */
const gone = new Set<1 | 2>();
const encoder = new TextEncoder();
/** Output a non-blocking descriptor refused for now, in the order it was written (both fds). */
const pending: { fd: 1 | 2; bytes: Uint8Array }[] = [];
/** Resolves when `pending` is empty again (null while nothing waits). */
let drained: { promise: Promise<void>; resolve: () => void } | null = null;
/** Longest pause between two tries at a full non-blocking descriptor. */
const MAX_RETRY_MS = 20;

const isEpipe = (e: { code?: string; name?: string }) =>
  e.code === "EPIPE" || e.name === "BrokenPipe";
const isWouldBlock = (e: { code?: string; name?: string }) =>
  e.code === "EAGAIN" || e.name === "WouldBlock";

/**
 * Writes straight to the descriptor: creating process.stdout costs ~2 ms of start-up in the
 * compiled binary, and a CLI's pipe or terminal is usually blocking. What a non-blocking
 * descriptor refuses (EAGAIN: its reader is slow, and a parent such as Node.js made it
 * non-blocking) waits in order, with all later output, until it drains (see #pump); a reader
 * that went away (EPIPE) ends that output quietly, as `goxel call … | head` expects.
 */
export function writeFd(fd: 1 | 2, text: string): void {
  if (gone.has(fd)) return;
  if (streaming && pending.length === 0) return streamWrite(fd, text);
  const bytes = encoder.encode(text);
  if (pending.length > 0) return void pending.push({ fd, bytes });
  const at = writeNow(fd, bytes, 0);
  if (at < bytes.length) {
    pending.push({ fd, bytes: bytes.subarray(at) });
    let resolve = () => {};
    const promise = new Promise<void>((done) => resolve = done);
    drained = { promise, resolve };
    setTimeout(() => pump(1), 1);
  }
}

/** Writes bytes from `at` until done or refused; returns where it stopped. */
function writeNow(fd: 1 | 2, bytes: Uint8Array, at: number): number {
  try {
    while (at < bytes.length) at += writeSync(fd, bytes, at);
  } catch (err) {
    const e = err as { code?: string; name?: string };
    if (isEpipe(e)) {
      gone.add(fd);
      return bytes.length;
    }
    if (!isWouldBlock(e)) throw err;
  }
  return at;
}

/**
 * Writes what waits, in order; while the descriptor is full, tries again after `delay` ms. Any
 * other failure (EIO, say) drops what waits and is reported once, with exit status 1.
 */
function pump(delay: number): void {
  while (pending.length > 0) {
    const head = pending[0];
    let at: number;
    try {
      at = gone.has(head.fd) ? head.bytes.length : writeNow(head.fd, head.bytes, 0);
    } catch (err) {
      pending.length = 0;
      process.exitCode = 1;
      try {
        writeSync(2, `goxel: cannot write the output: ${(err as Error).message}\n`);
      } catch { /* stderr is gone too */ }
      break;
    }
    if (at < head.bytes.length) {
      head.bytes = head.bytes.subarray(at);
      const next = at > 0 ? 1 : Math.min(MAX_RETRY_MS, delay * 2);
      setTimeout(() => pump(next), next);
      return;
    }
    pending.shift();
  }
  drained?.resolve();
  drained = null;
}

/** Writes through the stream object, remembering when that write is done. */
function streamWrite(fd: 1 | 2, data: string | Uint8Array): void {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (!lastWrite.has(fd)) {
    stream.on("error", (err: { code?: string; name?: string }) => {
      if (!isEpipe(err)) throw err;
      gone.add(fd);
    });
  }
  // A write's callback runs once it is handed to the descriptor (an empty write's callback runs
  // at once on Bun, so only this tells when the output is out).
  lastWrite.set(fd, new Promise((done) => stream.write(data, () => done())));
}

/**
 * Under Bun, sends all further output through the stream objects, which buffer what the reader
 * has not taken yet: for long request streams, whose writer may read our replies only after it
 * has written everything (a blocking write would then wait for it while it waits for us).
 * Deno's stream objects write synchronously (they block on a full pipe like writeSync and throw
 * on a non-blocking one), so there output keeps going through writeFd.
 */
export function preferStreams(): void {
  if (!("Deno" in globalThis)) streaming = true;
}

/** Resolves once all output is written (at once if nothing waits). */
export async function flushStreams(): Promise<void> {
  await Promise.all([...lastWrite.values(), drained?.promise]);
}

/** Where the CLI writes. */
export class Output {
  exitCode = 0;
  readonly isTty: boolean;
  readonly color: boolean;

  /** `isTerminal(fd)` tells whether a descriptor is a terminal; tests pass their own `write`. */
  constructor(
    env: Record<string, string | undefined>,
    isTerminal: (fd: number) => boolean = isTerminalFd,
    private readonly write: WriteFd = writeFd,
  ) {
    // isatty, not process.stdout.isTTY: creating the stream objects costs start-up time.
    this.isTty = isTerminal(1);
    this.color = isTerminal(2) && !env.NO_COLOR;
  }

  /** Writes to stdout. */
  stdout(text: string): void {
    this.write(1, text);
  }

  /** Writes to stderr. */
  stderr(text: string): void {
    this.write(2, text);
  }

  /** Prints a line on stdout. */
  line(text: string): void {
    this.stdout(text + "\n");
  }

  /** Prints an error line on stderr ("goxel: message", red on a colour terminal). */
  error(message: string): void {
    const prefix = this.color ? "\x1b[31mgoxel:\x1b[0m" : "goxel:";
    this.stderr(`${prefix} ${message}\n`);
  }

  /** Prints a value as JSON: indented on a terminal, one line otherwise. */
  json(value: unknown, pretty = this.isTty): void {
    this.line(pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value));
  }
}
