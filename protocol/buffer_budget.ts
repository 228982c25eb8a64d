/** The byte budget every connection of a server shares (see MessageConnection). */

/** Bytes held for clients across every connection, with a cap. */
export class BufferBudget {
  /** The cap, in bytes (may change at run time). */
  max: number;
  #used = 0;
  #waiting = new Set<() => void>();

  constructor(maxBytes: number) {
    this.max = maxBytes;
  }

  /** Bytes in use. */
  get used(): number {
    return this.#used;
  }

  /** True when the cap is reached. */
  get isExhausted(): boolean {
    return this.#used >= this.max;
  }

  /** Adds (or, negative, returns) bytes; wakes waiting connections once half is free. */
  change(bytes: number): void {
    this.#used += bytes;
    if (bytes < 0 && this.#waiting.size > 0 && this.#used <= this.max / 2) {
      const waiting = [...this.#waiting];
      this.#waiting.clear();
      for (const wake of waiting) wake();
    }
  }

  /** Calls `wake` once when room is free again. */
  onRoom(wake: () => void): void {
    this.#waiting.add(wake);
  }

  /** Forgets a waiter (its connection closed). */
  forget(wake: () => void): void {
    this.#waiting.delete(wake);
  }
}
