/** Shared by the .gox tests: the fixtures with their expected counts, and a file builder. */
import { FIXTURES, haveFixtures } from "../../tests/fixtures_testing.ts";
import { GoxWriter } from "./gox_chunks.ts";

export const hasFixtures = haveFixtures("gox_test");
export const fixture = (path: string) => Deno.readFileSync(new URL(path, FIXTURES));

/** path, layers, voxels with alpha ≠ 0 (MANIFEST.txt; null when it gives none). */
export const FILES: [string, number, number | null][] = [
  ["goxel/example1.gox", 1, 1580],
  ["goxel/goxel_test.v1.gox", 1, 8],
  ["goxel/goxel_test.v2.gox", 1, 14],
  ["gnome-wizard/untitled.gox", 1, 503],
  ["vengi/test.gox", 1, 98],
  ["vengi/gox-shape-3-layers.gox", 4, 0],
  ["vengi/rgb.gox", 1, null],
  ["vengi/chr_knight.gox", 19, null],
];

/** A file made of the given chunks (each [type, writer callback]). */
export function goxFile(version: number, chunks: [string, (w: GoxWriter) => void][]): Uint8Array {
  const w = new GoxWriter();
  w.tag("GOX ");
  w.int32(version);
  for (const [type, fill] of chunks) {
    w.beginChunk(type);
    fill(w);
    w.endChunk();
  }
  return w.result();
}
