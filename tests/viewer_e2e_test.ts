/**
 * The browser viewer end to end: real Chromium (headless, software GL) opens the viewer served
 * by a real daemon; edits made over the Unix socket show up in the canvas, removals disappear,
 * and a dropped connection comes back by itself and keeps following. Also runs against the
 * compiled binary (GOXEL_BIN), which serves its embedded copy of the viewer.
 */
import assert from "node:assert/strict";
import { makeTestEnv, RawClient, rootPath, startDaemon } from "./support_testing.ts";
import {
  hasChromium,
  launchBrowser,
  prepareViewer,
  redPixels,
  viewerState,
  waitFor,
} from "./viewer_testing.ts";

const RED_BOX = ["cube", [-4, -4, 0], [3, 3, 7], "#ff0000"];

Deno.test({
  name: "the viewer shows edits live, hides removals and reconnects by itself",
  ignore: !hasChromium(),
  async fn() {
    await prepareViewer();
    const env = await makeTestEnv();
    const daemon = await startDaemon(env, ["--http", "127.0.0.1:0"]);
    const browser = await launchBrowser();
    const c = await RawClient.unix(daemon.socket);
    try {
      const served = (await c.request("goxel.serve_http")).result as {
        url: string;
        started: boolean;
      };
      assert.equal(served.started, false, "--http started it already");
      await c.request("goxel.create_project", { name: "live" });
      await browser.page.goto(served.url + "/");
      await waitFor("the project to load", () => viewerState(browser.page), (s) => s.seq >= 0);
      assert.equal(await redPixels(browser.page), 0);

      assert.ok((await c.request("goxel.draw_shape", RED_BOX)).result);
      const red = await waitFor("red pixels", () => redPixels(browser.page), (n) => n > 500);
      assert.equal((await viewerState(browser.page)).voxels, 512);

      await c.request("goxel.draw_shape", { ...boxParams(), mode: "sub" });
      await waitFor("the red pixels to go", () => redPixels(browser.page), (n) => n === 0);

      const before = (await viewerState(browser.page)).connections;
      // deno-lint-ignore no-explicit-any
      await browser.page.evaluate(() => (globalThis as any).goxelViewer.drop());
      await waitFor(
        "a reconnection",
        () => viewerState(browser.page),
        (s) => s.connections > before,
      );
      await c.request("goxel.draw_shape", RED_BOX);
      const again = await waitFor(
        "red pixels after reconnecting",
        () => redPixels(browser.page),
        (n) => n > 500,
      );
      assert.ok(Math.abs(again - red) < red * 0.05, `same box, same pixels (${red} vs ${again})`);

      await Deno.mkdir(rootPath("reports"), { recursive: true });
      const suffix = Deno.env.get("GOXEL_BIN") ? "-binary" : "";
      await browser.page.screenshot({ path: rootPath(`reports/viewer${suffix}.png`) });
    } finally {
      c.close();
      await browser.close();
      await daemon.stop();
      await env.cleanup();
    }
  },
});

function boxParams() {
  return { shape: "cube", from: RED_BOX[1], to: RED_BOX[2], color: "#ff0000" };
}
