/**
 * Where the third-party fixture files are, for every test that reads them: the folder named by
 * GOXEL_FIXTURES, else `../shared/fixtures` beside the repository (a checkout of the project's
 * shared material; see README). Tests that need it are skipped, with a message, when it is absent.
 * Benchmarks import it under Bun too, hence node:process and node:fs.
 */
import { readFileSync, statSync } from "node:fs";
import process from "node:process";

function locate(): URL {
  const env = process.env.GOXEL_FIXTURES;
  if (env) return new URL(`file://${env.replace(/\/*$/, "/")}`);
  return new URL("../../shared/fixtures/", import.meta.url);
}

/** The fixtures folder (a URL ending in "/"). */
export const FIXTURES: URL = locate();

/** The fixtures folder as a path ending in "/". */
export const FIXTURES_DIR: string = decodeURIComponent(FIXTURES.pathname);

/** True when the fixtures folder exists; otherwise says that `who`'s fixture tests are skipped. */
export function haveFixtures(who: string): boolean {
  try {
    if (statSync(FIXTURES).isDirectory()) return true;
  } catch { /* absent */ }
  console.warn(
    `${who}: fixtures not found at ${FIXTURES_DIR} (set GOXEL_FIXTURES or check out ../shared); ` +
      "fixture tests are skipped",
  );
  return false;
}

/** Reads a fixture file by its path inside the folder, e.g. "ephtracy/monu9.vox". */
export function readFixture(path: string): Uint8Array {
  return readFileSync(new URL(path, FIXTURES));
}
