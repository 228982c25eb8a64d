/** Test support: feeds truncated and bit-flipped copies of a file to a decoder. */
import assert from "node:assert/strict";
import { FormatError } from "../errors.ts";
import type { Volume } from "../volume.ts";

export {
  FIXTURES,
  haveFixtures as hasFixtures,
  readFixture,
} from "../../tests/fixtures_testing.ts";

/**
 * Decodes `count` truncated and `count` bit-flipped variants of `bytes` (deterministic) and
 * asserts that each one either decodes or throws a FormatError; returns how many threw.
 */
export function assertOnlyFormatErrors(
  decode: (bytes: Uint8Array) => unknown,
  bytes: Uint8Array,
  count = 40,
): number {
  let seed = 12345, failures = 0;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const variants: Uint8Array[] = [];
  for (let i = 0; i < count; i++) variants.push(bytes.slice(0, Math.floor(next() * bytes.length)));
  for (let i = 0; i < count; i++) {
    const copy = bytes.slice();
    // Flip bits mostly in the first bytes, where headers and tables live.
    const at = Math.floor(next() ** 2 * copy.length);
    copy[at] ^= 1 << Math.floor(next() * 8);
    variants.push(copy);
  }
  for (const v of variants) {
    try {
      decode(v);
    } catch (e) {
      if (!(e instanceof FormatError)) assert.fail(`expected a FormatError, got ${e}`);
      failures++;
    }
  }
  return failures;
}

/** Returns every voxel (alpha ≠ 0) as sorted "x,y,z,rgba" text: equal for equal content. */
export function voxelList(volume: Volume): string {
  const list: string[] = [];
  volume.forEachVoxel((x, y, z, c) => list.push(`${x},${y},${z},${c}`));
  return list.sort().join(";");
}
