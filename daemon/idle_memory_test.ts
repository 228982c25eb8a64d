import assert from "node:assert/strict";
import { IDLE_TRIM_DEFAULTS, IdleTrimPolicy } from "./idle_memory.ts";

const MB = 1 << 20;

Deno.test("IdleTrimPolicy releases once the daemon is quiet after growing", async (t) => {
  const policy = new IdleTrimPolicy(IDLE_TRIM_DEFAULTS, { cpuMs: 1000, rssBytes: 36 * MB });
  await t.step("not while busy, however much it grew", () => {
    assert.equal(policy.shouldRelease({ cpuMs: 3000, rssBytes: 117 * MB }), false);
  });
  await t.step("in the first quiet period after", () => {
    assert.equal(policy.shouldRelease({ cpuMs: 3010, rssBytes: 110 * MB }), true);
    policy.released({ cpuMs: 3020, rssBytes: 55 * MB });
  });
  await t.step("not again while it stays quiet and small", () => {
    assert.equal(policy.shouldRelease({ cpuMs: 3030, rssBytes: 56 * MB }), false);
    assert.equal(policy.shouldRelease({ cpuMs: 3040, rssBytes: 62 * MB }), false);
  });
  await t.step("not for growth without work (code the idle loop pages back in)", () => {
    assert.equal(policy.shouldRelease({ cpuMs: 3050, rssBytes: 70 * MB }), false);
  });
  await t.step("again after more work once it grew by the allowance", () => {
    assert.equal(policy.shouldRelease({ cpuMs: 4000, rssBytes: 90 * MB }), false);
    assert.equal(policy.shouldRelease({ cpuMs: 4010, rssBytes: 88 * MB }), true);
  });
});

Deno.test("IdleTrimPolicy counts growth from the lowest RSS seen", () => {
  const policy = new IdleTrimPolicy(IDLE_TRIM_DEFAULTS, { cpuMs: 0, rssBytes: 100 * MB });
  // Projects were closed and the memory came back on its own: 40 MB is the new base.
  assert.equal(policy.shouldRelease({ cpuMs: 5, rssBytes: 40 * MB }), false);
  assert.equal(policy.shouldRelease({ cpuMs: 500, rssBytes: 47 * MB }), false);
  assert.equal(policy.shouldRelease({ cpuMs: 510, rssBytes: 47 * MB }), false);
  assert.equal(policy.shouldRelease({ cpuMs: 1000, rssBytes: 49 * MB }), false);
  assert.equal(policy.shouldRelease({ cpuMs: 1010, rssBytes: 49 * MB }), true);
});

Deno.test("IdleTrimPolicy releases in a quiet period while something is pending, never while busy", () => {
  const policy = new IdleTrimPolicy(IDLE_TRIM_DEFAULTS, { cpuMs: 0, rssBytes: 60 * MB });
  // No work and no growth: only what is pending (workers with no project left) counts.
  assert.equal(policy.shouldRelease({ cpuMs: 10, rssBytes: 60 * MB }), false);
  assert.equal(policy.shouldRelease({ cpuMs: 20, rssBytes: 60 * MB }, true), true);
  assert.equal(policy.shouldRelease({ cpuMs: 900, rssBytes: 60 * MB }, true), false);
});
