import { deepEqual, equal } from "node:assert/strict";
import { decodeGox, encodeGox } from "./gox.ts";
import { newCamera } from "../camera.ts";
import { newImage } from "../image.ts";
import { cameraKey, type GoxCarried, goxCarriedSummary } from "./gox_carried.ts";
import { readGoxChunks } from "./gox_chunks.ts";

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
