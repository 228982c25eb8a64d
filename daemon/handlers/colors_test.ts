import assert from "node:assert/strict";
import { mergeSimilar, tableFromCounts } from "../../core/ops/color_stats.ts";
import { toRows as rowsOf } from "./colors.ts";

const toRows = (counts: Map<number, number>, total: number, byCount: boolean, limit?: number) =>
  rowsOf(tableFromCounts(counts, total, byCount, limit));

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

Deno.test("tableFromCounts() and toRows() order by count then colour, or by r, g, b, a, and keeps the first n", () => {
  let seed = 3;
  const rand = (n: number) => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n;
  const counts = new Map<number, number>();
  for (let i = 0; i < 2000; i++) {
    const c =
      (rand(4) * 85 | rand(3) * 127 << 8 | rand(256) << 16 | [255, 0, 128][rand(3)] << 24) >>>
      0;
    counts.set(c, 1 + rand(5));
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const unpack = (c: number) => [c & 255, c >>> 8 & 255, c >>> 16 & 255, c >>> 24];
  const all = [...counts].map(([c, count]) => ({ c, color: unpack(c), count }));
  const byCount = [...all].sort((a, b) => b.count - a.count || a.c - b.c);
  const byColor = [...all].sort((a, b) =>
    a.color[0] - b.color[0] || a.color[1] - b.color[1] || a.color[2] - b.color[2] ||
    a.color[3] - b.color[3]
  );
  const rows = (list: typeof all) =>
    list.map((r) => ({
      color: r.color,
      count: r.count,
      percentage: Math.round(r.count / total * 10000) / 100,
    }));
  assert.deepEqual(toRows(counts, total, true), rows(byCount));
  assert.deepEqual(toRows(counts, total, false), rows(byColor));
  assert.deepEqual(toRows(counts, total, true, 7), rows(byCount.slice(0, 7)));
  assert.deepEqual(toRows(new Map(), 0, true, 3), []);
});
