/**
 * What is recorded of every finished request: its count by method and outcome and its latency in
 * the metrics, then the request log hook (`onRequest`). Each method's series are looked up once
 * per request and added to directly: this runs for every request, the most frequent ones too.
 */
import { clip, ErrorCode } from "../protocol/mod.ts";
import type { DaemonContext } from "./context.ts";
import type { Histogram, Series } from "./metrics.ts";

const OK = 0, ERROR = 1;

/** A method's request counters (ok, error; each created at its first count) and its latency. */
interface MethodSeries {
  labels: [string, string];
  counts: [Series | null, Series | null];
  latency: Histogram;
}

/** Records finished requests in the metrics and the log. */
export class RequestMetrics {
  readonly #ctx: DaemonContext;
  readonly #series = new Map<string, MethodSeries>();

  constructor(ctx: DaemonContext) {
    this.#ctx = ctx;
  }

  /** Records a request that started at `started` (performance.now()) and ended now. */
  record(method: string, started: number, code: number | undefined, params: unknown): void {
    const seconds = (performance.now() - started) / 1000;
    // Metrics keep one label for unknown names (a client must not grow them without bound); the
    // log names what was sent (clipped), so a typo can be found.
    const label = code === ErrorCode.METHOD_NOT_FOUND ? "(unknown)" : method;
    let series = this.#series.get(label);
    if (!series) {
      series = {
        labels: [`{method="${label}",outcome="ok"}`, `{method="${label}",outcome="error"}`],
        counts: [null, null],
        latency: this.#ctx.metrics.latency(label),
      };
      this.#series.set(label, series);
    }
    this.#count(series, code === undefined ? OK : ERROR, 1);
    series.latency.observe(seconds);
    const logged = label === method ? method : `(unknown) ${JSON.stringify(clip(method, 80))}`;
    this.#ctx.onRequest(logged, seconds, code, params);
  }

  /**
   * A request counted as a success whose change was then taken back (its journal write failed):
   * it moves to the failures in the metrics and is logged as one.
   */
  failedLater(method: string, code: number): void {
    const series = this.#series.get(method);
    if (series) {
      this.#count(series, OK, -1);
      this.#count(series, ERROR, 1);
    }
    this.#ctx.onRequest(method, 0, code, undefined);
  }

  /** Adds to a method's ok or error count (a series is exported from its first count on). */
  #count(series: MethodSeries, outcome: typeof OK | typeof ERROR, by: number): void {
    const counts = series.counts;
    counts[outcome] ??= this.#ctx.metrics.series("goxel_requests_total", series.labels[outcome]);
    counts[outcome].value += by;
  }
}
