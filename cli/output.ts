/** Output helpers: JSON pretty on a terminal and compact otherwise; NO_COLOR honoured. */
import { writeSync } from "node:fs";
import process from "node:process";
import { isTerminal as isTerminalFd } from "./terminal.ts";

/** Writes text to descriptor 1 or 2. */
export type WriteFd = (fd: 1 | 2, text: string) => void;

/** Once set, output goes through the stream objects (see writeFd and preferStreams). */
let streaming = false;
/** Per descriptor, the last stream write's completion (flushStreams waits for them). */
const lastWrite = new Map<1 | 2, Promise<void>>();
/** Descriptors whose reader went away: what is still written to them is dropped. */
const gone = new Set<1 | 2>();
const encoder = new TextEncoder();

const isEpipe = (e: { code?: string; name?: string }) =>
  e.code === "EPIPE" || e.name === "BrokenPipe";

/**
 * Writes straight to the descriptor: creating process.stdout costs ~2 ms of start-up in the
 * compiled binary, and a CLI's pipe or terminal is blocking. A non-blocking descriptor (EAGAIN)
 * sends this and all later output (both descriptors, which keeps their order) through the stream
 * objects; a reader that went away (EPIPE) ends that output quietly, as `goxel call … | head`
 * expects.
 */
export function writeFd(fd: 1 | 2, text: string): void {
  if (gone.has(fd)) return;
  if (!streaming) {
    const bytes = encoder.encode(text);
    let at = 0;
    try {
      while (at < bytes.length) at += writeSync(fd, bytes, at);
      return;
    } catch (err) {
      const e = err as { code?: string; name?: string };
      if (isEpipe(e)) return void gone.add(fd);
      if (e.code !== "EAGAIN" && e.name !== "WouldBlock") throw err;
    }
    streaming = true;
    streamWrite(fd, bytes.subarray(at));
  } else streamWrite(fd, text);
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
 * Sends all further output through the stream objects, which buffer what the reader has not
 * taken yet: for long request streams, whose writer may read our replies only after it has
 * written everything (a blocking write would then wait for it while it waits for us).
 */
export function preferStreams(): void {
  streaming = true;
}

/** Resolves once what went through the stream objects is written (at once if nothing did). */
export async function flushStreams(): Promise<void> {
  await Promise.all(lastWrite.values());
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
