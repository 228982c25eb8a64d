/**
 * The server end of one NDJSON connection, independent of the transport: byte framing (UTF-8
 * decoded per whole line, so a character split across reads survives), in-order processing of
 * pipelined messages with one write per run of synchronous replies, backpressure, and a
 * last-resort catch so that a throwing handler can never leave the connection stuck busy.
 *
 * Backpressure: the connection stops reading (`pause`) while its queue of unanswered messages is
 * full, while its replies are not being read (`writableLength` over the limit), or while the
 * shared {@link BufferBudget} is exhausted; it resumes when those clear. An unfinished line that
 * would exceed the shared budget is dropped and answered with an error instead of being held.
 */
import type { BufferBudget } from "./buffer_budget.ts";
import { NdjsonDecoder } from "./framing.ts";
import { ErrorCode } from "./jsonrpc.ts";
import { errorReplyOf, NULL_ID } from "./replies.ts";
import { rawIds } from "./raw_ids.ts";

export { BufferBudget } from "./buffer_budget.ts";

/** What a connection reads from and writes to (a `net.Socket` fits as it is). */
export interface Transport {
  /** Queues text; false once the transport's buffer is above its high-water mark. */
  write(text: string): boolean;
  /** Bytes written but not yet sent. */
  readonly writableLength: number;
  pause(): void;
  resume(): void;
  end(): void;
  destroy(): void;
}

/** A reply text, or null when none is due. */
export type Reply = string | null;
/**
 * A reply whose text is final only when the connection writes it: the replies of one run are
 * settled together, just before they are written (the daemon's journal writes the changes of
 * the whole run at once there).
 */
export interface DeferredReply {
  settle(): Reply;
}
/** What a handler answers with. */
export type Answer = Reply | DeferredReply;
/** A value or a promise of it. */
export type MaybeAsync<T> = T | Promise<T>;

/** What the connection asks of its owner. */
export interface ConnectionHandler {
  /** Answers one complete message. */
  message(text: string): MaybeAsync<Answer>;
  /** Answers a line longer than `maxMessageBytes` (it was dropped). */
  oversize(bytes: number): Reply;
  /** Answers a line dropped because the shared buffer budget ran out. */
  overBudget(bytes: number): Reply;
  /** Reports a handler that threw (a bug); the connection answers -32603 itself. */
  failed(err: unknown): void;
  /**
   * Looks at each message as soon as it is read, before the messages queued ahead of it run
   * (a cancellation must not wait for the work it cancels): returns the message's answer when
   * it was handled here, or undefined to queue it as usual. Its answer keeps its place in order.
   */
  early?(text: string): Answer | undefined;
}

/** Per-connection limits. */
export interface ConnectionLimits {
  /** Longest message, in bytes. */
  maxMessageBytes: number;
  /** Unanswered messages held before the connection stops reading. */
  maxQueuedMessages: number;
  /** Bytes of unanswered messages held before the connection stops reading. */
  maxQueuedBytes: number;
  /** Unsent reply bytes before the connection stops processing and reading. */
  maxUnsentBytes: number;
}

/** A message waiting its turn; `key` is its id, worked out once when a cancel first looks. */
export interface QueuedText {
  text: string;
  key?: string | null;
}

/**
 * The index of the first queued message at or after `start` whose key (`keyOf(text)`, kept on
 * the item) is `key`, else −1; items that are not messages are skipped.
 */
export function findQueued(
  items: readonly object[],
  start: number,
  key: string,
  keyOf: (text: string) => string | undefined,
): number {
  for (let i = start; i < items.length; i++) {
    const item = items[i] as Partial<QueuedText>;
    if (item.text === undefined) continue;
    if (item.key === undefined) item.key = keyOf(item.text) ?? null;
    if (item.key === key) return i;
  }
  return -1;
}

/** A queued message or an answer given early. */
type Item =
  | QueuedText
  | { oversize: number }
  | { overBudget: number }
  | { answer: Answer };

/** The server end of one connection. */
export class MessageConnection {
  readonly #transport: Transport;
  readonly #handler: ConnectionHandler;
  readonly #limits: ConnectionLimits;
  readonly #budget: BufferBudget;
  readonly #clock: () => number;
  readonly #decoder: NdjsonDecoder;
  readonly #wake = () => this.#updateReading();
  #queue: Item[] = [];
  #head = 0;
  #queuedBytes = 0;
  #charged = 0;
  #out: (string | DeferredReply)[] = [];
  #busy = false;
  #ended = false;
  #closing = false;
  #reading = true;
  #lastMessageAt: number;

  constructor(
    transport: Transport,
    handler: ConnectionHandler,
    limits: ConnectionLimits,
    budget: BufferBudget,
    clock: () => number,
  ) {
    this.#transport = transport;
    this.#handler = handler;
    this.#limits = limits;
    this.#budget = budget;
    this.#clock = clock;
    this.#decoder = new NdjsonDecoder({ maxMessageBytes: limits.maxMessageBytes });
    this.#lastMessageAt = clock();
  }

  /** True while messages of this connection are queued or in progress. */
  get isBusy(): boolean {
    return this.#busy || this.#head < this.#queue.length;
  }

  /** When the last complete message arrived (or the connection opened). */
  get lastMessageAt(): number {
    return this.#lastMessageAt;
  }

  /** True while the connection reads its input. */
  get isReading(): boolean {
    return this.#reading;
  }

  /** Feeds received bytes. */
  receive(chunk: Uint8Array): void {
    if (this.#ended) return;
    const events = this.#decoder.push(chunk);
    for (const ev of events) {
      if (ev.kind === "message") this.#pushMessage(ev.text);
      else this.#push({ oversize: ev.bytes }, 0);
    }
    if (events.length > 0) this.#lastMessageAt = this.#clock();
    this.#charge();
    if (this.#budget.isExhausted && this.#decoder.pendingBytes > 0) {
      // Holding this unfinished line is what would exceed the cap: drop it and say so.
      const bytes = this.#decoder.pendingBytes;
      this.#decoder.discardLine();
      this.#push({ overBudget: bytes }, 0);
      this.#charge();
    }
    this.#pump();
    // While a slow request holds the pump, the queue may fill: stop reading until it drains.
    if (this.#busy) this.#updateReading();
  }

  /** The peer finished sending: answer what is queued, then close. */
  endOfInput(): void {
    if (this.#ended) return;
    for (const ev of this.#decoder.end()) {
      if (ev.kind === "message") this.#pushMessage(ev.text);
      else this.#push({ oversize: ev.bytes }, 0);
    }
    this.#ended = true;
    this.#charge();
    this.#pump();
  }

  /** The transport's buffer drained: continue. */
  writable(): void {
    this.#pump();
  }

  /** Answers what is queued, then closes (e.g. after a failed authentication). */
  closeAfterReplies(): void {
    this.#closing = true;
    this.#ended = true;
    this.#decoder.discardLine();
    // Nothing queued behind this point is answered.
    this.#queue.length = this.#head;
    this.#queuedBytes = 0;
  }

  /** Closes at once and returns the bytes this connection held to the budget. */
  dispose(): void {
    this.#queue = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    this.#decoder.discardLine();
    this.#charge();
    this.#budget.forget(this.#wake);
    this.#ended = true;
    this.#transport.destroy();
  }

  /**
   * Answers the first queued message, not yet started, whose key (`keyOf(text)`, worked out once
   * per message) is `key` with `answer(text)` instead of running it; false when none matches.
   */
  answerQueued(
    key: string,
    keyOf: (text: string) => string | undefined,
    answer: (text: string) => Answer,
  ): boolean {
    const at = findQueued(this.#queue, this.#head, key, keyOf);
    if (at < 0) return false;
    const { text } = this.#queue[at] as QueuedText;
    this.#queuedBytes -= text.length;
    this.#queue[at] = { answer: answer(text) };
    this.#charge();
    return true;
  }

  #pushMessage(text: string): void {
    const early = this.#handler.early?.(text);
    if (early === undefined) this.#push({ text }, text.length);
    else this.#push({ answer: early }, 0);
  }

  #push(item: Item, bytes: number): void {
    if (this.#closing) return;
    this.#queue.push(item);
    this.#queuedBytes += bytes;
  }

  /** Tells the budget how many bytes this connection holds now. */
  #charge(): void {
    const held = this.#queuedBytes + this.#decoder.pendingBytes;
    if (held !== this.#charged) {
      this.#budget.change(held - this.#charged);
      this.#charged = held;
    }
  }

  #pump(): void {
    if (this.#busy) return;
    this.#busy = true;
    let handled = false;
    // Replies of this run are written together at its end: the unsent bytes are the
    // transport's (read once per run: the getter is not free on every runtime) plus this run's
    // replies so far. Past the limit the replies are handed over at once and the transport is
    // asked again: the run stops while it holds more than the limit (its drain resumes it), so
    // a client that pipelines big reads and never reads them holds at most the limit plus one
    // reply.
    let unsent = this.#transport.writableLength;
    while (this.#head < this.#queue.length) {
      if (unsent > this.#limits.maxUnsentBytes) {
        this.#flush();
        unsent = this.#transport.writableLength;
        if (unsent > this.#limits.maxUnsentBytes) break;
      }
      const item = this.#queue[this.#head++];
      if ("text" in item) this.#queuedBytes -= item.text.length;
      const reply = this.#answer(item);
      if (reply instanceof Promise) {
        this.#flush();
        reply.then((r) => this.#resume(r));
        return;
      }
      if (reply !== null) {
        this.#out.push(reply);
        if (typeof reply === "string") unsent += reply.length;
      }
      handled = true;
    }
    // Idle time counts from the last complete message or the last answer, whichever is later.
    if (handled) this.#lastMessageAt = this.#clock();
    this.#busy = false;
    this.#settle();
  }

  #resume(reply: Answer): void {
    if (reply !== null) this.#out.push(reply);
    this.#lastMessageAt = this.#clock();
    this.#busy = false;
    this.#pump();
  }

  /** After a run: compact the queue, write, update reading, close when finished. */
  #settle(): void {
    if (this.#head >= this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    }
    this.#charge();
    this.#flush();
    this.#updateReading();
    if (this.#ended && !this.isBusy) this.#transport.end();
  }

  /** Runs the handler for one item; never throws and never returns a rejecting promise. */
  #answer(item: Item): MaybeAsync<Answer> {
    if ("oversize" in item) return this.#handler.oversize(item.oversize);
    if ("overBudget" in item) return this.#handler.overBudget(item.overBudget);
    if ("answer" in item) return item.answer;
    try {
      const reply = this.#handler.message(item.text);
      if (!(reply instanceof Promise)) return reply;
      return reply.catch((err) => this.#internalError(item.text, err));
    } catch (err) {
      return this.#internalError(item.text, err);
    }
  }

  #internalError(text: string, err: unknown): Reply {
    try {
      this.#handler.failed(err);
    } catch { /* reporting must not stop the reply */ }
    let id = NULL_ID;
    try {
      const ids = rawIds(text);
      if (ids.length === 1 && ids[0] !== undefined) id = ids[0];
    } catch { /* not a request we can name */ }
    return errorReplyOf(
      id,
      ErrorCode.INTERNAL_ERROR,
      "Internal error: the reply could not be built",
    );
  }

  #flush(): void {
    if (this.#out.length === 0) return;
    const out = this.#out;
    this.#out = [];
    let text = "";
    for (const entry of out) {
      const reply = typeof entry === "string" ? entry : this.#settleReply(entry);
      if (reply !== null) text += reply + "\n";
    }
    if (text === "") return;
    try {
      this.#transport.write(text);
    } catch {
      this.#transport.destroy();
    }
  }

  /** Settles a deferred reply; a throw (a bug) becomes an internal error, never lost replies. */
  #settleReply(entry: DeferredReply): Reply {
    try {
      return entry.settle();
    } catch (err) {
      return this.#internalError("", err);
    }
  }

  /** Reads while the queue, the unsent replies and the shared budget all have room. */
  #updateReading(): void {
    const l = this.#limits;
    const pending = this.#queue.length - this.#head;
    const full = this.#reading
      ? pending >= l.maxQueuedMessages || this.#queuedBytes >= l.maxQueuedBytes
      : pending >= l.maxQueuedMessages / 2 || this.#queuedBytes >= l.maxQueuedBytes / 2;
    const backlog = this.#transport.writableLength > l.maxUnsentBytes;
    // Only a connection that holds input waits for the shared budget; one holding nothing (a
    // bystander sending small requests) keeps being read.
    const starved = this.#budget.isExhausted && this.#charged > 0;
    const read = !full && !backlog && !starved;
    if (read === this.#reading || this.#ended) return;
    this.#reading = read;
    if (read) this.#transport.resume();
    else {
      this.#transport.pause();
      if (starved) this.#budget.onRoom(this.#wake);
    }
  }
}
