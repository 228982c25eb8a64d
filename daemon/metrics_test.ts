import assert from "node:assert/strict";
import { Metrics } from "./metrics.ts";

const H = "goxel_request_duration_seconds";

/** Returns the value of the sample line `name` (labels included) in a rendering. */
function sample(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

Deno.test("Metrics counters add per label set and default to 0", async (t) => {
  const m = new Metrics();
  m.inc("goxel_requests_total", '{method="a"}');
  m.inc("goxel_requests_total", '{method="a"}');
  m.inc("goxel_requests_total", '{method="b"}', 5);
  m.inc("goxel_connections_total");
  const cases: [string, string, string, number][] = [
    ["labelled series counts twice", "goxel_requests_total", '{method="a"}', 2],
    ["increment by a given amount", "goxel_requests_total", '{method="b"}', 5],
    ["unlabelled counter", "goxel_connections_total", "", 1],
    ["unknown label set", "goxel_requests_total", '{method="c"}', 0],
    ["unknown counter", "goxel_nothing_total", "", 0],
  ];
  for (const [name, metric, labels, expected] of cases) {
    await t.step(name, () => assert.equal(m.get(metric, labels), expected));
  }
  await t.step("render shows every series", () => {
    const text = m.render();
    assert.equal(sample(text, 'goxel_requests_total{method="a"}'), 2);
    assert.equal(sample(text, 'goxel_requests_total{method="b"}'), 5);
    assert.equal(sample(text, "goxel_connections_total"), 1);
  });
});

Deno.test("Metrics.describe() sets a counter's HELP text", () => {
  const m = new Metrics();
  m.describe("goxel_x_total", "Things that happened");
  m.inc("goxel_x_total");
  const text = m.render();
  assert.ok(text.includes("# HELP goxel_x_total Things that happened\n"), text);
  assert.ok(text.includes("# TYPE goxel_x_total counter\n"), text);
});

Deno.test("Metrics gauges are read when rendering, not when registered", () => {
  const m = new Metrics();
  let open = 1;
  let reads = 0;
  m.gauge("goxel_open_projects", "Open projects", () => {
    reads++;
    return open;
  });
  assert.equal(reads, 0);
  open = 7;
  const text = m.render();
  assert.equal(reads, 1);
  assert.equal(sample(text, "goxel_open_projects"), 7);
  assert.ok(text.includes("# TYPE goxel_open_projects gauge\n"));
  open = 3;
  assert.equal(sample(m.render(), "goxel_open_projects"), 3);
});

Deno.test("Metrics histogram buckets are cumulative with _sum and _count", async (t) => {
  const m = new Metrics();
  for (const s of [0.00005, 0.003, 0.003, 0.2, 100]) m.observe("goxel.ping", s);
  m.observe("goxel.other", 0.02);
  const text = m.render();
  const bucket = (le: string) => sample(text, `${H}_bucket{method="goxel.ping",le="${le}"}`);
  const cases: [string, number][] = [
    ["0.0001", 1],
    ["0.0005", 1],
    ["0.001", 1],
    ["0.005", 3],
    ["0.01", 3],
    ["0.1", 3],
    ["0.5", 4],
    ["30", 4],
    ["+Inf", 5],
  ];
  for (const [le, expected] of cases) {
    await t.step(`le="${le}" counts ${expected}`, () => assert.equal(bucket(le), expected));
  }
  await t.step("_sum and _count", () => {
    const sum = sample(text, `${H}_sum{method="goxel.ping"}`)!;
    assert.ok(Math.abs(sum - 100.20605) < 1e-9, String(sum));
    assert.equal(sample(text, `${H}_count{method="goxel.ping"}`), 5);
  });
  await t.step("series of other methods are separate", () => {
    assert.equal(sample(text, `${H}_count{method="goxel.other"}`), 1);
    assert.equal(sample(text, `${H}_bucket{method="goxel.other",le="0.01"}`), 0);
    assert.equal(sample(text, `${H}_bucket{method="goxel.other",le="0.05"}`), 1);
  });
  await t.step("bucket counts never decrease", () => {
    const values = text.split("\n")
      .filter((l) => l.startsWith(`${H}_bucket{method="goxel.ping"`))
      .map((l) => Number(l.split(" ").at(-1)));
    assert.equal(values.length, 12);
    for (let i = 1; i < values.length; i++) assert.ok(values[i] >= values[i - 1]);
  });
});

Deno.test("Metrics.render() is valid Prometheus text exposition", () => {
  const m = new Metrics();
  m.inc("goxel_requests_total", '{method="goxel.ping",outcome="ok"}', 3);
  m.inc("goxel_rejected_total", '{limit="depth"}');
  m.gauge("goxel_connections", "Open connections", () => 2);
  m.observe("goxel.ping", 0.001);
  const text = m.render();
  assert.ok(text.endsWith("\n"));
  const lines = text.slice(0, -1).split("\n");
  const sampleLine =
    /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (-?[0-9.e+-]+|\+Inf|NaN)$/;
  const typed = new Set<string>();
  const helped = new Set<string>();
  for (const line of lines) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      (comment[1] === "HELP" ? helped : typed).add(comment[2]);
      if (comment[1] === "TYPE") assert.match(comment[3], /^(counter|gauge|histogram)$/);
      continue;
    }
    const match = sampleLine.exec(line);
    assert.ok(match, `not a sample line: ${JSON.stringify(line)}`);
    const family = match[1].replace(/_(bucket|sum|count)$/, "");
    const name = typed.has(match[1]) ? match[1] : family;
    assert.ok(typed.has(name), `sample before its TYPE line: ${line}`);
    assert.ok(helped.has(name), `sample before its HELP line: ${line}`);
  }
  assert.ok(typed.has(H) && typed.has("goxel_connections") && typed.has("goxel_rejected_total"));
});

Deno.test("Metrics.render() of a fresh instance still declares the latency histogram", () => {
  const text = new Metrics().render();
  assert.equal(text, `# HELP ${H} Time to handle one JSON-RPC request\n# TYPE ${H} histogram\n`);
});

Deno.test("Metrics.describe() exports a declared counter at 0 before it is first counted", async (t) => {
  const m = new Metrics();
  m.describe("goxel_notifications_total", "Notifications sent");
  m.describe("goxel_hits_total", "Hits by kind", ['{kind="a"}', '{kind="b"}']);
  m.describe("goxel_requests_total", "Requests by method", []);
  const text = m.render();
  await t.step("an unlabelled counter", () => {
    assert.ok(text.includes("# TYPE goxel_notifications_total counter\n"), text);
    assert.equal(sample(text, "goxel_notifications_total"), 0);
  });
  await t.step("each given label set", () => {
    assert.equal(sample(text, 'goxel_hits_total{kind="a"}'), 0);
    assert.equal(sample(text, 'goxel_hits_total{kind="b"}'), 0);
  });
  await t.step("label values not known in advance: help and type, no sample", () => {
    assert.ok(text.includes("# HELP goxel_requests_total Requests by method\n"), text);
    assert.ok(text.includes("# TYPE goxel_requests_total counter\n"), text);
    assert.ok(!/^goxel_requests_total[ {]/m.test(text), text);
  });
  await t.step("counting goes on from 0", () => {
    m.inc("goxel_notifications_total");
    m.inc("goxel_requests_total", '{method="m"}');
    const again = m.render();
    assert.equal(sample(again, "goxel_notifications_total"), 1);
    assert.equal(sample(again, 'goxel_requests_total{method="m"}'), 1);
  });
});

Deno.test("Metrics.counterFrom() reads a counter kept elsewhere and types it counter", () => {
  const m = new Metrics();
  let records = 4;
  m.counterFrom("goxel_journal_records", "Journal records written since start", () => records);
  records = 9;
  const text = m.render();
  assert.ok(text.includes("# TYPE goxel_journal_records counter\n"), text);
  assert.ok(!text.includes("# TYPE goxel_journal_records gauge"), text);
  assert.equal(sample(text, "goxel_journal_records"), 9);
});
