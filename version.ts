/** Build identity; `deno task compile` injects the git commit through GOXEL_COMMIT. */
import process from "node:process";

/** Set by `bun build --define` in scripts/compile.ts; an unbound global when run from source. */
declare const GOXEL_COMMIT: string | undefined;

/** Version, commit and runtime of this build. */
export const BUILD = {
  version: "0.1.0",
  commit: typeof GOXEL_COMMIT === "string" ? GOXEL_COMMIT : "dev",
  runtime: process.versions.bun
    ? `bun ${process.versions.bun}`
    : process.versions.deno
    ? `deno ${process.versions.deno}`
    : `node ${process.versions.node}`,
};
