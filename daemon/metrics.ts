/** Counters, gauges and a latency histogram, exposed in the Prometheus text format. */

/** Prometheus metric types of the values read at exposition time. */
type ReadType = "gauge" | "counter";

/** A metric whose value lives elsewhere and is read when rendering. */
interface ReadMetric {
  type: ReadType;
  read: () => number | [string, number][];
}

const BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** The daemon's metrics. Labels are kept to the RPC method and outcome. */
export class Metrics {
  #counters = new Map<string, Map<string, number>>();
  #help = new Map<string, string>();
  #latency = new Map<string, Histogram>();
  #read = new Map<string, ReadMetric>();

  /** Adds `by` to a counter, optionally labelled (`{method="x"}`). */
  inc(name: string, labels = "", by = 1): void {
    let series = this.#counters.get(name);
    if (!series) this.#counters.set(name, series = new Map());
    series.set(labels, (series.get(labels) ?? 0) + by);
  }

  /** Returns a counter's value. */
  get(name: string, labels = ""): number {
    return this.#counters.get(name)?.get(labels) ?? 0;
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
    for (const labels of labelSets) if (!series.has(labels)) series.set(labels, 0);
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
    let h = this.#latency.get(method);
    if (!h) this.#latency.set(method, h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 });
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) h.counts[i]++;
    h.sum += seconds;
    h.count++;
  }

  /** Renders every metric in the Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = [];
    for (const [name, series] of this.#counters) {
      out.push(`# HELP ${name} ${this.#help.get(name) ?? name}`, `# TYPE ${name} counter`);
      for (const [labels, v] of series) out.push(`${name}${labels} ${v}`);
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
      BUCKETS.forEach((b, i) => out.push(`${h}_bucket{${m},le="${b}"} ${hist.counts[i]}`));
      out.push(`${h}_bucket{${m},le="+Inf"} ${hist.count}`);
      out.push(`${h}_sum{${m}} ${hist.sum}`, `${h}_count{${m}} ${hist.count}`);
    }
    return out.join("\n") + "\n";
  }
}
