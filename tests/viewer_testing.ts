/**
 * Test support for the browser viewer: headless Debian Chromium driven by playwright-core, the
 * viewer built from source when tests run under Deno, and pixel counts read from its canvas.
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { ensureWebBuilt } from "../scripts/build_web.ts";

/** Where CI installs Chromium (Debian's package). */
export const CHROMIUM = "/usr/bin/chromium";

/** True when Chromium is installed. */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** Makes sure the daemon under test can serve the viewer (the binary carries its own). */
export async function prepareViewer(): Promise<void> {
  if (!Deno.env.get("GOXEL_BIN")) await ensureWebBuilt();
}

/** A headless browser with a fresh profile. */
export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Launches headless Chromium (software GL) with a fresh user-data dir. */
export async function launchBrowser(width = 800, height = 600): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "gxchrome" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

// Runs in the page (a string, so the test's type check needs no DOM types).
const COUNT_RED = `(() => {
  const c = document.querySelector("main canvas");
  if (!c) return 0;
  const t = document.createElement("canvas");
  t.width = c.width;
  t.height = c.height;
  const g = t.getContext("2d");
  g.drawImage(c, 0, 0);
  const d = g.getImageData(0, 0, t.width, t.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] > 120 && d[i + 1] < 50 && d[i + 2] < 50) n++;
  return n;
})()`;

/** Counts the canvas pixels that are clearly red (the shaded faces of a #ff0000 voxel). */
export function redPixels(page: Page): Promise<number> {
  return page.evaluate(COUNT_RED) as Promise<number>;
}

/** Reads the viewer's handle (connections, frames, sequence number, stats). */
export function viewerState(page: Page): Promise<
  { connections: number; frames: number; seq: number; project: string | null; voxels: number }
> {
  return page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const v = (globalThis as any).goxelViewer;
    if (!v) return { connections: 0, frames: 0, seq: -1, project: null, voxels: 0 };
    return {
      connections: v.connections,
      frames: v.frames,
      seq: v.seq,
      project: v.project,
      voxels: v.stats().voxels,
    };
  });
}

/** Polls `probe` until `ok` holds, or fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 15000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (ok(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
