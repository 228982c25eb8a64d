/**
 * Newline-delimited JSON framing: one compact JSON value per line. The decoder scans bytes,
 * so a message split across reads, many messages in one read and a trailing `\r` all work,
 * and a line longer than the limit is dropped without ever being buffered whole.
 */

/** What the decoder found: a complete message, or an over-long line it dropped. */
export type FrameEvent =
  | { kind: "message"; text: string }
  | { kind: "oversize"; bytes: number };

/** Options of {@link NdjsonDecoder}. */
export interface NdjsonDecoderOptions {
  /** Largest message accepted, in bytes, not counting the `\n` and an optional `\r` before it. */
  maxMessageBytes: number;
}

const LF = 0x0a;
const BOM = 0xfeff;
const CR = 0x0d;

/**
 * Splits a byte stream into lines. Empty and whitespace-only lines are skipped. When a line
 * grows past `maxMessageBytes` one `oversize` event is emitted at once (`bytes` = how much of
 * it had arrived) and the rest of that line is discarded up to its newline. At most
 * `maxMessageBytes + 1` bytes are ever held.
 */
export class NdjsonDecoder {
  readonly #max: number;
  /** Keeps a BOM: #emitText removes it per line, as a decode per line would. */
  readonly #utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  #parts: Uint8Array[] = [];
  #pending = 0;
  #discarding = false;

  constructor(opts: NdjsonDecoderOptions) {
    if (!Number.isInteger(opts.maxMessageBytes) || opts.maxMessageBytes < 1) {
      throw new RangeError(
        `maxMessageBytes must be a positive integer, got ${opts.maxMessageBytes}`,
      );
    }
    this.#max = opts.maxMessageBytes;
  }

  /** Feeds received bytes and returns the events they complete, in order. */
  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let pos = 0;
    if (this.#pending > 0 || this.#discarding) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.#keep(chunk, 0, chunk.length, events);
        return events;
      }
      this.#finishLine(chunk, 0, nl, events);
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= pos) {
      this.#emitLines(chunk, pos, last, events);
      pos = last + 1;
    }
    if (pos < chunk.length) this.#keep(chunk, pos, chunk.length, events);
    return events;
  }

  /**
   * Emits the complete lines of `chunk[start..end)` (`end` is a newline). They are decoded in one
   * call, which costs much less than one per line; splitting the text at its newlines is exact,
   * as no UTF-8 sequence contains the newline byte. The limit is checked on the bytes.
   */
  #emitLines(chunk: Uint8Array, start: number, end: number, events: FrameEvent[]): void {
    const text = this.#utf8.decode(chunk.subarray(start, end));
    // As many characters as bytes: each byte decoded to one character (no byte decodes to two),
    // so text offsets are byte offsets and the bytes need no search of their own.
    const sameOffsets = text.length === end - start;
    let from = 0;
    let at = start;
    for (;;) {
      const nl = text.indexOf("\n", from);
      const stop = nl < 0 ? text.length : nl;
      const byteStop = nl < 0 ? end : sameOffsets ? start + nl : chunk.indexOf(LF, at);
      this.#emitText(text, from, stop, byteStop - at, events);
      if (nl < 0) return;
      from = nl + 1;
      at = byteStop + 1;
    }
  }

  /** Emits `text[from..to)`, `bytes` long, as a message unless blank or over the limit. */
  #emitText(text: string, from: number, to: number, bytes: number, events: FrameEvent[]): void {
    if (to > from && text.charCodeAt(to - 1) === CR) {
      to--;
      bytes--;
    }
    if (to === from) return;
    const first = text.charCodeAt(from);
    if (isSpace(first)) {
      let i = from;
      while (i < to && isSpace(text.charCodeAt(i))) i++;
      if (i === to) return;
    }
    if (bytes > this.#max) events.push({ kind: "oversize", bytes });
    else {
      if (first === BOM) from++;
      events.push({ kind: "message", text: text.slice(from, to) });
    }
  }

  /** Bytes of an unfinished line held right now. */
  get pendingBytes(): number {
    return this.#pending;
  }

  /** Drops the unfinished line held so far and skips the rest of it up to its newline. */
  discardLine(): void {
    if (this.#pending === 0 && !this.#discarding) return;
    this.#parts = [];
    this.#pending = 0;
    this.#discarding = true;
  }

  /** Signals end of stream: a last line without a newline is still delivered. */
  end(): FrameEvent[] {
    const events: FrameEvent[] = [];
    if (!this.#discarding && this.#pending > 0) this.#emit(this.#take(), events);
    this.#reset();
    return events;
  }

  /** Buffers the tail of a chunk that has no newline yet. */
  #keep(chunk: Uint8Array, start: number, end: number, events: FrameEvent[]): void {
    if (this.#discarding) return;
    const total = this.#pending + (end - start);
    // One byte of slack: it may be the `\r` of a CRLF whose `\n` has not arrived yet.
    if (total > this.#max + 1) {
      events.push({ kind: "oversize", bytes: total });
      this.#parts = [];
      this.#pending = 0;
      this.#discarding = true;
      return;
    }
    // Copy: the caller may reuse its read buffer.
    this.#parts.push(chunk.slice(start, end));
    this.#pending = total;
  }

  /** Completes the held line with `chunk[start..nl)`. */
  #finishLine(chunk: Uint8Array, start: number, nl: number, events: FrameEvent[]): void {
    if (this.#discarding) {
      this.#discarding = false;
      return;
    }
    this.#parts.push(chunk.subarray(start, nl));
    this.#pending += nl - start;
    this.#emit(this.#take(), events);
  }

  /** Joins the buffered parts once (linear in the message size) and clears the buffer. */
  #take(): Uint8Array {
    const parts = this.#parts;
    let line: Uint8Array;
    if (parts.length === 1) line = parts[0];
    else {
      line = new Uint8Array(this.#pending);
      let at = 0;
      for (const p of parts) {
        line.set(p, at);
        at += p.length;
      }
    }
    this.#parts = [];
    this.#pending = 0;
    return line;
  }

  /** Emits a line joined from several reads (at most one read longer than the limit). */
  #emit(line: Uint8Array, events: FrameEvent[]): void {
    const text = this.#utf8.decode(line);
    this.#emitText(text, 0, text.length, line.length, events);
  }

  #reset(): void {
    this.#parts = [];
    this.#pending = 0;
    this.#discarding = false;
  }
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === CR;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN_BRACKET = 0x5b, OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d, CLOSE_BRACE = 0x7d;

/**
 * Returns false when `[`/`{` nesting outside strings exceeds `maxDepth`. A linear scan meant to
 * run before `JSON.parse`, so hostile nesting never reaches a recursive walk; it does not
 * validate JSON (the parser does that next).
 */
export function checkDepth(text: string, maxDepth: number): boolean {
  const n = text.length;
  if (n <= maxDepth) return true;
  // The depth is at most the number of opening brackets: count them first (native searches),
  // and scan for strings only when there are more than the limit.
  let opening = 0;
  for (let i = text.indexOf("["); i >= 0 && opening <= maxDepth; i = text.indexOf("[", i + 1)) {
    opening++;
  }
  for (let i = text.indexOf("{"); i >= 0 && opening <= maxDepth; i = text.indexOf("{", i + 1)) {
    opening++;
  }
  if (opening <= maxDepth) return true;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i + 1);
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return false;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return true;
}

/** Returns the index of the quote closing a string whose body starts at `i` (or the end). */
export function skipString(text: string, i: number): number {
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    // The quote is escaped when an odd number of backslashes precede it.
    let b = q - 1;
    while (b >= i && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    i = q + 1;
  }
}
