/**
 * Splits the stdio byte stream into newline-delimited lines with a bound on memory: a line over
 * the limit is not held but skipped to its end, reporting its size and the envelope found in it.
 */
import { type Envelope, EnvelopeScanner } from "./stdio_envelope.ts";

/** One line of input: its text, or the report of a line too long to keep. */
export type LineEvent =
  | { kind: "line"; text: string }
  | { kind: "oversize"; bytes: number; envelope: Envelope }
  | { kind: "undecodable"; bytes: number };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Cuts chunks of bytes into lines of at most `maxLineBytes` bytes (without the newline). */
export class LineReader {
  readonly maxLineBytes: number;
  #parts: Uint8Array[] = [];
  #bytes = 0;
  #scanner: EnvelopeScanner | undefined;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(maxLineBytes: number) {
    if (!(maxLineBytes > 0)) throw new RangeError(`maxLineBytes must be positive: ${maxLineBytes}`);
    this.maxLineBytes = maxLineBytes;
  }

  /** Takes the next chunk and returns the lines it completes, in order. */
  push(chunk: Uint8Array): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.#take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) return events;
      events.push(this.#finish());
      start = newline + 1;
    }
  }

  /** At the end of input: the last line when it has no newline, else nothing. */
  end(): LineEvent[] {
    return this.#bytes > 0 ? [this.#finish()] : [];
  }

  #take(part: Uint8Array): void {
    if (part.length === 0) return;
    this.#bytes += part.length;
    if (this.#scanner) {
      this.#scanner.push(part);
    } else if (this.#bytes > this.maxLineBytes + 1) {
      // Too long to keep (the one byte of slack may be a CRLF's `\r`): from here on the bytes are
      // dropped and only the envelope is looked for.
      this.#scanner = new EnvelopeScanner();
      for (const kept of this.#parts) this.#scanner.push(kept);
      this.#scanner.push(part);
      this.#parts = [];
    } else {
      this.#parts.push(new Uint8Array(part)); // a copy: the stream may reuse its chunk
    }
  }

  #finish(): LineEvent {
    const bytes = this.#bytes;
    const scanner = this.#scanner;
    const parts = this.#parts;
    this.#parts = [];
    this.#bytes = 0;
    this.#scanner = undefined;
    if (scanner) return { kind: "oversize", bytes, envelope: scanner.envelope() };
    let line = parts.length === 1 ? parts[0] : concat(parts, bytes);
    if (line.at(-1) === CARRIAGE_RETURN) line = line.subarray(0, -1);
    if (line.length > this.maxLineBytes) {
      const late = new EnvelopeScanner();
      late.push(line);
      return { kind: "oversize", bytes, envelope: late.envelope() };
    }
    try {
      return { kind: "line", text: this.#decoder.decode(line) };
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      return { kind: "undecodable", bytes };
    }
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
