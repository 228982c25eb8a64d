/**
 * Old headerless Slab6 `.vox` files: int32 xsiz, ysiz, zsiz, then xsiz·ysiz·zsiz palette
 * indices (z fastest, then y, then x; 255 = empty), then 256 × RGB with 6-bit components.
 *
 * Unlike Goxel (which swaps file x and z and keeps the 6-bit colours dark), axes follow Goxel's
 * own KV6/KVX import — Build's z points down, so voxel (x, y, z) goes to
 * (x, ysiz−1−y, zsiz−1−z) — components are scaled by 255/63 (rounded), and the model is
 * centred like a MagicaVoxel model (`−floor(size / 2)` on every axis).
 */
import { FormatError } from "../errors.ts";
import { packRgba } from "../color.ts";
import { tileKey, Volume } from "../volume.ts";

const MAX_SIDE = 4096;

/** Returns a fresh `[minX, minY, minZ, maxX, maxY, maxZ]` accumulator (inclusive bounds). */
export function emptyBounds(): number[] {
  return [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
}

/** Decodes a Slab6 `.vox` into a volume and grows `bounds` (inclusive) to its voxels. */
export function decodeSlab6(bytes: Uint8Array, bounds: number[]): Volume {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 + 768) {
    throw new FormatError(
      "vox",
      0,
      `Cannot decode .vox: no "VOX " magic and ${bytes.length} bytes are too few for a Slab6 file`,
    );
  }
  const [w, h, d] = [0, 4, 8].map((o) => view.getInt32(o, true));
  const ok = [w, h, d].every((s) => s > 0 && s <= MAX_SIDE);
  if (!ok || 12 + w * h * d + 768 !== bytes.length) {
    throw new FormatError(
      "vox",
      0,
      `Cannot decode .vox: no "VOX " magic and sizes ${w}×${h}×${d} do not match a Slab6 file of ${bytes.length} bytes`,
    );
  }
  const palette = new Uint32Array(256);
  const pal = 12 + w * h * d;
  const scale = (v: number) => Math.min(255, Math.round(v * 255 / 63));
  for (let i = 0; i < 256; i++) {
    palette[i] = packRgba(
      scale(bytes[pal + 3 * i]),
      scale(bytes[pal + 3 * i + 1]),
      scale(bytes[pal + 3 * i + 2]),
    );
  }
  const volume = new Volume();
  const [ox, oy, oz] = [Math.floor(w / 2), Math.floor(h / 2), Math.floor(d / 2)];
  let i = 12;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      for (let z = 0; z < d; z++, i++) {
        if (bytes[i] === 255) continue;
        const p = [x - ox, h - 1 - y - oy, d - 1 - z - oz];
        volume.set(p[0], p[1], p[2], palette[bytes[i]]);
        for (let a = 0; a < 3; a++) {
          if (p[a] < bounds[a]) bounds[a] = p[a];
          if (p[a] > bounds[a + 3]) bounds[a + 3] = p[a];
        }
      }
    }
  }
  // Tiles in key order, like the MagicaVoxel reader, so a re-read of our own output matches.
  const sorted = new Volume();
  const origins = [...volume.tiles()].map(([x, y, z]) => [tileKey(x, y, z), x, y, z]);
  for (const [, x, y, z] of origins.sort((a, b) => a[0] - b[0])) sorted.shareTile(volume, x, y, z);
  return sorted;
}
