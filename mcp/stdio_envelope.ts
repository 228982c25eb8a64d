/**
 * Finds the top-level `id` and `method` of a JSON-RPC message as its bytes stream past, keeping
 * only a few bytes of state: enough to answer a request too large to hold in memory.
 */

/** What the scanner learnt about a message's envelope. */
export interface Envelope {
  /** The top-level `id` when it is a string or an integer (JSON-RPC ids the SDK accepts). */
  id?: string | number;
  /** Whether the top level has a string `method` (a request or a notification). */
  hasMethod: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
/** Longer top-level keys and scalar values are of no interest: only `id` and `method` are. */
const MAX_TOKEN_BYTES = 1024;

/** Scans one message's bytes in any number of pieces; `envelope()` reports what it found. */
export class EnvelopeScanner {
  #depth = 0;
  #isInString = false;
  #isEscaped = false;
  #isDone = false;
  #token: number[] = [];
  #isTokenTooLong = false;
  #isCompound = false;
  #key: string | undefined;
  #id: string | number | undefined;
  #hasMethod = false;

  /** Feeds the next bytes of the message. */
  push(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length && !this.#isDone; i++) {
      if (this.#isInString) this.#stringByte(bytes[i]);
      else this.#structureByte(bytes[i]);
    }
  }

  /** What the bytes so far say about the top-level `id` and `method`. */
  envelope(): Envelope {
    return this.#id === undefined
      ? { hasMethod: this.#hasMethod }
      : { id: this.#id, hasMethod: this.#hasMethod };
  }

  #stringByte(b: number): void {
    this.#keep(b);
    if (this.#isEscaped) this.#isEscaped = false;
    else if (b === BACKSLASH) this.#isEscaped = true;
    else if (b === QUOTE) this.#isInString = false;
  }

  #structureByte(b: number): void {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) return;
    if (this.#depth === 0 && b !== OPEN_BRACE) {
      this.#isDone = true; // not an object: no envelope to find
    } else if (b === QUOTE) {
      this.#isInString = true;
      this.#keep(b);
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (this.#depth === 1) this.#isCompound = true;
      this.#depth++;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      if (this.#depth === 1) this.#endValue();
      this.#depth--;
      if (this.#depth === 0) this.#isDone = true;
    } else if (this.#depth === 1 && b === COLON) {
      this.#key = this.#tokenValue() as string | undefined;
      this.#resetToken();
    } else if (this.#depth === 1 && b === COMMA) {
      this.#endValue();
    } else {
      this.#keep(b);
    }
  }

  #keep(b: number): void {
    if (this.#depth !== 1) return;
    if (this.#token.length < MAX_TOKEN_BYTES) this.#token.push(b);
    else this.#isTokenTooLong = true;
  }

  #endValue(): void {
    const value = this.#isCompound ? undefined : this.#tokenValue();
    if (this.#key === "id") {
      const isId = typeof value === "string" || Number.isSafeInteger(value);
      this.#id = isId ? value as string | number : undefined;
    } else if (this.#key === "method") {
      this.#hasMethod = typeof value === "string";
    }
    this.#key = undefined;
    this.#resetToken();
  }

  #tokenValue(): unknown {
    if (this.#isTokenTooLong || this.#token.length === 0) return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(new Uint8Array(this.#token)));
    } catch {
      return undefined; // not a JSON scalar: not an id or a method name either
    }
  }

  #resetToken(): void {
    this.#token = [];
    this.#isTokenTooLong = false;
    this.#isCompound = false;
  }
}
