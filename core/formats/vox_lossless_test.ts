import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import { turntable } from "../camera.ts";
import { packRgba } from "../color.ts";
import type { Image } from "../image.ts";
import { newLayer } from "../layer.ts";
import { describeLosses, sameVoxels } from "./round_trip.ts";
import { decodeVox, VOX_CODEC } from "./vox.ts";
import { madeUpNames, type VoxCarried, voxCarriedSummary, voxChunkCounts } from "./vox_carried.ts";
import { pairGet, type VoxRecord } from "./vox_records.ts";

// GOXEL_FIXTURES points at the fixtures when the repo is not beside ../shared (a worktree).
const FIXTURES = Deno.env.get("GOXEL_FIXTURES")
  ? new URL(`file://${Deno.env.get("GOXEL_FIXTURES")!.replace(/\/?$/, "/")}`)
  : new URL("../../../shared/fixtures/", import.meta.url);
const FILES = (() => {
  try {
    return ["ephtracy", "vengi"].flatMap((d) =>
      [...Deno.readDirSync(new URL(`${d}/`, FIXTURES))]
        .filter((e) => e.name.endsWith(".vox") && e.name !== "slab6_vox_test.vox")
        .map((e) => `${d}/${e.name}`)
    ).sort();
  } catch {
    console.warn(`vox_lossless_test: fixtures not found at ${FIXTURES.pathname}, skipping`);
    return [];
  }
})();

const encode = (image: Image) => VOX_CODEC.encode!(image, {})[0].data;
const carried = (image: Image) => image.carried as VoxCarried;

/** Raw contents of the chunks of a kind, in order (MATL, rCAM, rOBJ, NOTE, IMAP…). */
function rawContents(image: Image, kind: string): Uint8Array[] {
  return carried(image).records.flatMap((r) =>
    r.id === "raw" && r.kind === kind ? [r.content] : []
  );
}

function sceneNodes(image: Image): VoxRecord[] {
  return carried(image).records.filter((r) =>
    r.id === "nTRN" || r.id === "nGRP" || r.id === "nSHP"
  );
}

/**
 * Asserts every layer of `b` holds what the same layer of `a` holds, with its name unless the
 * decoder made that up (the file keeps its own names; see madeUpNames).
 */
function assertSameLayers(a: Image, b: Image): void {
  equal(b.layers.length, a.layers.length, "layer count");
  const madeUp = madeUpNames(a);
  a.layers.forEach((l, i) => {
    const m = b.layers[i];
    if (!madeUp.has(l)) equal(m.name, l.name);
    equal(m.visible, l.visible, `visibility of ${l.name}`);
    // The CRC follows tile order, which edits change: compare contents instead.
    ok(sameVoxels(m.volume, l.volume), `voxels of layer ${l.name}`);
  });
}

Deno.test("every .vox fixture: decode → encode gives the original bytes and the same structure", async (t) => {
  for (const name of FILES) {
    await t.step(name, () => {
      const original = Deno.readFileSync(new URL(name, FIXTURES));
      const image = decodeVox(original);
      const bytes = encode(image);
      deepEqual(bytes, original, "bytes differ from the original");
      const again = decodeVox(bytes);
      assertSameLayers(image, again);
      deepEqual(
        again.layers.map((l) => l.volume.crc32()),
        image.layers.map((l) => l.volume.crc32()),
      );
      deepEqual(voxChunkCounts(carried(again)), voxChunkCounts(carried(image)));
      for (const kind of ["MATL", "rCAM", "rOBJ", "NOTE", "IMAP"]) {
        deepEqual(rawContents(again, kind), rawContents(image, kind), kind);
      }
      deepEqual(sceneNodes(again), sceneNodes(image), "scene graph");
      deepEqual(describeLosses(image, again), []);
    });
  }
});

/** Layers not part of an instanced subtree (those can be edited one by one). */
function ownLayers(image: Image) {
  const shared = new Set(carried(image).links.filter((l) => l.shared).map((l) => l.key));
  return image.layers.filter((l) => !shared.has(l.carriedKey!));
}

/**
 * Edits every fixture: recolours one voxel and grows a layer, deletes another, adds a layer
 * and a hidden one (layers of instanced subtrees are left alone: see the test below).
 */
function editImage(image: Image): void {
  const own = ownLayers(image);
  const bbox = own[0]?.volume.bbox();
  if (bbox) {
    own[0].volume.set(bbox.min[0], bbox.min[1], bbox.min[2], packRgba(1, 2, 3));
    own[0].volume.set(bbox.max[0] + 3, bbox.min[1], bbox.min[2], packRgba(200, 10, 30));
  }
  if (own.length > 2) image.layers.splice(image.layers.indexOf(own[1]), 1);
  const added = newLayer(900, "Added", image.materials[0]);
  for (let x = 0; x < 300; x += 7) added.volume.set(x, -5, 3, packRgba(9, 99, 199));
  image.layers.push(added);
  const hidden = newLayer(901, "Hidden", image.materials[0]);
  hidden.visible = false;
  hidden.volume.set(1, 1, 1, packRgba(255, 0, 0));
  image.layers.push(hidden);
}

Deno.test("every .vox fixture: an edited image comes back with its edits and keeps its other chunks", async (t) => {
  for (const name of FILES) {
    await t.step(name, () => {
      const image = decodeVox(Deno.readFileSync(new URL(name, FIXTURES)));
      editImage(image);
      const again = decodeVox(encode(image));
      deepEqual(describeLosses(image, again), []);
      assertSameLayers(image, again);
      for (const kind of ["rCAM", "rOBJ", "NOTE", "IMAP", "MATT", "TDCZ"]) {
        deepEqual(rawContents(again, kind), rawContents(image, kind), kind);
      }
      // A palette entry that took a new colour also takes the MATL of the layer using it.
      const before = carried(image).palette, after = carried(again).palette;
      const recoloured = new Set(
        before && after ? [...before.keys()].filter((i) => before[i] !== after[i]) : [],
      );
      const matl = (img: Image) =>
        rawContents(img, "MATL").filter((c) => !recoloured.has(c[0] | c[1] << 8));
      equal(rawContents(again, "MATL").length, rawContents(image, "MATL").length);
      deepEqual(matl(again), matl(image), "MATL of the entries whose colour did not change");
    });
  }
});

Deno.test("a model shared by several instances stays written once; an edited instance gets its own", () => {
  if (!FILES.length) return;
  const image = decodeVox(Deno.readFileSync(new URL("vengi/8ontop.vox", FIXTURES)));
  equal(carried(image).models.length, 8);
  const bytes = encode(image);
  equal(decodeVox(bytes).layers.length, image.layers.length);
  const layer = image.layers[5];
  const b = layer.volume.bbox()!;
  layer.volume.set(b.min[0], b.min[1], b.min[2], 0);
  const again = decodeVox(encode(image));
  equal(carried(again).models.length, 9, "one new model for the edited instance");
  assertSameLayers(image, again);
  const shapes = sceneNodes(again).filter((r) => r.id === "nSHP").length;
  equal(shapes, sceneNodes(image).filter((r) => r.id === "nSHP").length, "no node added");
});

Deno.test("editing one instance of an instanced subtree gives that instance its own copy", () => {
  if (!FILES.length) return;
  const image = decodeVox(Deno.readFileSync(new URL("vengi/test-transform.vox", FIXTURES)));
  ok(carried(image).links.every((l) => l.shared));
  const layer = image.layers[0];
  const b = layer.volume.bbox()!;
  layer.volume.set(b.min[0], b.min[1], b.min[2], packRgba(1, 2, 3));
  image.layers[1].name = "Renamed";
  image.layers.splice(7, 1);
  const again = decodeVox(encode(image));
  deepEqual(describeLosses(image, again), []);
  assertSameLayers(image, again);
  const groups = (img: Image) => sceneNodes(img).filter((r) => r.id === "nGRP").length;
  ok(groups(again) > groups(image), "the changed instances got their own groups");
  equal(carried(again).models.length, carried(image).models.length + 1, "one new model");
});

Deno.test("renaming and hiding a layer updates its transform node only", () => {
  if (!FILES.length) return;
  const image = decodeVox(Deno.readFileSync(new URL("vengi/vox_character.vox", FIXTURES)));
  image.layers[2].name = "Renamed é";
  image.layers[3].visible = false;
  const again = decodeVox(encode(image));
  assertSameLayers(image, again);
  const before = sceneNodes(image), after = sceneNodes(again);
  const changed = after.filter((r, i) => JSON.stringify(r) !== JSON.stringify(before[i]));
  equal(changed.length, 2);
  ok(changed.every((r) => r.id === "nTRN"));
});

Deno.test("renaming one of many same-named layers writes no made-up names into other nodes", () => {
  if (!FILES.length) return;
  // The names in the file's nodes (what the decoder told apart as "1.1", "clone.2", …).
  const fileNames = (img: Image) =>
    sceneNodes(img).flatMap((r) => "attrs" in r ? [pairGet(r.attrs, "_name") ?? ""] : []);
  for (const [file, index] of [["vengi/8ontop.vox", 4], ["vengi/test-transform.vox", 8]] as const) {
    const image = decodeVox(Deno.readFileSync(new URL(file, FIXTURES)));
    ok(image.layers.some((l) => /\.\d+$/.test(l.name)), `${file} has names told apart`);
    image.layers[index].name = "Renamed";
    const again = decodeVox(encode(image));
    deepEqual(describeLosses(image, again), []);
    ok(again.layers.some((l) => l.name === "Renamed"));
    const made = fileNames(again).filter((n) => /\.\d+$/.test(n));
    deepEqual(made, [], `${file}: names the file never had`);
  }
  // Without instancing, the renamed node is the only one that changes.
  const image = decodeVox(Deno.readFileSync(new URL("vengi/8ontop.vox", FIXTURES)));
  image.layers[4].name = "Renamed";
  const before = sceneNodes(image), after = sceneNodes(decodeVox(encode(image)));
  equal(after.filter((r, i) => JSON.stringify(r) !== JSON.stringify(before[i])).length, 1);
});

Deno.test("a layer grown past its model box moves its node so no voxel shifts", () => {
  if (!FILES.length) return;
  const image = decodeVox(Deno.readFileSync(new URL("vengi/vox_character.vox", FIXTURES)));
  const layer = image.layers[1];
  const b = layer.volume.bbox()!;
  layer.volume.set(b.min[0] - 4, b.max[1] + 6, b.min[2] - 2, packRgba(5, 6, 7));
  const again = decodeVox(encode(image));
  assertSameLayers(image, again);
  ok(sameVoxels(again.layers[1].volume, layer.volume));
  notEqual(
    JSON.stringify(sceneNodes(again)),
    JSON.stringify(sceneNodes(image)),
    "the transform changed",
  );
});

Deno.test("a layer grown past 256 voxels keeps its node, frames, layer and place", () => {
  if (!FILES.length) return;
  const trn = (image: Image, name: string) =>
    sceneNodes(image).find((r) => r.id === "nTRN" && JSON.stringify(r.attrs).includes(name)) as
      & VoxRecord
      & { id: "nTRN"; layer: number; frames: unknown[] };
  // An animated node: its frames and _loop must survive.
  const anim = decodeVox(Deno.readFileSync(new URL("vengi/animation.0.99.7.1.vox", FIXTURES)));
  const frames = (sceneNodes(anim).find((r) => r.id === "nTRN" && r.frames.length > 1) as {
    frames: unknown[];
  }).frames;
  anim.layers[0].volume.set(400, 0, 0, packRgba(10, 200, 30));
  const grown = decodeVox(encode(anim));
  assertSameLayers(anim, grown);
  deepEqual(trn(grown, "_loop").frames, frames, "every animation frame is kept");
  // A rotated node in the middle of the list: same layer id, same order.
  const robo = decodeVox(Deno.readFileSync(new URL("vengi/robo.vox", FIXTURES)));
  const names = robo.layers.map((l) => l.name), layer = trn(robo, "Head_Upper").layer;
  robo.layers[0].volume.set(300, 15, 11, packRgba(1, 2, 3));
  const again = decodeVox(encode(robo));
  assertSameLayers(robo, again);
  deepEqual(again.layers.map((l) => l.name), names);
  equal(trn(again, "Head_Upper").layer, layer);
  ok(describeLosses(robo, again).length === 0);
});

Deno.test("layers moved in the project move in their group (move_layer)", () => {
  if (!FILES.length) return;
  const image = decodeVox(Deno.readFileSync(new URL("vengi/vox_character.vox", FIXTURES)));
  const [a, b] = [image.layers[1], image.layers[4]];
  image.layers[1] = b, image.layers[4] = a;
  image.layers.push(image.layers.splice(2, 1)[0]);
  image.layers.splice(0, 0, newLayer(99, "New first"));
  image.layers[0].volume.set(1, 2, 3, packRgba(9, 9, 9));
  const again = decodeVox(encode(image));
  deepEqual(again.layers.map((l) => l.name), image.layers.map((l) => l.name));
  assertSameLayers(image, again);
});

Deno.test("a file without a scene graph stays without one unless layers need it", () => {
  if (!FILES.length) return;
  const image = decodeVox(Deno.readFileSync(new URL("ephtracy/deer.vox", FIXTURES)));
  const b = image.layers[0].volume.bbox()!;
  image.layers[0].volume.set(b.min[0], b.min[1], b.min[2], packRgba(1, 1, 1));
  image.layers.pop();
  const edited = decodeVox(encode(image));
  assertSameLayers(image, edited);
  equal(sceneNodes(edited).length, 0);
  deepEqual(voxChunkCounts(carried(edited)).get("PACK"), 1);
  image.layers[1].name = "Named";
  const named = decodeVox(encode(image));
  assertSameLayers(image, named);
  ok(sceneNodes(named).length > 0);
});

Deno.test("a frame grown past its model in a file without a scene graph keeps its slot and adds no node", () => {
  if (!FILES.length) return;
  for (const file of ["ephtracy/T-Rex.vox", "ephtracy/deer.vox"]) {
    const bytes = Deno.readFileSync(new URL(file, FIXTURES));
    const image = decodeVox(bytes);
    const layer = image.layers[0], b = layer.volume.bbox()!;
    layer.volume.set(b.max[0] + 2, b.min[1], b.min[2], packRgba(56, 84, 96));
    layer.volume.set(b.min[0] - 3, b.max[1] + 1, b.max[2] + 4, packRgba(56, 84, 96));
    const out = encode(image), again = decodeVox(out);
    assertSameLayers(image, again);
    equal(sceneNodes(again).length, 0, `${file}: still no scene graph`);
    const kinds = (b: Uint8Array) => carried(decodeVox(b)).records.map((r) => r.id).join(" ");
    equal(kinds(out), kinds(bytes), "the same chunks in the same order");
    // The grown model is still the first: the frames keep their order.
    const sizes = (img: Image) => carried(img).models.map((m) => m.size.join("x"));
    notEqual(sizes(again)[0], sizes(image)[0]);
    deepEqual(sizes(again).slice(1), sizes(image).slice(1));
  }
});

Deno.test("MATL kinds become Goxel materials of the layers using them, and survive edits", () => {
  if (!FILES.length) return;
  const image = decodeVox(Deno.readFileSync(new URL("vengi/test_material.vox", FIXTURES)));
  const names = image.materials.map((m) => m.name);
  ok(names.includes("emit.1") && names.includes("blend.1"), names.join());
  const layer = image.layers.find((l) => l.material?.name.startsWith("emit"))!;
  ok(layer.material!.emission[0] > 0, "emission comes from _emit");
  const b = layer.volume.bbox()!;
  layer.volume.set(b.min[0], b.min[1], b.min[2], packRgba(3, 2, 1));
  const fresh = newLayer(77, "Plain", image.materials[0]);
  fresh.volume.set(0, 0, 200, packRgba(1, 2, 3));
  image.layers.push(fresh);
  const again = decodeVox(encode(image));
  deepEqual(describeLosses(image, again), []);
  equal(again.layers.find((l) => l.name === layer.name)!.material!.name, layer.material!.name);
  equal(again.layers.at(-1)!.material!.name, "Material.1");
});

Deno.test("voxCarriedSummary() lists what the file held beyond voxels", () => {
  if (!FILES.length) return;
  const image = decodeVox(Deno.readFileSync(new URL("vengi/vox_character.vox", FIXTURES)));
  const summary = voxCarriedSummary(carried(image));
  for (const s of ["MATL×256", "rOBJ×15", "rCAM×10", "NOTE×1", "LAYR×8", "palette"]) {
    ok(summary.includes(s), `${s} in ${summary}`);
  }
});

Deno.test("rCAM cameras load as Goxel cameras and a changed one is written back into its rCAM", () => {
  if (!FILES.length) return;
  const image = decodeVox(Deno.readFileSync(new URL("vengi/vox_character.vox", FIXTURES)));
  deepEqual(
    image.cameras.map((c) => c.name),
    ["Camera.1", ...Array.from({ length: 10 }, (_, i) => `rCAM.${i}`)],
  );
  equal(image.activeCamera, image.cameras[0], "the image's own camera stays active");
  const cam = image.cameras[4];
  turntable(cam, 0.7, -0.3);
  cam.dist = 57;
  cam.ortho = true;
  const again = decodeVox(encode(image));
  deepEqual(describeLosses(image, again), []);
  const before = rawContents(image, "rCAM"), after = rawContents(again, "rCAM");
  equal(after.length, 10);
  deepEqual(after.filter((_, i) => i !== 3), before.filter((_, i) => i !== 3));
  notEqual(JSON.stringify(after[3]), JSON.stringify(before[3]));
});

Deno.test("seeded random edits of .vox fixtures always read back as edited", () => {
  if (!FILES.length) return;
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  let made = 0;
  for (let trial = 0; trial < 40; trial++) {
    const name = FILES[rnd(FILES.length)];
    if (name.endsWith("test_material.vox")) continue; // large: covered above
    let image = decodeVox(Deno.readFileSync(new URL(name, FIXTURES)));
    for (let round = 0; round < 2; round++) {
      for (let k = 1 + rnd(4); k > 0; k--) {
        const layers = image.layers, l = layers[rnd(layers.length)];
        const b = l.volume.bbox() ?? { min: [0, 0, 0] };
        const op = rnd(6);
        if (op === 0) {
          l.volume.set(
            b.min[0] + rnd(40) - 10,
            b.min[1] + rnd(40) - 10,
            b.min[2] + rnd(9),
            (0xff000000 | rnd(1 << 24)) >>> 0,
          );
        } else if (op === 1 && layers.length > 1) layers.splice(layers.indexOf(l), 1);
        else if (op === 2) l.name = `Renamed ${made++}`;
        else if (op === 3) l.visible = !l.visible;
        else if (op === 4) {
          const fresh = newLayer(1000 + made, `New ${made++}`, image.materials[0]);
          fresh.volume.set(rnd(30), rnd(30), rnd(30), 0xff3366ff);
          layers.push(fresh);
        } else l.volume.set(b.min[0], b.min[1], b.min[2], 0);
      }
      const again = decodeVox(encode(image));
      deepEqual(describeLosses(image, again), [], `${name}, round ${round}`);
      image = again;
    }
  }
});
