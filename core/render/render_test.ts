import assert from "node:assert/strict";
import { boxFromAabb } from "../box.ts";
import { applyPreset, CAMERA_PRESETS, lookAt, newCamera } from "../camera.ts";
import { packRgba } from "../color.ts";
import { InvalidInputError } from "../errors.ts";
import { defaultLight, emptyImage, type Image, newImage } from "../image.ts";
import { Volume } from "../volume.ts";
import {
  renderFromTiles,
  renderImage,
  type RenderOptions,
  type RenderResult,
  renderVolume,
} from "./render.ts";

const RED = packRgba(255, 0, 0), GREEN = packRgba(0, 200, 0), GREY = packRgba(128, 128, 128);

function pixel(r: RenderResult, x: number, y: number): number[] {
  const o = (y * r.width + x) * 4;
  return [...r.rgba.subarray(o, o + 4)];
}

function imageWith(fill: (v: Volume) => void): Image {
  const image = newImage();
  fill(image.layers[0].volume);
  return image;
}

/** Fills the box [x0, x1) × [y0, y1) × [z0, z1) with one colour. */
function fillBox(v: Volume, min: number[], max: number[], color: number): void {
  for (let z = min[2]; z < max[2]; z++) {
    for (let y = min[1]; y < max[1]; y++) {
      for (let x = min[0]; x < max[0]; x++) v.set(x, y, z, color);
    }
  }
}

/** An asymmetric model: a grey 6×4×3 block whose −Y layer is red, with a green tower. */
function asymmetricImage(): Image {
  return imageWith((v) => {
    fillBox(v, [-3, -2, 0], [3, 2, 3], GREY);
    fillBox(v, [-3, -2, 0], [3, -1, 3], RED);
    fillBox(v, [1, 0, 3], [3, 2, 8], GREEN);
  });
}

Deno.test("renderImage draws a centred voxel in the middle and background at the corners", () => {
  const image = imageWith((v) => v.set(0, 0, 0, RED));
  image.cameras = [];
  image.activeCamera = null;
  const r = renderImage(image, { width: 64, height: 48 });
  assert.equal(r.rgba.length, 64 * 48 * 4);
  const mid = pixel(r, 32, 24);
  assert.equal(mid[3], 255);
  assert.ok(mid[0] > 100 && mid[1] < 30 && mid[2] < 30, `centre ${mid}`);
  // Goxel's gradient: dark grey at the top, lighter grey at the bottom, opaque.
  const top = pixel(r, 0, 0), bottom = pixel(r, 63, 47);
  assert.ok(top[0] === top[1] && top[1] === top[2] && top[3] === 255);
  assert.ok(
    top[0] >= 18 && top[0] <= 22 && bottom[0] >= 118 && bottom[0] <= 121,
    `${top} ${bottom}`,
  );
});

Deno.test("renderImage with a transparent background gives alpha 0 around the model", async (t) => {
  const image = imageWith((v) => v.set(0, 0, 0, RED));
  for (const background of [null, packRgba(10, 20, 30, 0)]) {
    await t.step(`background ${background}`, () => {
      const r = renderImage(image, { width: 32, height: 32, background, camera: "front" });
      assert.deepEqual(pixel(r, 0, 0), [0, 0, 0, 0]);
      assert.equal(pixel(r, 16, 16)[3], 255);
    });
  }
  await t.step("an opaque colour fills the background", () => {
    const r = renderImage(image, { width: 8, height: 8, background: packRgba(10, 20, 30, 255) });
    assert.deepEqual(pixel(r, 0, 0), [10, 20, 30, 255]);
  });
});

Deno.test("renderImage hits the model with perspective and orthographic cameras", async (t) => {
  for (const ortho of [false, true]) {
    await t.step(ortho ? "orthographic" : "perspective", () => {
      const image = imageWith((v) => v.set(0, 0, 0, RED));
      image.activeCamera!.ortho = ortho;
      const r = renderImage(image, {
        width: 40,
        height: 40,
        camera: "isometric",
        background: null,
      });
      assert.equal(pixel(r, 20, 20)[3], 255);
      assert.equal(pixel(r, 2, 2)[3], 0);
    });
  }
});

Deno.test("renderImage shows the model from every camera preset", async (t) => {
  const image = asymmetricImage();
  const shots = new Map<string, string>();
  for (const preset of Object.keys(CAMERA_PRESETS)) {
    await t.step(preset, () => {
      const r = renderImage(image, { width: 48, height: 48, camera: preset, background: null });
      let covered = 0;
      for (let i = 3; i < r.rgba.length; i += 4) if (r.rgba[i] === 255) covered++;
      assert.ok(covered > 100, `${preset} covers ${covered} pixels`);
      shots.set(preset, r.rgba.join());
    });
  }
  await t.step("front shows the red −Y face", () => {
    const r = renderImage(image, { width: 48, height: 48, camera: "front", background: null });
    const [red, green, blue, alpha] = pixel(r, 24, 30);
    assert.ok(alpha === 255 && red > 200 && green < 50 && blue < 50, `${[red, green, blue]}`);
  });
  await t.step("the presets give different pictures", () => {
    assert.equal(new Set(shots.values()).size, shots.size);
  });
});

Deno.test("renderVolume shadows a floor under a floating block only when shadows are on", () => {
  const floor = new Volume(), both = new Volume();
  fillBox(floor, [-12, -12, 0], [12, 12, 1], GREY);
  fillBox(both, [-12, -12, 0], [12, 12, 1], GREY);
  fillBox(both, [-3, -3, 10], [3, 3, 12], GREY);
  // Straight down with an orthographic camera, the block's top looks exactly like the floor.
  const cam = newCamera("top");
  applyPreset(cam, "top", boxFromAabb({ min: [-12, -12, 0], max: [12, 12, 12] }));
  cam.ortho = true;
  cam.dist = 14;
  const options: RenderOptions = { width: 64, height: 64, background: null };
  const count = (shadow: number) => {
    const light = { ...defaultLight(), shadow };
    const a = renderVolume(floor, cam, light, options), b = renderVolume(both, cam, light, options);
    let darker = 0;
    for (let i = 0; i < a.rgba.length; i += 4) if (b.rgba[i] + 10 < a.rgba[i]) darker++;
    return darker;
  };
  assert.ok(count(0.3) > 50, `shadowed pixels: ${count(0.3)}`);
  assert.equal(count(0), 0);
});

Deno.test("renderFromTiles on plain tiles gives the same picture as renderImage", () => {
  const image = asymmetricImage();
  const tiles = [...image.layers[0].volume.tiles()].map(([x, y, z, voxels]) => ({
    origin: [x, y, z] as [number, number, number],
    voxels: voxels.slice(),
  }));
  const cam = image.activeCamera!;
  const plain = { mat: [...cam.mat], dist: cam.dist, ortho: cam.ortho };
  const options = { width: 24, height: 16 };
  assert.deepEqual(
    renderFromTiles(tiles, plain, image.light, options),
    renderImage(image, options),
  );
});

Deno.test("renderImage without super-sampling casts one ray per pixel", () => {
  const image = asymmetricImage();
  const r = renderImage(image, { width: 20, height: 20, supersample: false, camera: "front" });
  const ss = renderImage(image, { width: 20, height: 20, camera: "front" });
  assert.equal(r.rgba.length, ss.rgba.length);
  assert.notDeepEqual(r.rgba, ss.rgba);
});

Deno.test("renderImage of an empty image is all background", () => {
  const r = renderImage(emptyImage(), { width: 4, height: 4, background: null });
  assert.ok(r.rgba.every((v) => v === 0));
});

/** Returns the centre of the covered (alpha 255) pixels and their count. */
function coverage(r: RenderResult): { cx: number; cy: number; n: number } {
  let cx = 0, cy = 0, n = 0;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      if (r.rgba[(y * r.width + x) * 4 + 3] === 255) cx += x + 0.5, cy += y + 0.5, n++;
    }
  }
  return { cx: cx / n, cy: cy / n, n };
}

Deno.test("renderImage frames the model along the image's own camera direction", () => {
  const image = imageWith((v) => fillBox(v, [-2, -2, -2], [2, 2, 2], RED));
  const side = newCamera("side");
  // Looking along −X from far off to the side and above: the model would sit off-centre.
  side.mat = lookAt([300, 120, 90], [0, 120, 90]);
  image.cameras = [side];
  image.activeCamera = side;
  const r = renderImage(image, { width: 40, height: 40, background: null });
  const c = coverage(r);
  assert.ok(Math.abs(c.cx - 20) < 1 && Math.abs(c.cy - 20) < 1 && c.n > 400, JSON.stringify(c));
  // Seen straight along −X the cube is a square, like the "right" preset's view (+X side).
  const right = renderImage(image, { width: 40, height: 40, background: null, camera: "right" });
  assert.deepEqual(r.rgba, right.rgba);
});

Deno.test("renderFromTiles gives the isometric view for a camera it cannot use", async (t) => {
  const image = asymmetricImage();
  const tiles = [...image.layers[0].volume.tiles()].map(([x, y, z, voxels]) => ({
    origin: [x, y, z] as [number, number, number],
    voxels,
  }));
  const options = { width: 24, height: 24, background: null };
  const iso = renderFromTiles(tiles, null, defaultLight(), { ...options, camera: "isometric" });
  const mat = [...newCamera("c").mat];
  const cases: [string, { mat: number[]; dist: number; ortho: boolean }][] = [
    ["NaN in the matrix", { mat: mat.map((v, i) => (i === 5 ? NaN : v)), dist: 10, ortho: false }],
    ["15 numbers", { mat: mat.slice(1), dist: 10, ortho: false }],
    ["a scaled matrix", { mat: mat.map((v, i) => (i < 12 ? v * 2 : v)), dist: 10, ortho: false }],
  ];
  for (const [name, camera] of cases) {
    await t.step(name, () => {
      assert.deepEqual(renderFromTiles(tiles, camera, defaultLight(), options), iso);
    });
  }
  await t.step("no camera at all", () => {
    assert.deepEqual(renderFromTiles(tiles, null, defaultLight(), options), iso);
  });
});

Deno.test("renderImage rejects bad sizes and unknown presets", async (t) => {
  const image = newImage();
  const bad: [string, Partial<RenderOptions>][] = [
    ["zero width", { width: 0 }],
    ["too wide", { width: 4097 }],
    ["fractional height", { height: 1.5 }],
    ["NaN height", { height: NaN }],
    ["unknown preset", { camera: "sideways" }],
    ["unknown quality", { quality: "best" as "path" }],
  ];
  for (const [name, patch] of bad) {
    await t.step(name, () => {
      assert.throws(() => renderImage(image, { width: 8, height: 8, ...patch }), InvalidInputError);
    });
  }
});
