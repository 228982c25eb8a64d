/**
 * BL16 block coding for `.gox`: one 64×64 RGBA PNG per 16³ tile, stb-compressed like Goxel.
 * Within one file, blocks with the same content are encoded (and decoded) once: tiles of
 * different layers often hold the same voxels (solid or copied regions), so this halves the
 * work on typical projects without changing a byte of the output.
 */
import { isTileEmpty, TILE_VOXELS } from "../volume.ts";
import { encodePngStb, StbScratch } from "./png.ts";

/**
 * A 32-bit hash of a tile's voxels: FNV-1a over every 7th word (equal hashes are confirmed by
 * a full comparison, so sampling only costs a comparison on a rare collision).
 */
export function hashTile(voxels: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < voxels.length; i += 7) h = Math.imul(h ^ voxels[i], 0x01000193);
  return h >>> 0;
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Encodes tiles to BL16 PNGs, reusing the PNG of an earlier tile with the same voxels. */
export class BlockEncoder {
  readonly #scratch = new StbScratch();
  readonly #byHash = new Map<number, { voxels: Uint32Array; png: Uint8Array }[]>();

  /** Returns the PNG of a tile (exactly what Goxel writes for it). */
  encode(voxels: Uint32Array): Uint8Array {
    const h = hashTile(voxels);
    const list = this.#byHash.get(h);
    const hit = list?.find((e) => sameWords(e.voxels, voxels));
    if (hit) return hit.png;
    const bytes = new Uint8Array(voxels.buffer, voxels.byteOffset, 4 * TILE_VOXELS);
    const png = encodePngStb(64, 64, bytes, 4, this.#scratch);
    if (list) list.push({ voxels, png });
    else this.#byHash.set(h, [{ voxels, png }]);
    return png;
  }
}

/** FNV-1a over bytes. */
function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A decoded block: its voxels (shared, never written) and its bounds inside the tile. */
export interface DecodedBlock {
  voxels: Uint32Array;
  /** True when every alpha is 0. */
  empty: boolean;
  /** Local [min, max) of the voxels with alpha ≠ 0 (see tileBounds), computed when needed. */
  bounds?: number[];
}

/** Returns a tile's local voxel bounds (see DecodedBlock.bounds), [] when it is empty. */
export function tileBounds(v: Uint32Array): number[] {
  // Bit masks of the x, y and z values holding a voxel, built without branches per voxel.
  let xm = 0, ym = 0, zm = 0;
  for (let z = 0, i = 0; z < 16; z++) {
    let plane = 0;
    for (let y = 0; y < 16; y++, i += 16) {
      // The alpha byte of the rows' OR is the OR of their alphas: most rows are skipped here.
      let any = 0;
      for (let x = 0; x < 16; x++) any |= v[i + x];
      if (any >>> 24 === 0) continue;
      let row = 0;
      for (let x = 0; x < 16; x++) row |= (((v[i + x] >>> 24) + 255) >> 8) << x;
      xm |= row;
      ym |= 1 << y, plane = 1;
    }
    if (plane) zm |= 1 << z;
  }
  if (!xm) return [];
  const low = (m: number) => 31 - Math.clz32(m & -m), high = (m: number) => 32 - Math.clz32(m);
  return [low(xm), low(ym), low(zm), high(xm), high(ym), high(zm)];
}

/**
 * Decodes BL16 payloads through `decode`, once per distinct payload: equal payloads get the
 * same DecodedBlock, whose voxels volumes adopt copy-on-write.
 */
export class BlockDecoder {
  readonly #byHash = new Map<number, { data: Uint8Array; block: DecodedBlock }[]>();
  constructor(readonly decode: (data: Uint8Array) => Uint32Array) {}

  /** Returns the block of a BL16 payload. */
  get(data: Uint8Array): DecodedBlock {
    const h = hashBytes(data);
    const list = this.#byHash.get(h);
    const hit = list?.find((e) => sameBytes(e.data, data));
    if (hit) return hit.block;
    const voxels = this.decode(data);
    const block: DecodedBlock = { voxels, empty: isTileEmpty(voxels) };
    if (list) list.push({ data, block });
    else this.#byHash.set(h, [{ data, block }]);
    return block;
  }
}
