/** Benchmarks decode and encode of vengi/test_material.vox (12 × 40³ models, 768 000 voxels). */
import { decodeVox } from "../core/formats/vox.ts";
import { encodeVox } from "../core/formats/vox_write.ts";
import { FIXTURES } from "../tests/fixtures_testing.ts";

const FILE = new URL("vengi/test_material.vox", FIXTURES);
let bytes: Uint8Array | null = null;
try {
  bytes = Deno.readFileSync(FILE);
} catch {
  console.warn(`vox_bench: ${FILE.pathname} not found, skipping`);
}

if (bytes) {
  const data = bytes;
  const image = decodeVox(data);
  Deno.bench("decodeVox test_material.vox (768k voxels)", () => {
    decodeVox(data);
  });
  Deno.bench("encodeVox test_material.vox (768k voxels)", () => {
    encodeVox(image);
  });
}
