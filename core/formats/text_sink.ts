/** A growable ASCII byte buffer for large text exports (much faster than string building). */

/** Appends ASCII text and integers to a growing byte buffer. */
export class TextSink {
  #buf: Uint8Array;
  #len = 0;

  constructor(capacity = 1 << 16) {
    this.#buf = new Uint8Array(capacity);
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** Appends an ASCII string (characters above 0x7f are not expected here). */
  text(s: string): void {
    this.#reserve(s.length);
    const buf = this.#buf;
    let n = this.#len;
    for (let i = 0; i < s.length; i++) buf[n++] = s.charCodeAt(i);
    this.#len = n;
  }

  /** Appends raw bytes. */
  bytes(data: Uint8Array): void {
    this.#reserve(data.length);
    this.#buf.set(data, this.#len);
    this.#len += data.length;
  }

  /** Appends a safe integer in decimal. */
  int(v: number): void {
    this.#reserve(24);
    const buf = this.#buf;
    if (v < 0) {
      buf[this.#len++] = 45;
      v = -v;
    }
    if (v < 10) {
      buf[this.#len++] = 48 + v;
      return;
    }
    let digits = 0;
    for (let t = v; t >= 1; t = Math.floor(t / 10)) digits++;
    let n = this.#len + digits;
    this.#len = n;
    while (v >= 1) {
      const q = Math.floor(v / 10);
      buf[--n] = 48 + v - q * 10;
      v = q;
    }
  }

  /** Appends one byte (a character code). */
  char(code: number): void {
    this.#reserve(1);
    this.#buf[this.#len++] = code;
  }

  /** Returns the written bytes (a copy trimmed to length). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
  }
}
