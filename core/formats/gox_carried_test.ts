import { deepEqual, equal } from "node:assert/strict";
import { decodeGox, encodeGox } from "./gox.ts";
import { type GoxCarried, goxCarriedSummary } from "./gox_carried.ts";
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
