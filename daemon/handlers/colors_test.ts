import assert from "node:assert/strict";
import { mergeSimilar } from "./colors.ts";

/** The definition: most frequent first, into the first earlier representative within t. */
function mergeByScan(counts: Map<number, number>, t: number): Map<number, number> {
  const reps: [number, number][] = [];
  for (const [c, n] of [...counts].sort((a, b) => b[1] - a[1])) {
    const near = (r: number) =>
      [0, 8, 16, 24].every((s) => Math.abs(((r >>> s) & 255) - ((c >>> s) & 255)) <= t);
    const rep = reps.find(([r]) => near(r));
    if (rep) rep[1] += n;
    else reps.push([c, n]);
  }
  return new Map(reps);
}

Deno.test("mergeSimilar() merges exactly as a scan of every representative does", () => {
  let seed = 7;
  const rand = (n: number) => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n;
  for (const t of [0, 1, 5, 10, 37, 128, 254, 255]) {
    const counts = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      // Clustered channels (so merges happen) and the extremes 0 and 255.
      const ch = () => [0, 255, rand(256), 100 + rand(20)][rand(4)];
      const alpha = [255, 255, 128, rand(256)][rand(4)];
      const c = (ch() | ch() << 8 | ch() << 16 | alpha << 24) >>> 0;
      counts.set(c, (counts.get(c) ?? 0) + 1 + rand(50));
    }
    assert.deepEqual([...mergeSimilar(counts, t)], [...mergeByScan(counts, t)], `threshold ${t}`);
  }
});
