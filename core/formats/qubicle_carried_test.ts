import { deepEqual, equal } from "node:assert/strict";
import { QUBICLE_CODEC } from "./qubicle.ts";
import { describeLosses } from "./round_trip.ts";

const FIXTURES = Deno.env.get("GOXEL_FIXTURES") ??
  new URL("../../../shared/fixtures", import.meta.url).pathname;
const HAVE = (() => {
  try {
    return Deno.statSync(`${FIXTURES}/vengi/qubicle.qb`).isFile;
  } catch {
    console.warn(`qubicle_carried_test: fixtures absent at ${FIXTURES}; skipping`);
    return false;
  }
})();

Deno.test({
  name: ".qb matrix names, positions, order and header layout survive decode → encode → decode",
  ignore: !HAVE,
  async fn(t) {
    for (const name of ["rgb_small", "rgb", "chr_knight", "robo", "qubicle"]) {
      await t.step(name, () => {
        const bytes = Deno.readFileSync(`${FIXTURES}/vengi/${name}.qb`);
        const image = QUBICLE_CODEC.decode!(bytes);
        const out = QUBICLE_CODEC.encode!(image, {})[0].data;
        const again = QUBICLE_CODEC.decode!(out);
        deepEqual(describeLosses(image, again), []);
        deepEqual(again.layers.map((l) => l.name), image.layers.map((l) => l.name));
        deepEqual(again.layers.map((l) => l.box), image.layers.map((l) => l.box));
        deepEqual(out.subarray(0, 20), bytes.subarray(0, 20), "same version and header flags");
        equal(again.layers.length, image.layers.length);
      });
    }
  },
});
