import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { type Image, newImage } from "../image.ts";
import { newLayer } from "../layer.ts";
import { encodeGlb, encodeGltf, GLB_CODEC, GLTF_CODEC } from "./gltf.ts";
import { FIXTURES as ALL_FIXTURES, haveFixtures } from "../../tests/fixtures_testing.ts";

const FIXTURES = new URL("gnome-wizard/", ALL_FIXTURES);
const hasFixtures = haveFixtures("gltf_test");

// deno-lint-ignore no-explicit-any
type Gltf = any;

/** An image with a two-colour layer, a hidden layer without material and an empty layer. */
function sampleImage(): Image {
  const image = newImage();
  const v = image.layers[0].volume;
  for (let x = 0; x < 3; x++) for (let y = 0; y < 2; y++) v.set(x, y, 0, packRgba(200, 10, 10));
  v.set(0, 0, 1, packRgba(10, 10, 200));
  const hidden = newLayer(5, 'Hidden "one"');
  hidden.visible = false;
  hidden.volume.set(-20, 4, 4, packRgba(0, 255, 0));
  image.layers.push(hidden, newLayer(6, "Empty"));
  return image;
}

function decodeBase64(uri: string): Uint8Array {
  return Uint8Array.from(atob(uri.slice(uri.indexOf(",") + 1)), (c) => c.charCodeAt(0));
}

/** Returns each bufferView's bytes for a .gltf document. */
function viewBytes(doc: Gltf, bin?: Uint8Array): Uint8Array[] {
  return doc.bufferViews.map((v: Gltf) => {
    const buffer = bin ?? decodeBase64(doc.buffers[v.buffer].uri);
    return buffer.subarray(v.byteOffset ?? 0, (v.byteOffset ?? 0) + v.byteLength);
  });
}

/** Checks accessor/bufferView/buffer consistency, index ranges and triangle winding. */
function checkDocument(doc: Gltf, views: Uint8Array[]): void {
  for (const a of doc.accessors) {
    const size = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4 }[a.type as string]! * 4;
    const view = doc.bufferViews[a.bufferView];
    const stride = view.byteStride ?? size;
    assert.ok((a.byteOffset ?? 0) + stride * (a.count - 1) + size <= view.byteLength);
    if (view.byteStride) assert.equal(view.byteLength, a.count * view.byteStride);
  }
  for (const mesh of doc.meshes) {
    const prim = mesh.primitives[0];
    const idx = doc.accessors[prim.indices], pos = doc.accessors[prim.attributes.POSITION];
    const ib = views[idx.bufferView], vb = views[pos.bufferView];
    const indices = new Uint32Array(ib.slice().buffer);
    const floats = new Float32Array(vb.slice().buffer);
    assert.equal(indices.length, idx.count);
    assert.ok(indices.every((i) => i < pos.count));
    for (let t = 0; t < indices.length; t += 3) {
      const [a, b, c] = [0, 1, 2].map((
        k,
      ) => [...floats.subarray(indices[t + k] * 10, indices[t + k] * 10 + 6)]);
      const e1 = [0, 1, 2].map((k) => b[k] - a[k]), e2 = [0, 1, 2].map((k) => c[k] - a[k]);
      const cr = [
        e1[1] * e2[2] - e1[2] * e2[1],
        e1[2] * e2[0] - e1[0] * e2[2],
        e1[0] * e2[1] - e1[1] * e2[0],
      ];
      assert.ok(
        cr[0] * a[3] + cr[1] * a[4] + cr[2] * a[5] > 0,
        "counter-clockwise about the normal",
      );
    }
  }
}

Deno.test("encodeGltf() writes consistent accessors, views and data-URI buffers", () => {
  const doc = JSON.parse(new TextDecoder().decode(encodeGltf(sampleImage())[0].data));
  doc.buffers.forEach((b: Gltf) => assert.equal(decodeBase64(b.uri).length, b.byteLength));
  checkDocument(doc, viewBytes(doc));
  assert.deepEqual(doc.asset, { generator: "goxel", version: "2.0" });
  assert.deepEqual(doc.nodes.map((n: Gltf) => n.name ?? null), [null, "Layer.1", 'Hidden "one"']);
  assert.deepEqual(doc.nodes[0].children, [1, 2]);
  assert.equal(doc.meshes.length, 2);
  // The hidden layer has no material: Goxel's default one (metallic = roughness = 1) is added.
  assert.equal(doc.meshes[1].primitives[0].material, 1);
  assert.deepEqual(doc.materials[1], {
    name: "",
    pbrMetallicRoughness: { baseColorTexture: { index: 0 } },
  });
  assert.equal(doc.images[0].mimeType, "image/png");
});

Deno.test("encodeGltf({ vertexColor }) stores linear COLOR_0 and no texture", () => {
  const doc = JSON.parse(
    new TextDecoder().decode(encodeGltf(sampleImage(), { vertexColor: true })[0].data),
  );
  checkDocument(doc, viewBytes(doc));
  assert.equal(doc.images, undefined);
  const colorAccessor = doc.accessors[doc.meshes[1].primitives[0].attributes.COLOR_0];
  assert.equal(colorAccessor.type, "VEC4");
  const floats = new Float32Array(viewBytes(doc)[colorAccessor.bufferView].slice().buffer);
  assert.deepEqual([...floats.subarray(6, 10)], [0, 1, 0, 1]);
});

Deno.test("encodeGltf({ greedy }) needs fewer indices for the same layers", () => {
  const plain = JSON.parse(new TextDecoder().decode(encodeGltf(sampleImage())[0].data));
  const greedy = JSON.parse(
    new TextDecoder().decode(encodeGltf(sampleImage(), { greedy: true })[0].data),
  );
  checkDocument(greedy, viewBytes(greedy));
  assert.ok(greedy.accessors[3].count < plain.accessors[3].count);
});

Deno.test("encodeGlb() writes a valid GLB container", () => {
  const data = encodeGlb(sampleImage())[0].data;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  assert.equal(view.getUint32(0, true), 0x46546c67);
  assert.equal(view.getUint32(4, true), 2);
  assert.equal(view.getUint32(8, true), data.length);
  const jsonLength = view.getUint32(12, true);
  assert.equal(jsonLength % 4, 0);
  assert.equal(view.getUint32(16, true), 0x4e4f534a);
  const doc = JSON.parse(new TextDecoder().decode(data.subarray(20, 20 + jsonLength)));
  const binLength = view.getUint32(20 + jsonLength, true);
  assert.equal(view.getUint32(24 + jsonLength, true), 0x004e4942);
  assert.equal(28 + jsonLength + binLength, data.length);
  assert.deepEqual(doc.buffers, [{ byteLength: binLength }]);
  doc.bufferViews.forEach((v: Gltf) => assert.equal((v.byteOffset ?? 0) % 4, 0));
  checkDocument(doc, viewBytes(doc, data.subarray(28 + jsonLength)));
  assert.equal(GLB_CODEC.extensions[0], ".glb");
  assert.equal(GLTF_CODEC.extensions[0], ".gltf");
});

Deno.test({
  name: "encodeGltf() reproduces Goxel's Untitled.gltf from untitled.gox",
  ignore: !hasFixtures,
  fn: async () => {
    const { decodeGox } = await import("./gox.ts");
    const image = decodeGox(await Deno.readFile(new URL("untitled.gox", FIXTURES)));
    const ours = new TextDecoder().decode(encodeGltf(image)[0].data);
    const theirs = await Deno.readTextFile(new URL("Untitled.gltf", FIXTURES));
    const a = JSON.parse(ours), b = JSON.parse(theirs);
    assert.equal(a.accessors[0].count, 893);
    assert.equal(a.accessors[3].count, 2724);
    assert.equal(a.buffers[0].uri, b.buffers[0].uri, "palette texture PNG");
    assert.equal(a.buffers[2].uri, b.buffers[2].uri, "index buffer");
    // Goxel's build wrote normals of ±0.99999994: compare vertices with a tolerance.
    const va = new Float32Array(decodeBase64(a.buffers[1].uri).buffer);
    const vb = new Float32Array(decodeBase64(b.buffers[1].uri).buffer);
    assert.equal(va.length, vb.length);
    assert.ok(va.every((x, i) => Math.abs(x - vb[i]) < 1e-6));
    const mask = (s: string) => s.replace(a.buffers[1].uri, "").replace(b.buffers[1].uri, "");
    assert.equal(mask(ours), mask(theirs), "JSON text outside the vertex buffer");
  },
});

Deno.test("encodeGltf() clamps material factors to 0..1 and replaces non-finite ones", () => {
  const image = sampleImage();
  Object.assign(image.materials[0], {
    metallic: NaN,
    roughness: 3,
    baseColor: [1.5, 0.5, -0.25, 1],
    emission: [2, -1, Infinity],
  });
  const doc = JSON.parse(new TextDecoder().decode(encodeGltf(image)[0].data));
  assert.deepEqual(doc.materials[0], {
    name: image.materials[0].name,
    pbrMetallicRoughness: { baseColorTexture: { index: 0 }, baseColorFactor: [1, 0.5, 0, 1] },
    emissiveFactor: [1, 0, 0],
  });
});
