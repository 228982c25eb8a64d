import assert from "node:assert/strict";
import type { DaemonContext } from "./context.ts";
import { registerGauges } from "./gauges.ts";
import { Metrics } from "./metrics.ts";

/** The parts of a daemon context the gauges read. */
function fakeContext(): DaemonContext {
  const stats = { records: 12, bytes: 3400, fsyncs: 2, checkpoints: 1, write_failures: 0 };
  return {
    projects: { size: 1, list: () => [{ id: "p1", seq: 12 }] },
    connectionCount: () => 1,
    clock: () => 2000,
    startedAt: 0,
    journal: { stats },
    workers: { load: 0 },
  } as unknown as DaemonContext;
}

/** The `# TYPE` of each metric family in a rendering. */
function types(text: string): Map<string, string> {
  return new Map(
    [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]] as [string, string]),
  );
}

Deno.test("registerGauges() types the journal totals since start as counters", async (t) => {
  const m = new Metrics();
  registerGauges(fakeContext(), m);
  const text = m.render();
  const typed = types(text);
  for (const key of ["records", "bytes", "fsyncs", "checkpoints", "write_failures"]) {
    await t.step(`goxel_journal_${key}`, () => {
      assert.equal(typed.get(`goxel_journal_${key}`), "counter");
      assert.match(text, new RegExp(`^goxel_journal_${key} \\d+$`, "m"));
    });
  }
  await t.step("the journal's sequence numbers stay a gauge", () => {
    assert.equal(typed.get("goxel_journal_seq"), "gauge");
  });
});

Deno.test("registerGauges() declares the labelled counters with their help from the start", () => {
  const m = new Metrics();
  registerGauges(fakeContext(), m);
  const text = m.render();
  for (const name of ["requests", "rejected", "connections", "http_requests"]) {
    const family = `goxel_${name}_total`;
    assert.equal(types(text).get(family), "counter", family);
    assert.match(text, new RegExp(`^# HELP ${family} [A-Z].* by `, "m"), family);
  }
});
