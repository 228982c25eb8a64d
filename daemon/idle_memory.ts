/**
 * Keeps an idle daemon small: right after start-up, and again whenever it goes quiet after a
 * stretch of work, it runs a full collection, gives the heap's free pages back (Bun exposes both)
 * and releases the clean code pages that work left resident (daemon/page_release.ts). Each
 * release costs a few milliseconds, and the first request after it a few hundred minor page
 * faults (≈ 0.5 ms), so it only runs after real work followed by a quiet period.
 */
import process from "node:process";
import { clearInterval, setInterval } from "node:timers";
import type { Logger } from "@logtape/logtape";
import { releaseCleanFilePages } from "./page_release.ts";

/** When the daemon counts as idle again after work. */
export interface IdleTrimOptions {
  /** How often the CPU time and RSS are looked at. */
  periodMs: number;
  /** A period that used at most this much CPU time is quiet (an idle daemon uses ≈ 1 ms/s). */
  quietCpuMs: number;
  /** A quiet look after work releases memory when RSS grew by this much since the last release. */
  growthBytes: number;
}

/** The defaults: look every 30 s; quiet under 150 ms of CPU (0.5 %); after 8 MB of growth. */
export const IDLE_TRIM_DEFAULTS: IdleTrimOptions = {
  periodMs: 30_000,
  quietCpuMs: 150,
  growthBytes: 8 << 20,
};

/** One look at the process: its CPU time so far and its resident set. */
export interface ProcessSample {
  cpuMs: number;
  rssBytes: number;
}

/**
 * Decides, from samples taken at each look, when to release memory: at the first quiet look after
 * a busy period, once RSS grew past the allowance since the last release. Without a busy period it
 * never releases again: right after a release the code the idle loop runs comes back by itself
 * (25 → 39 MB within seconds), which is not growth from work.
 */
export class IdleTrimPolicy {
  #lastCpuMs: number;
  #baseRss: number;
  #worked = false;

  constructor(readonly options: IdleTrimOptions, start: ProcessSample) {
    this.#lastCpuMs = start.cpuMs;
    this.#baseRss = start.rssBytes;
  }

  /**
   * True when the period before `now` was quiet and either one before was not and RSS grew
   * enough, or something is `pending` (memory that can go now: see trimIdleMemory).
   */
  shouldRelease(now: ProcessSample, pending = false): boolean {
    const used = now.cpuMs - this.#lastCpuMs;
    this.#lastCpuMs = now.cpuMs;
    // RSS that fell (the kernel reclaimed, projects closed) lowers the base.
    this.#baseRss = Math.min(this.#baseRss, now.rssBytes);
    if (used > this.options.quietCpuMs) {
      this.#worked = true;
      return false;
    }
    return pending || (this.#worked && now.rssBytes - this.#baseRss >= this.options.growthBytes);
  }

  /** Records the state after a release: growth and work are counted from here. */
  released(after: ProcessSample): void {
    this.#lastCpuMs = after.cpuMs;
    this.#baseRss = after.rssBytes;
    this.#worked = false;
  }
}

/**
 * Releases what start-up left behind now, then whenever the daemon goes quiet after growing, or
 * goes quiet while `pending()` says something can go (the daemon: worker threads that ran jobs
 * while no project is open); `onQuiet` runs first each time (the daemon ends idle workers there).
 */
export function trimIdleMemory(
  log: Logger,
  onQuiet: () => void = () => {},
  options = IDLE_TRIM_DEFAULTS,
  pending: () => boolean = () => false,
): { stop(): void } {
  let policy: IdleTrimPolicy | null = null;
  const release = (when: string) =>
    releaseMemory(log, when).finally(() => {
      if (policy) policy.released(sample());
      else policy = new IdleTrimPolicy(options, sample());
    });
  void release("start-up");
  const timer = setInterval(() => {
    if (!policy?.shouldRelease(sample(), pending())) return;
    try {
      onQuiet();
    } catch (err) {
      // A timer's exception would stop the daemon; this one only costs the memory it keeps.
      log.warn("Cannot end idle workers: {message}", { message: String(err) });
    }
    void release("idle");
  }, options.periodMs);
  // The check must never keep a stopping daemon alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function sample(): ProcessSample {
  const { user, system } = process.cpuUsage();
  return { cpuMs: (user + system) / 1000, rssBytes: process.memoryUsage.rss() };
}

async function releaseMemory(log: Logger, when: string): Promise<void> {
  const started = performance.now();
  const before = process.memoryUsage.rss();
  const bun = (globalThis as { Bun?: { gc?: (force: boolean) => void; shrink?: () => void } })
    .Bun;
  bun?.gc?.(true);
  bun?.shrink?.();
  try {
    await releaseCleanFilePages();
  } catch (err) {
    log.warn("Cannot release code pages: {message}", { message: String(err) });
  }
  log.debug("Released memory after {when} in {ms} ms: RSS {before} → {after} MB", {
    when,
    ms: Math.round((performance.now() - started) * 10) / 10,
    before: Math.round(before / 1e5) / 10,
    after: Math.round(process.memoryUsage.rss() / 1e5) / 10,
  });
}
