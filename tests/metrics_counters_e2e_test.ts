/**
 * A fresh daemon's metrics (`goxel.metrics`, the same text as /metrics): declared counters are
 * exported at 0 before anything is counted, and the journal's totals are typed counters.
 */
import assert from "node:assert/strict";
import { makeTestEnv, RawClient, startDaemon } from "./support_testing.ts";

Deno.test("a fresh daemon exports its counters at 0 and types the journal totals counter", async (t) => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  try {
    const c = await RawClient.unix(daemon.socket);
    const text = await c.call<string>("goxel.metrics");
    c.close();
    await t.step("counters nobody has counted yet", () => {
      for (const name of ["goxel_notifications_total", "goxel_subscriber_resyncs_total"]) {
        assert.match(text, new RegExp(`^# TYPE ${name} counter$`, "m"), name);
        assert.match(text, new RegExp(`^${name} 0$`, "m"), name);
      }
    });
    await t.step("journal totals since start", () => {
      for (const key of ["records", "bytes", "fsyncs", "checkpoints", "write_failures"]) {
        assert.match(text, new RegExp(`^# TYPE goxel_journal_${key} counter$`, "m"), key);
      }
    });
  } finally {
    await daemon.stop();
    await env.cleanup();
  }
});
