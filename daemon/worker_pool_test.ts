import assert from "node:assert/strict";
import { WorkerPool } from "./worker_pool.ts";

Deno.test("WorkerPool runs CPU-bound jobs off the main thread", async () => {
  const pool = new WorkerPool(2);
  try {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await Promise.all([pool.run({ kind: "sleep", ms: 150 }), pool.run({ kind: "sleep", ms: 150 })]);
    clearInterval(timer);
    // Two 150 ms busy loops on the main thread would allow no tick at all.
    assert.ok(ticks >= 5, `event loop ticked only ${ticks} times`);
  } finally {
    await pool.close();
  }
});

Deno.test("WorkerPool rejects with the job's error class", async () => {
  const pool = new WorkerPool(1);
  try {
    await assert.rejects(
      pool.run({ kind: "encode", codec: "nope", image: null as never, options: {} }),
      (err: Error) => err.name === "InvalidInputError" && /nope/.test(err.message),
    );
  } finally {
    await pool.close();
  }
});

Deno.test("WorkerPool stops a job past its deadline, reports it and replaces the worker", async () => {
  const pool = new WorkerPool(1, { jobTimeoutMs: () => 1500 });
  pool.warm();
  try {
    const stuck = pool.run({ kind: "sleep", ms: 60_000 }).then(() => null, (e) => e);
    const deadline = Date.now() + 5000;
    while (pool.busyLongerThan(100) === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(pool.busyLongerThan(100), 1, "the busy worker is visible to health_check");
    const err = await stuck as Error & { code?: number };
    assert.equal(err?.code, -1107);
    assert.match(err.message, /did not finish within 1500 ms .*limits\.job_timeout_ms/);
    assert.equal(pool.replaced, 1);
    // A fresh worker takes the next job.
    assert.equal(await pool.run({ kind: "sleep", ms: 10 }), null);
    assert.equal(pool.busyLongerThan(0), 0);
  } finally {
    await pool.close();
  }
});

Deno.test("WorkerPool cancels a job when its signal aborts (client disconnect)", async () => {
  const pool = new WorkerPool(1, { jobTimeoutMs: () => 60_000 });
  try {
    const left = new AbortController();
    const job = pool.run({ kind: "sleep", ms: 60_000 }, { signal: left.signal });
    const queued = new AbortController();
    const waiting = pool.run({ kind: "sleep", ms: 60_000 }, { signal: queued.signal });
    queued.abort();
    await assert.rejects(waiting, /cancelled/);
    left.abort();
    await assert.rejects(job, /cancelled: its client left/);
    assert.equal(await pool.run({ kind: "sleep", ms: 10 }), null, "a fresh worker took over");
  } finally {
    await pool.close();
  }
});

Deno.test("WorkerPool lets go of a connection's signal when a job settles", async () => {
  // A connection's signal outlives its jobs: a listener left on it kept each job's data.
  const listeners = new Set<unknown>();
  const signal = {
    aborted: false,
    addEventListener: (_type: string, fn: unknown) => listeners.add(fn),
    removeEventListener: (_type: string, fn: unknown) => listeners.delete(fn),
  } as unknown as AbortSignal;
  const pool = new WorkerPool(1);
  try {
    assert.equal(await pool.run({ kind: "sleep", ms: 1 }, { signal }), null);
    await assert.rejects(
      pool.run({ kind: "decode", codec: "nope", bytes: new Uint8Array(1) }, { signal }),
    );
    assert.equal(listeners.size, 0);
  } finally {
    await pool.close();
  }
});

Deno.test("WorkerPool.retireIdle() ends idle workers only, and the next job starts one", async () => {
  const pool = new WorkerPool(2);
  try {
    // Both workers started first: starting one on a loaded machine took longer than the busy
    // job once, which then ended before the look.
    await Promise.all([pool.run({ kind: "sleep", ms: 1 }), pool.run({ kind: "sleep", ms: 1 })]);
    const busy = pool.run({ kind: "sleep", ms: 1000 });
    await pool.run({ kind: "sleep", ms: 1 });
    // Two workers: one runs the 300 ms job, the other is idle.
    assert.equal(pool.retireIdle(), 1);
    assert.equal(pool.load, 1, "the running job is untouched");
    assert.equal(pool.ranJobs, true, "the busy worker is still to be ended later");
    assert.equal(await busy, null);
    assert.equal(pool.retireIdle(), 1);
    assert.equal(pool.ranJobs, false, "no job ran since the idle workers ended");
    assert.equal(await pool.run({ kind: "sleep", ms: 1 }), null);
    assert.equal(pool.ranJobs, true);
  } finally {
    await pool.close();
  }
});
