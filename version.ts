/** Build identity; `deno task compile` rewrites COMMIT in the bundle it builds. */
import process from "node:process";

/** Version, commit and runtime of this build. */
export const BUILD = {
  version: "0.1.0",
  commit: "dev",
  runtime: process.versions.bun
    ? `bun ${process.versions.bun}`
    : process.versions.deno
    ? `deno ${process.versions.deno}`
    : `node ${process.versions.node}`,
};
