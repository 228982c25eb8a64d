/**
 * A small pool of worker threads for CPU-heavy jobs, so the event loop keeps answering. They are
 * web-standard Workers: their transfers take milliseconds where node:worker_threads under Deno
 * spends seconds cloning a few million voxels. A job past its deadline is rejected with TIMEOUT
 * and its worker terminated and replaced, so one stuck job never holds a slot forever.
 */
import { LimitError } from "../core/budget.ts";
import { FormatError, GoxelError, InvalidInputError, IoError } from "../core/errors.ts";
import { ErrorCode, RpcError } from "../protocol/mod.ts";
import { cancelError } from "./cancels.ts";
import type { Job, JobResult } from "./worker_jobs.ts";

interface Pending {
  resolve: (value: JobResult) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  /** performance.now() when the running job started. */
  since: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/** Options of a pool. */
export interface WorkerPoolOptions {
  /** A job still running after this many ms is stopped and its worker replaced. */
  jobTimeoutMs?: () => number;
}

/** How one job runs. */
export interface RunOptions {
  /** Buffers moved to the worker (the caller must not use them afterwards). */
  transfer?: ArrayBuffer[];
  /** Cancels the job (its client left): dropped when queued, else stopped. */
  signal?: AbortSignal;
  /** This job's deadline (default: the pool's jobTimeoutMs). */
  timeoutMs?: number;
  /** Asks a running job to stop by itself (e.g. a script's interrupt flag) instead of killing it. */
  stop?: () => void;
}

interface Queued {
  job: Job;
  options: RunOptions;
  pending: Pending;
  /** Set once the job is running. */
  id?: number;
}

/** Serialised error from a worker. */
interface WorkerError {
  name?: string;
  message: string;
  reason?: string;
  limit?: string;
  requested?: number;
  max?: number;
  format?: string;
  offset?: number;
  path?: string;
  stack?: string;
}

/** Runs jobs on `size` worker threads, queueing when all are busy. */
export class WorkerPool {
  #slots: Slot[] = [];
  #queue: Queued[] = [];
  #pending = new Map<number, Pending & { slot: Slot }>();
  #nextId = 1;
  #closed = false;
  readonly size: number;
  readonly #jobTimeoutMs: () => number;
  /** Workers replaced after a job overran its deadline. */
  replaced = 0;
  /** True once a worker ran a job since the idle ones were last ended (see retireIdle). */
  ranJobs = false;

  constructor(size: number, options: WorkerPoolOptions = {}) {
    this.size = Math.max(1, size);
    this.#jobTimeoutMs = options.jobTimeoutMs ?? (() => 120_000);
  }

  /** Number of jobs running or waiting. */
  get load(): number {
    return this.#pending.size + this.#queue.length;
  }

  /** Number of workers whose current job has run longer than `ms`. */
  busyLongerThan(ms: number): number {
    const now = performance.now();
    return this.#slots.filter((s) => s.busy && now - s.since > ms).length;
  }

  /** Starts every worker now (at daemon start), so no request pays for a thread start later. */
  warm(): void {
    while (!this.#closed && this.#slots.length < this.size) this.#spawn();
  }

  /** Runs a job on a worker; rejects with the job's own error class when it fails. */
  run(job: Job, options: RunOptions = {}): Promise<JobResult> {
    const { signal } = options;
    if (this.#closed) {
      return Promise.reject(
        new RpcError(ErrorCode.SHUTTING_DOWN, "The daemon is shutting down", {
          reason: "shutting_down",
        }),
      );
    }
    if (signal?.aborted) return Promise.reject(cancelError(signal));
    return new Promise((resolve, reject) => {
      // The signal lives as long as the client's connection: a listener left on it after the
      // job settles kept the job's input and result for that long (8 MB per big edit).
      const onAbort = () => this.#cancel(queued);
      const settled = () => signal?.removeEventListener("abort", onAbort);
      const pending: Pending = {
        resolve: (value) => (settled(), resolve(value)),
        reject: (err) => (settled(), reject(err)),
      };
      const queued: Queued = { job, options, pending };
      this.#queue.push(queued);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pump();
    });
  }

  /**
   * Ends the workers that have no job (a quiet daemon gives their heaps back); the next job
   * starts one again (≈ 20 ms once). Returns how many ended.
   */
  retireIdle(): number {
    const idle = this.#slots.filter((s) => !s.busy);
    for (const s of idle) s.worker.terminate();
    this.#slots = this.#slots.filter((s) => s.busy);
    // A worker still busy has run a job that the next retirement should see.
    this.ranJobs = this.#slots.length > 0;
    return idle.length;
  }

  /** Terminates every worker; pending jobs are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    const stopping = () =>
      new RpcError(ErrorCode.SHUTTING_DOWN, "The daemon is shutting down: the job was cancelled", {
        reason: "shutting_down",
      });
    for (const q of this.#queue) q.pending.reject(stopping());
    this.#queue = [];
    for (const p of this.#pending.values()) {
      if (p.slot.timer) clearTimeout(p.slot.timer);
      p.reject(stopping());
    }
    this.#pending.clear();
    for (const s of this.#slots) s.worker.terminate();
    this.#slots = [];
    await Promise.resolve();
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const slot = this.#freeSlot();
      if (!slot) return;
      const queued = this.#queue.shift()!;
      const { job, options, pending } = queued;
      const id = this.#nextId++;
      queued.id = id;
      slot.busy = true;
      this.ranJobs = true;
      slot.since = performance.now();
      keepAlive(slot.worker, true);
      this.#pending.set(id, { ...pending, slot });
      const timeout = options.timeoutMs ?? this.#jobTimeoutMs();
      slot.timer = setTimeout(() => this.#onTimeout(slot, id, timeout), timeout);
      slot.worker.postMessage({ id, job }, options.transfer ?? []);
    }
  }

  #freeSlot(): Slot | undefined {
    const free = this.#slots.find((s) => !s.busy);
    if (free || this.#slots.length >= this.size) return free;
    return this.#spawn();
  }

  #spawn(): Slot {
    const slot: Slot = {
      worker: new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }),
      busy: false,
      since: 0,
      timer: null,
    };
    keepAlive(slot.worker, false);
    slot.worker.addEventListener("message", (e) => this.#onMessage(slot, e.data));
    slot.worker.addEventListener("error", (e) => {
      // Handled here: an uncaught error in a worker must not take the daemon down.
      e.preventDefault();
      this.#onCrash(slot, new Error(e.message || "uncaught error"));
    });
    this.#slots.push(slot);
    return slot;
  }

  #onMessage(
    slot: Slot,
    msg: { id: number; ok: boolean; result?: JobResult; error?: WorkerError },
  ): void {
    const p = this.#pending.get(msg.id);
    this.#pending.delete(msg.id);
    slot.busy = false;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    keepAlive(slot.worker, false);
    if (p) msg.ok ? p.resolve(msg.result ?? null) : p.reject(reviveError(msg.error!));
    this.#pump();
  }

  #onCrash(slot: Slot, err: Error): void {
    this.#retire(slot, () => new Error(`A worker thread crashed: ${err.message}`, { cause: err }));
  }

  /** Cancels a job whose client went away: dropped when queued, its worker replaced when running. */
  #cancel(queued: Queued): void {
    if (queued.id === undefined) {
      const at = this.#queue.indexOf(queued);
      if (at < 0) return;
      this.#queue.splice(at, 1);
      return queued.pending.reject(cancelError(queued.options.signal));
    }
    const running = this.#pending.get(queued.id);
    if (!running) return;
    if (queued.options.stop) return queued.options.stop();
    this.replaced++;
    running.slot.worker.terminate();
    this.#retire(running.slot, () => cancelError(queued.options.signal));
  }

  /** Stops a job that overran its deadline: its worker is terminated and a fresh one replaces it. */
  #onTimeout(slot: Slot, id: number, timeoutMs: number): void {
    if (!this.#pending.has(id)) return;
    this.replaced++;
    slot.worker.terminate();
    this.#retire(slot, () =>
      new RpcError(
        ErrorCode.TIMEOUT,
        `The job did not finish within ${timeoutMs} ms and was stopped (limits.job_timeout_ms)`,
        { reason: "timeout", timeout_ms: timeoutMs },
      ));
  }

  #retire(slot: Slot, error: () => Error): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    for (const [id, p] of this.#pending) {
      if (p.slot === slot) {
        this.#pending.delete(id);
        p.reject(error());
      }
    }
    this.#slots = this.#slots.filter((s) => s !== slot);
    this.#pump();
  }
}

/** Idle workers must not keep the process alive where the runtime can say so (Bun). */
function keepAlive(worker: Worker, on: boolean): void {
  const w = worker as Worker & { ref?: () => void; unref?: () => void };
  if (on) w.ref?.();
  else w.unref?.();
}

function reviveError(e: WorkerError): Error {
  let err: Error;
  if (e.reason === "limit_exceeded") {
    err = new LimitError(e.limit ?? "", e.requested ?? 0, e.max ?? 0, e.message);
  } else if (e.reason === "format") {
    err = new FormatError(e.format ?? "?", e.offset ?? 0, e.message);
  } else if (e.reason === "invalid_input") err = new InvalidInputError(e.message);
  else if (e.reason === "io") err = new IoError(e.path ?? "", e.message);
  else if (e.reason) err = new GoxelError(e.reason, e.message);
  else err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}
