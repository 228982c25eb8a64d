import { deepEqual, equal, ok } from "node:assert/strict";
import { decodeGox, encodeGox } from "./gox.ts";
import { newCamera } from "../camera.ts";
import { newImage } from "../image.ts";
import { cameraKey, type GoxCarried, goxCarriedSummary } from "./gox_carried.ts";
import { GoxWriter, readGoxChunks } from "./gox_chunks.ts";

const FIXTURES = Deno.env.get("GOXEL_FIXTURES") ??
  new URL("../../../shared/fixtures", import.meta.url).pathname;
const PATH = `${FIXTURES}/vengi/gox-shape-3-layers.gox`;
const HAVE = (() => {
  try {
    return Deno.statSync(PATH).isFile;
  } catch {
    console.warn(`gox_carried_test: ${PATH} is absent; skipping`);
    return false;
  }
})();

Deno.test({
  name: "unknown .gox chunks and LAYR/CAMR keys come back where they were",
  ignore: !HAVE,
  fn() {
    const bytes = Deno.readFileSync(PATH);
    const image = decodeGox(bytes);
    const carried = image.carried as GoxCarried;
    deepEqual(goxCarriedSummary(carried), ["PLAC×1", "CLRH×1", "LAYR keys×4", "CAMR keys×3"]);
    const again = readGoxChunks(encodeGox(image)).chunks;
    const kinds = (cs: { type: string }[]) =>
      cs.map((c) => c.type).filter((t) => t !== "PREV" && t !== "BL16");
    deepEqual(kinds(again), kinds(readGoxChunks(bytes).chunks));
    const raw = (cs: { type: string; data: Uint8Array }[], t: string) =>
      cs.filter((c) => c.type === t).map((c) => c.data);
    for (const t of ["PLAC", "CLRH"]) deepEqual(raw(again, t), raw(readGoxChunks(bytes).chunks, t));
    const reread = decodeGox(encodeGox(image)).carried as GoxCarried;
    deepEqual(reread.layerEntries, carried.layerEntries);
    deepEqual(reread.cameraEntries, carried.cameraEntries);
    equal(decodeGox(encodeGox(image)).layers.length, image.layers.length);
  },
});

Deno.test("unknown CAMR keys stay with their camera when two cameras share a name", () => {
  const image = newImage();
  image.cameras = [newCamera("Camera.1"), newCamera("Camera.1")];
  image.activeCamera = image.cameras[0];
  const entry = (text: string) => [{ key: "xtra", value: new TextEncoder().encode(text) }];
  const carried: GoxCarried = {
    format: "gox",
    chunks: [],
    layerEntries: {},
    cameraEntries: {
      "Camera.1": entry("FIRST"),
      [cameraKey(["Camera.1", "Camera.1"], 1)]: entry("SECOND"),
    },
  };
  image.carried = carried;
  const reread = decodeGox(encodeGox(image)).carried as GoxCarried;
  deepEqual(reread.cameraEntries, carried.cameraEntries);
  equal(cameraKey(["a", "b", "a"], 2), "a\0" + "1");
});

/** Appends a DICT entry (key, raw value) to a chunk's data (a DICT runs to the chunk's end). */
function withEntry(data: Uint8Array, key: string, value: Uint8Array): Uint8Array {
  const k = new TextEncoder().encode(key);
  const out = new Uint8Array(data.length + 8 + k.length + value.length);
  const v = new DataView(out.buffer);
  out.set(data);
  v.setInt32(data.length, k.length, true);
  out.set(k, data.length + 4);
  v.setInt32(data.length + 4 + k.length, value.length, true);
  out.set(value, data.length + 8 + k.length);
  return out;
}

/** Rebuilds a .gox file from its chunks (CRCs are not checked by the reader's callers here). */
function rebuild(bytes: Uint8Array, edit: (type: string, data: Uint8Array) => Uint8Array) {
  const { version, chunks } = readGoxChunks(bytes);
  const w = new GoxWriter();
  w.tag("GOX ");
  w.int32(version);
  for (const c of chunks) {
    w.beginChunk(c.type);
    w.bytes(edit(c.type, c.data));
    w.endChunk();
  }
  return w.result();
}

Deno.test({
  name: "IMG, MATE and LIGH chunks come back as read while what they hold is unchanged",
  ignore: !HAVE,
  fn() {
    const untitled = Deno.readFileSync(`${FIXTURES}/gnome-wizard/untitled.gox`);
    // Keys a newer Goxel might write, in each of the three chunks.
    const future = rebuild(
      untitled,
      (type, data) =>
        ["IMG ", "MATE", "LIGH"].includes(type)
          ? withEntry(data, "zz_future_key", new Uint8Array([1, 2, 3]))
          : data,
    );
    const chunks = (b: Uint8Array, t: string) =>
      readGoxChunks(b).chunks.filter((c) => c.type === t).map((c) => c.data);
    const image = decodeGox(future);
    const out = encodeGox(image);
    for (const t of ["IMG ", "MATE", "LIGH"]) deepEqual(chunks(out, t), chunks(future, t), t);
    // vengi writes every material into one MATE chunk (Goxel keeps the last): all stay.
    const rgb = Deno.readFileSync(`${FIXTURES}/vengi/rgb.gox`);
    deepEqual(chunks(encodeGox(decodeGox(rgb)), "MATE"), chunks(rgb, "MATE"));
    // A changed material or light is written as Goxel writes it (its unknown keys go).
    image.materials[0].metallic = 0.75;
    image.light.pitch += 0.5;
    const changed = encodeGox(image);
    ok(!equalBytes(chunks(changed, "MATE")[0], chunks(future, "MATE")[0]));
    equal(decodeGox(changed).materials[0].metallic, 0.75);
    equal(decodeGox(changed).light.pitch, image.light.pitch);
    deepEqual(chunks(changed, "IMG "), chunks(future, "IMG "), "the box did not change");
  },
});

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
