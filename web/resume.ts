/**
 * Where the viewer resumes the change stream after a reconnection: the highest sequence number
 * whose changes it has applied. Only a full load sets it to its reply's seq; a fetch of some
 * tiles moves it only as far as the notifications whose tiles it fetched, because that reply's
 * seq can be ahead of notifications still on their way (a reconnection then skipped them).
 */
export class ResumePoint {
  /** Every change up to this one is applied (−1: nothing loaded). */
  seq = -1;
  #pending = -1;

  /** A change notification arrived; its tiles are pending. */
  noted(seq: number): void {
    this.#pending = Math.max(this.#pending, seq);
  }

  /** The pending changes are about to be fetched: returns how far they reach. */
  take(): number {
    return this.#pending;
  }

  /** A fetch succeeded: a full load at `replySeq`, or the pending changes taken at `upTo`. */
  fetched(full: boolean, replySeq: number, upTo: number): void {
    this.seq = full ? replySeq : Math.max(this.seq, upTo);
  }

  /** Another project (or a fresh load): nothing is known. */
  reset(): void {
    this.seq = -1;
    this.#pending = -1;
  }
}
