/** Output helpers: JSON pretty on a terminal and compact otherwise; NO_COLOR honoured. */
import { writeSync } from "node:fs";
import process from "node:process";
import { isTerminal as isTerminalFd } from "./terminal.ts";

/** Writes text to descriptor 1 or 2. */
export type WriteFd = (fd: 1 | 2, text: string) => void;

/** Descriptors whose writes went to the stream objects (so they must be flushed before exit). */
const streamed = new Set<1 | 2>();
const encoder = new TextEncoder();

/**
 * Writes straight to the descriptor: creating process.stdout costs ~1 ms of start-up in the
 * compiled binary, and a CLI's pipe or terminal is blocking. A non-blocking descriptor (EAGAIN)
 * falls back to the stream for the rest of the run, which keeps the order; a reader that went away
 * (EPIPE) ends the output quietly, as `goxel call … | head` expects.
 */
export function writeFd(fd: 1 | 2, text: string): void {
  if (!streamed.has(fd)) {
    const bytes = encoder.encode(text);
    let at = 0;
    try {
      while (at < bytes.length) at += writeSync(fd, bytes, at);
      return;
    } catch (err) {
      const e = err as { code?: string; name?: string };
      if (e.code === "EPIPE" || e.name === "BrokenPipe") return;
      if (e.code !== "EAGAIN" && e.name !== "WouldBlock") throw err;
    }
    streamed.add(fd);
    text = new TextDecoder().decode(bytes.subarray(at));
  }
  (fd === 1 ? process.stdout : process.stderr).write(text);
}

/**
 * Sends all further output through the stream objects, which buffer what the reader has not
 * taken yet: for long request streams, whose writer may read our replies only after it has
 * written everything (a blocking write would then wait for it while it waits for us).
 */
export function preferStreams(): void {
  streamed.add(1);
  streamed.add(2);
}

/** Resolves once what went through the stream objects is written (at once if nothing did). */
export function flushStreams(): Promise<void> {
  if (streamed.size === 0) return Promise.resolve();
  return new Promise((done) =>
    process.stdout.write("", () => process.stderr.write("", () => done()))
  );
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
