import assert from "node:assert/strict";
import { applyPreset, newCamera } from "../camera.ts";
import { boxFromAabb } from "../box.ts";
import { defaultLight } from "../image.ts";
import { meshVolume } from "../mesh/cube_mesher.ts";
import { Volume } from "../volume.ts";
import { buildRayScene, type PlainTile } from "./raycast.ts";
import {
  buildRasterScene,
  meshFaces,
  shadeFace,
  SLOW,
  UNSHADED,
  volumeFromTiles,
} from "./raster_scene.ts";
import { SceneCache } from "./scene_cache.ts";

function tilesOf(v: Volume): PlainTile[] {
  return [...v.tiles()].map(([x, y, z, voxels]) => ({ origin: [x, y, z], voxels }));
}

/** Voxels side by side, one in front of the others, and two across a tile border. */
function volume(): Volume {
  const v = new Volume();
  v.set(0, 0, 0, 0xff0000ff);
  v.set(1, 0, 0, 0xff00ff00);
  v.set(1, -1, 0, 0xff00ff00);
  v.set(15, 3, 3, 0xffff0000);
  v.set(16, 3, 3, 0xffff0000);
  return v;
}

Deno.test("meshFaces on plain tiles gives the cube mesher's faces", () => {
  const v = volume(), list = meshFaces(volumeFromTiles(tilesOf(v))), mesh = meshVolume(v);
  assert.equal(list.count, mesh.count);
  assert.deepEqual(list.faces, mesh.faces);
  assert.deepEqual(list.colors, mesh.colors);
});

Deno.test("buildRasterScene keeps the faces turned to the camera; shadeFace sorts flat from occluded", () => {
  const v = volume(), tiles = tilesOf(v);
  const cam = newCamera("c");
  applyPreset(cam, "front", boxFromAabb({ min: [0, 0, 0], max: [17, 4, 4] }));
  const light = { ...defaultLight(), shadow: 0 };
  const s = buildRasterScene(
    buildRayScene(tiles, false),
    new SceneCache().mesh(null, tiles),
    cam,
    light,
    {
      width: 64,
      height: 64,
    },
  );
  const frontFaces = [...s.front].map((f) => s.faces[f]);
  // Looking along +y from −y: the −Y faces (0) show, the +Y faces (1) never.
  assert.ok(frontFaces.includes(0) && !frontFaces.includes(1), `${frontFaces}`);
  assert.ok([...s.flat].every((c) => c === UNSHADED), "nothing is shaded before drawing");
  const faceOf = (x: number, face: number) =>
    [...s.front].find((f) => s.voxels[f * 3] === x && s.faces[f] === face)!;
  // The −Y face of voxel (0, 0, 0) has voxel (1, −1, 0) in front of its +x edge (v runs
  // along x for a y face): occlusion needs samples.
  assert.equal(shadeFace(s, faceOf(0, 0)), SLOW);
  assert.equal(s.masks[faceOf(0, 0)], 0b1000);
  // A voxel alone in its plane is one flat colour.
  const lone = new Volume();
  lone.set(0, 0, 0, 0xff0000ff);
  const t2 = tilesOf(lone);
  const s2 = buildRasterScene(
    buildRayScene(t2, false),
    new SceneCache().mesh(null, t2),
    cam,
    light,
    {
      width: 64,
      height: 64,
    },
  );
  const f0 = [...s2.front].find((f) => s2.faces[f] === 0)!;
  const c = shadeFace(s2, f0);
  assert.notEqual(c, SLOW);
  assert.ok((c & 255) > 120 && ((c >>> 8) & 255) < 40, `red face: ${c.toString(16)}`);
});
