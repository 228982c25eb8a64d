/**
 * The viewer's files. A compiled binary carries them (scripts/compile.ts generates
 * http_viewer_embedded.ts in its staging copy); from source they are read from dist/web/,
 * which `deno task build-web` writes.
 */
import { readFileSync } from "node:fs";

/** An HTTP response body for one of the viewer's files. */
export interface Asset {
  status: number;
  type: string;
  body: string;
}

const TYPES = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8" };
const cache: Partial<Record<"html" | "js", string>> = {};

function fromDisk(kind: "html" | "js"): string | undefined {
  try {
    const name = kind === "html" ? "index.html" : "viewer.js";
    return readFileSync(new URL(`../dist/web/${name}`, import.meta.url), "utf8");
  } catch {
    return undefined;
  }
}

/** Returns the viewer page or its script (the embedded copy loads on first use: idle memory). */
export async function viewerAsset(kind: "html" | "js"): Promise<Asset> {
  const { EMBEDDED_VIEWER } = await import("./http_viewer_embedded.ts");
  const body = EMBEDDED_VIEWER?.[kind] ?? cache[kind] ?? fromDisk(kind);
  if (body === undefined) {
    return {
      status: 503,
      type: "text/plain; charset=utf-8",
      body: "The viewer is not built: run `deno task build-web` (or use a release binary)\n",
    };
  }
  if (EMBEDDED_VIEWER === null) cache[kind] = body;
  return { status: 200, type: TYPES[kind], body };
}
