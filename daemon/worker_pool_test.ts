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
