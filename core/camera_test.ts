import assert from "node:assert/strict";
import { boxCorners, boxFromAabb } from "./box.ts";
import {
  applyPreset,
  CAMERA_FOVY,
  CAMERA_PRESETS,
  cameraPosition,
  cameraTarget,
  copyCamera,
  fitBox,
  FRAME_FILL,
  frameBox,
  newCamera,
  turntable,
} from "./camera.ts";
import { transformDirection, type Vec3 } from "./mat4.ts";

function assertVecClose(actual: readonly number[], expected: readonly number[], eps = 1e-9) {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= eps, `[${actual}] is not close to [${expected}]`)
  );
}

const normalize = (v: Vec3): Vec3 => v.map((c) => c / Math.hypot(...v)) as Vec3;
const viewDirection = (mat: Float64Array): Vec3 => transformDirection(mat, [0, 0, -1]);

Deno.test("newCamera() starts at eye (64, -64, 90.5) looking at the origin", () => {
  const cam = newCamera("Camera.1");
  assert.equal(cam.name, "Camera.1");
  assert.equal(cam.ortho, false);
  assert.equal(cam.dist, 128);
  const eye = cameraPosition(cam);
  assertVecClose(eye, [64, -64, 128 * Math.SQRT1_2]);
  assert.ok(Math.abs(eye[2] - 90.5) < 0.01);
  assertVecClose(cameraTarget(cam), [0, 0, 0]);
  assertVecClose(normalize(viewDirection(cam.mat)), normalize([-eye[0], -eye[1], -eye[2]]));
});

Deno.test("copyCamera() returns an independent matrix", () => {
  const cam = newCamera("a");
  const copy = copyCamera(cam);
  assert.deepEqual(copy, cam);
  copy.mat[12] = 1000;
  copy.dist = 5;
  assert.notEqual(cam.mat[12], 1000);
  assert.equal(cam.dist, 128);
});

Deno.test("turntable() turns about world Z around the target, keeping the distance", () => {
  const cam = newCamera("c");
  const before = cameraPosition(cam);
  turntable(cam, Math.PI / 2, 0);
  // Rz(90°) maps (x, y, z) to (-y, x, z).
  assertVecClose(cameraPosition(cam), [-before[1], before[0], before[2]]);
  assertVecClose(cameraTarget(cam), [0, 0, 0]);
});

Deno.test("applyPreset() looks at the box centre from each preset's side", async (t) => {
  const box = boxFromAabb({ min: [-4, 2, 10], max: [6, 8, 14] });
  const centre: Vec3 = [1, 5, 12];
  // Direction from the centre to the eye, and the view direction, per (rz, rx) of the spec.
  const s = Math.SQRT1_2;
  const cases: [string, Vec3, Vec3][] = [
    ["front", [0, -1, 0], [0, 1, 0]],
    ["back", [0, 1, 0], [0, -1, 0]],
    ["left", [1, 0, 0], [-1, 0, 0]],
    ["right", [-1, 0, 0], [1, 0, 0]],
    ["top", [0, 0, 1], [0, 0, -1]],
    ["bottom", [0, 0, -1], [0, 0, 1]],
    ["isometric", [0.5, -0.5, s], [-0.5, 0.5, -s]],
  ];
  assert.deepEqual(Object.keys(CAMERA_PRESETS).sort(), cases.map((c) => c[0]).sort());
  for (const [preset, side, look] of cases) {
    await t.step(preset, () => {
      const cam = newCamera("p");
      applyPreset(cam, preset, box);
      assert.equal(cam.dist, 8 * 5);
      assertVecClose(cameraTarget(cam), centre);
      const eye = cameraPosition(cam);
      assertVecClose(normalize([eye[0] - centre[0], eye[1] - centre[1], eye[2] - centre[2]]), side);
      assertVecClose(viewDirection(cam.mat), look);
    });
  }
});

Deno.test("applyPreset() keeps world Z up on screen for the side views", async (t) => {
  for (const preset of ["front", "back", "left", "right"]) {
    await t.step(preset, () => {
      const cam = newCamera("p");
      applyPreset(cam, preset, null);
      assertVecClose(transformDirection(cam.mat, [0, 1, 0]), [0, 0, 1]);
    });
  }
});

Deno.test("applyPreset() with a null box looks at the origin from distance 128", () => {
  const cam = newCamera("p");
  applyPreset(cam, "top", null);
  assert.equal(cam.dist, 128);
  assertVecClose(cameraPosition(cam), [0, 0, 128]);
  assertVecClose(cameraTarget(cam), [0, 0, 0]);
});

Deno.test("applyPreset() throws RangeError on an unknown preset", async (t) => {
  // Inherited names ("toString", "constructor") are left out: applyPreset() does not reject
  // them yet because it reads CAMERA_PRESETS[name] without an own-property check.
  for (const name of ["", "Front", "diagonal", "__proto__"]) {
    await t.step(JSON.stringify(name), () => {
      const cam = newCamera("p");
      const before = cam.mat.slice();
      assert.throws(() => applyPreset(cam, name, null), RangeError);
      assert.deepEqual(cam.mat, before);
    });
  }
});

Deno.test("fitBox() sets dist to 8 × the largest half extent and keeps the orientation", async (t) => {
  const cases: [string, [number, number, number], [number, number, number], number][] = [
    ["cube", [-16, -16, 0], [16, 16, 32], 128],
    ["tall", [0, 0, 0], [2, 2, 40], 160],
    ["wide", [-50, 0, 0], [50, 1, 1], 400],
    ["single voxel", [3, 3, 3], [4, 4, 4], 4],
  ];
  for (const [name, min, max, dist] of cases) {
    await t.step(name, () => {
      const cam = newCamera("f");
      const look = viewDirection(cam.mat);
      fitBox(cam, boxFromAabb({ min, max }));
      assert.equal(cam.dist, dist);
      assertVecClose(viewDirection(cam.mat), look);
      assertVecClose(cameraTarget(cam), [0, 1, 2].map((i) => (min[i] + max[i]) / 2));
    });
  }
});

Deno.test("fitBox() with a null box only resets dist to 128", () => {
  const cam = newCamera("f");
  fitBox(cam, boxFromAabb({ min: [0, 0, 0], max: [100, 100, 100] }));
  const mat = cam.mat.slice();
  fitBox(cam, null);
  assert.equal(cam.dist, 128);
  assert.deepEqual(cam.mat, mat);
});

Deno.test("applyPreset() refuses names inherited from Object.prototype", () => {
  for (const name of ["toString", "constructor", "hasOwnProperty"]) {
    assert.throws(() => applyPreset(newCamera("c"), name, null), RangeError, name);
  }
});

/** Projects a world point to normalised device coordinates (−1..1) of a camera and aspect. */
function project(cam: ReturnType<typeof newCamera>, p: Vec3, aspect: number): [number, number] {
  const m = cam.mat, d = [p[0] - m[12], p[1] - m[13], p[2] - m[14]];
  const x = d[0] * m[0] + d[1] * m[1] + d[2] * m[2], y = d[0] * m[4] + d[1] * m[5] + d[2] * m[6];
  const depth = -(d[0] * m[8] + d[1] * m[9] + d[2] * m[10]);
  if (cam.ortho) return [x / cam.dist, y * aspect / cam.dist];
  const t = Math.tan(CAMERA_FOVY / 2 * Math.PI / 180);
  assert.ok(depth > 0, "every corner is in front of the camera");
  return [x / (depth * t * aspect), y / (depth * t)];
}

Deno.test("frameBox() fits the 8 box corners centred with a margin, any view, size and aspect", async (t) => {
  const boxes = [
    boxFromAabb({ min: [-48, -48, -39], max: [49, 49, 40] }),
    boxFromAabb({ min: [0, 0, 0], max: [1, 1, 1] }),
    boxFromAabb({ min: [100, -20, 5], max: [400, -10, 9] }),
    boxFromAabb({ min: [-3, -3, 0], max: [3, 3, 60] }),
  ];
  for (const preset of Object.keys(CAMERA_PRESETS)) {
    for (const ortho of [false, true]) {
      for (const aspect of [1, 16 / 9, 0.5]) {
        await t.step(`${preset} ${ortho ? "ortho" : "perspective"} aspect ${aspect}`, () => {
          for (const box of boxes) {
            const cam = newCamera("c");
            cam.ortho = ortho;
            applyPreset(cam, preset, box);
            const before = transformDirection(cam.mat, [0, 0, 1]);
            frameBox(cam, box, aspect);
            assertVecClose(transformDirection(cam.mat, [0, 0, 1]), before);
            const pts = boxCorners(box).map((p) => project(cam, p, aspect));
            const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
            const [x0, x1, y0, y1] = [
              Math.min(...xs),
              Math.max(...xs),
              Math.min(...ys),
              Math.max(...ys),
            ];
            assert.ok(x0 >= -FRAME_FILL - 1e-6 && x1 <= FRAME_FILL + 1e-6, `x ${x0}..${x1}`);
            assert.ok(y0 >= -FRAME_FILL - 1e-6 && y1 <= FRAME_FILL + 1e-6, `y ${y0}..${y1}`);
            assert.ok(Math.abs(x0 + x1) < 1e-6 && Math.abs(y0 + y1) < 1e-6, "centred");
            // The limiting axis spans the fill fraction of the frame: no needless shrinking.
            assert.ok(Math.max(x1, y1) > FRAME_FILL - 1e-6, `span ${x1} × ${y1}`);
          }
        });
      }
    }
  }
});

Deno.test("frameBox() with a null box leaves the camera alone", () => {
  const cam = newCamera("c"), before = copyCamera(cam);
  frameBox(cam, null, 1);
  assert.deepEqual(cam, before);
});
