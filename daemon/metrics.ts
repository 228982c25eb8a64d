/** Counters, gauges and a latency histogram, exposed in the Prometheus text format. */

/** Prometheus metric types of the values read at exposition time. */
type ReadType = "gauge" | "counter";

/** A metric whose value lives elsewhere and is read when rendering. */
interface ReadMetric {
  type: ReadType;
  read: () => number | [string, number][];
}

const BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];

/** One series of a counter: a hot path keeps it and adds to `value` without look-ups. */
export interface Series {
  value: number;
}

/** The latency histogram of one method. */
export class Histogram {
  /** Observations per bucket, each counted once (made cumulative when rendered). */
  readonly counts: number[] = BUCKETS.map(() => 0);
  sum = 0;
  count = 0;

  /** Records one request duration (seconds). */
  observe(seconds: number): void {
    // One increment, in the first bucket that holds it (none past the last bucket).
    let i = 0;
    while (i < BUCKETS.length && !(seconds <= BUCKETS[i])) i++;
    if (i < BUCKETS.length) this.counts[i]++;
    this.sum += seconds;
    this.count++;
  }
}

/** The daemon's metrics. Labels are kept to the RPC method and outcome. */
export class Metrics {
  #counters = new Map<string, Map<string, Series>>();
  #help = new Map<string, string>();
  #latency = new Map<string, Histogram>();
  #read = new Map<string, ReadMetric>();

  /** Adds `by` to a counter, optionally labelled (`{method="x"}`). */
  inc(name: string, labels = "", by = 1): void {
    this.series(name, labels).value += by;
  }

  /** Returns a counter's series (created at 0), to add to directly. */
  series(name: string, labels = ""): Series {
    let series = this.#counters.get(name);
    if (!series) this.#counters.set(name, series = new Map());
    let one = series.get(labels);
    if (!one) series.set(labels, one = { value: 0 });
    return one;
  }

  /** Returns a counter's value. */
  get(name: string, labels = ""): number {
    return this.#counters.get(name)?.get(labels)?.value ?? 0;
  }

  /**
   * Declares a counter with its help text; each of `labelSets` (by default the one unlabelled
   * series) is exported at 0 from the start, as Prometheus expects, instead of appearing only
   * once it is first counted. Pass `[]` when the label values are not known in advance.
   */
  describe(name: string, help: string, labelSets: string[] = [""]): void {
    this.#help.set(name, help);
    let series = this.#counters.get(name);
    if (!series) this.#counters.set(name, series = new Map());
    for (const labels of labelSets) if (!series.has(labels)) series.set(labels, { value: 0 });
  }

  /** Registers a gauge read at exposition time (one value, or labelled series `[labels, v]`). */
  gauge(name: string, help: string, read: () => number | [string, number][]): void {
    this.#help.set(name, help);
    this.#read.set(name, { type: "gauge", read });
  }

  /**
   * Registers a counter kept elsewhere (it only ever grows from start), read at exposition time.
   */
  counterFrom(name: string, help: string, read: () => number | [string, number][]): void {
    this.#help.set(name, help);
    this.#read.set(name, { type: "counter", read });
  }

  /** Records one request duration (seconds) for a method. */
  observe(method: string, seconds: number): void {
    this.latency(method).observe(seconds);
  }

  /** Returns a method's latency histogram (created empty), to observe into directly. */
  latency(method: string): Histogram {
    let h = this.#latency.get(method);
    if (!h) this.#latency.set(method, h = new Histogram());
    return h;
  }

  /** Renders every metric in the Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = [];
    for (const [name, series] of this.#counters) {
      out.push(`# HELP ${name} ${this.#help.get(name) ?? name}`, `# TYPE ${name} counter`);
      for (const [labels, v] of series) out.push(`${name}${labels} ${v.value}`);
    }
    for (const [name, { type, read }] of this.#read) {
      out.push(`# HELP ${name} ${this.#help.get(name)}`, `# TYPE ${name} ${type}`);
      const value = read();
      if (typeof value === "number") out.push(`${name} ${value}`);
      else for (const [labels, v] of value) out.push(`${name}${labels} ${v}`);
    }
    const h = "goxel_request_duration_seconds";
    out.push(`# HELP ${h} Time to handle one JSON-RPC request`, `# TYPE ${h} histogram`);
    for (const [method, hist] of this.#latency) {
      const m = `method="${method}"`;
      let below = 0;
      BUCKETS.forEach((b, i) => out.push(`${h}_bucket{${m},le="${b}"} ${below += hist.counts[i]}`));
      out.push(`${h}_bucket{${m},le="+Inf"} ${hist.count}`);
      out.push(`${h}_sum{${m}} ${hist.sum}`, `${h}_count{${m}} ${hist.count}`);
    }
    return out.join("\n") + "\n";
  }
}
