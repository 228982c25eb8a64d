/**
 * Renders of every fixture from every view: the model is framed whole (no model pixel on the
 * image border) by the default rasteriser, and for the models people look at first the
 * rasterised pictures match the ray tracer's ("path" quality) in mean colour and coverage.
 */
import assert from "node:assert/strict";
import { codecForPath } from "../core/formats/mod.ts";
import { CAMERA_PRESETS } from "../core/camera.ts";
import { type Image, mergedVisibleVolume } from "../core/image.ts";
import { renderImage, type RenderResult } from "../core/render/render.ts";
import { decodeImage } from "../daemon/worker_jobs.ts";

// GOXEL_FIXTURES points at the fixtures when the repo is not beside ../shared (a worktree).
const ROOT = Deno.env.get("GOXEL_FIXTURES")
  ? new URL(`file://${Deno.env.get("GOXEL_FIXTURES")!.replace(/\/?$/, "/")}`)
  : new URL("../../shared/fixtures/", import.meta.url);
const present = (() => {
  try {
    return Deno.statSync(ROOT).isDirectory;
  } catch {
    return false;
  }
})();
if (!present) {
  console.warn(
    "tests/render_views_test.ts: ../shared/fixtures is absent; render views are skipped",
  );
}

/** Every view: the file's own camera (undefined) and each preset. */
const VIEWS: (string | undefined)[] = [undefined, ...Object.keys(CAMERA_PRESETS)];

function load(path: string): Image {
  const codec = codecForPath(path, "decode");
  assert.ok(codec, `no importer for ${path}`);
  return decodeImage(codec, Deno.readFileSync(new URL(path, ROOT)));
}

/** The fixture files an importer reads, relative to ROOT. */
function modelFiles(): string[] {
  const out: string[] = [];
  for (const dir of Deno.readDirSync(ROOT)) {
    if (!dir.isDirectory) continue;
    for (const f of Deno.readDirSync(new URL(`${dir.name}/`, ROOT))) {
      const path = `${dir.name}/${f.name}`;
      if (f.isFile && codecForPath(path, "decode")) out.push(path);
    }
  }
  return out.sort();
}

/** Returns how many pixels show the model and how many of them touch the border. */
function borderAndCoverage(r: RenderResult): { border: number; covered: number } {
  let border = 0, covered = 0;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const a = r.rgba[(y * r.width + x) * 4 + 3];
      if (a > 0) covered++;
      if (a > 0 && (x === 0 || y === 0 || x === r.width - 1 || y === r.height - 1)) border++;
    }
  }
  return { border, covered };
}

Deno.test({
  name: "every fixture is framed whole from every view: no model pixel touches the border",
  ignore: !present,
  fn: async (t) => {
    for (const path of modelFiles()) {
      await t.step(path, () => {
        const image = load(path);
        const hasVoxels = !mergedVisibleVolume(image).isEmpty();
        // Big maps take a while to mesh: three views are enough for them.
        const big = Deno.statSync(new URL(path, ROOT)).size > 1 << 20;
        for (const camera of big ? [undefined, "isometric", "front"] : VIEWS) {
          const r = renderImage(image, { width: 96, height: 72, camera, background: null });
          const { border, covered } = borderAndCoverage(r);
          const view = camera ?? "own camera";
          assert.equal(border, 0, `${view}: ${border} model pixels on the border`);
          if (hasVoxels) assert.ok(covered > 0, `${view}: the model is not visible`);
        }
      });
    }
  },
});

/** Mean of each channel over the whole picture and the fraction of opaque pixels. */
function stats(r: RenderResult): { mean: number[]; coverage: number } {
  const sum = [0, 0, 0];
  let covered = 0;
  for (let i = 0; i < r.rgba.length; i += 4) {
    for (let c = 0; c < 3; c++) sum[c] += r.rgba[i + c];
    if (r.rgba[i + 3] === 255) covered++;
  }
  const n = r.width * r.height;
  return { mean: sum.map((s) => s / n), coverage: covered / n };
}

Deno.test({
  name: "the rasteriser's pictures match the ray tracer's in mean colour and coverage per view",
  ignore: !present,
  fn: async (t) => {
    for (const path of ["ephtracy/monu9.vox", "ephtracy/teapot.vox", "vengi/chr_knight.gox"]) {
      const image = load(path);
      for (const camera of VIEWS) {
        await t.step(`${path} ${camera ?? "own camera"}`, () => {
          const options = { width: 128, height: 128, camera, background: null };
          const raster = stats(renderImage(image, options));
          const path = stats(renderImage(image, { ...options, quality: "path" }));
          const detail = JSON.stringify({ raster, path });
          for (let c = 0; c < 3; c++) {
            assert.ok(Math.abs(raster.mean[c] - path.mean[c]) < 1, `channel ${c}: ${detail}`);
          }
          assert.ok(Math.abs(raster.coverage - path.coverage) < 0.005, `coverage: ${detail}`);
        });
      }
    }
  },
});
