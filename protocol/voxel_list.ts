/**
 * Voxel lists on the wire: JSON items (`{x, y, z, color}`, `{x, y, z, r, g, b, a?}` or
 * `[x, y, z, r, g, b, a?]`) and the packed form, a base64 string of 16-byte little-endian
 * records: int32 x, int32 y, int32 z, uint8 r, g, b, a (offsets 0, 4, 8, 12..15). Read as a
 * little-endian uint32, bytes 12..15 are `r | g << 8 | b << 16 | a << 24`, the engine's packed
 * colour.
 */
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { z } from "zod";
import { Byte, Color, Int32, type Rgba } from "./wire.ts";

/** Bytes per packed voxel record. */
export const PACKED_RECORD_BYTES = 16;

/** A normalised voxel: `[x, y, z, r, g, b, a]`. */
export type VoxelTuple = [number, number, number, number, number, number, number];

const ITEM_ERROR =
  "Expected a voxel: {x, y, z, color}, {x, y, z, r, g, b, a?} or [x, y, z, r, g, b, a?] with integer coordinates and channels 0..255";

const VoxelObject = z.strictObject({
  x: Int32,
  y: Int32,
  z: Int32,
  color: Color.optional(),
  r: Byte.optional(),
  g: Byte.optional(),
  b: Byte.optional(),
  a: Byte.optional(),
});

function objectToTuple(v: z.output<typeof VoxelObject>, ctx: z.RefinementCtx): VoxelTuple {
  const channels = [v.r, v.g, v.b].filter((c) => c !== undefined).length;
  if (v.color && (channels > 0 || v.a !== undefined)) {
    ctx.addIssue({ code: "custom", message: "Give either color or r, g, b (a), not both" });
  } else if (channels !== 0 && channels !== 3) {
    ctx.addIssue({ code: "custom", message: "Give all of r, g and b" });
  }
  const c: Rgba = v.color ??
    (channels === 3 ? [v.r!, v.g!, v.b!, v.a ?? 255] : [255, 255, 255, 255]);
  return [v.x, v.y, v.z, c[0], c[1], c[2], c[3]];
}

/** One voxel to add; colour defaults to opaque white. Normalised to `[x, y, z, r, g, b, a]`. */
export const VoxelItem = z.union([
  // The tuple form first: it is the compact one bulk clients use.
  z.tuple([Int32, Int32, Int32, Byte, Byte, Byte, Byte.optional()])
    .transform((t): VoxelTuple => [t[0], t[1], t[2], t[3], t[4], t[5], t[6] ?? 255]),
  VoxelObject.transform(objectToTuple),
], { error: ITEM_ERROR }).meta({ title: "Voxel" });

/** One position to remove: `{x, y, z}` or `[x, y, z]` (extra colour fields are ignored by remove). */
export const PositionItem = z.union([
  z.object({ x: Int32, y: Int32, z: Int32 }).transform((
    v,
  ): [number, number, number] => [v.x, v.y, v.z]),
  z.tuple([Int32, Int32, Int32], z.unknown()).transform((
    t,
  ): [number, number, number] => [t[0], t[1], t[2]]),
], { error: "Expected a position: {x, y, z} or [x, y, z] with integers" }).meta({
  title: "Position",
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a packed voxel string; returns null when it is not base64 or not whole records. */
export function decodePackedVoxels(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  const bytes = decodeBase64(text);
  if (bytes === null || bytes.length % PACKED_RECORD_BYTES !== 0) return null;
  return bytes;
}

/** Encodes voxels `[x, y, z, r, g, b, a]` (alpha 255 when left out) into the packed base64 form. */
export function encodePackedVoxels(voxels: Iterable<readonly number[]>): string {
  const flat: number[] = [];
  for (const v of voxels) {
    flat.push(
      v[0],
      v[1],
      v[2],
      v[3] & 255 | (v[4] & 255) << 8 | (v[5] & 255) << 16 | (v[6] ?? 255) << 24,
    );
  }
  return encodePackedFlat(flat);
}

/**
 * Encodes voxels given flat as `x, y, z, rgba` (rgba = r | g<<8 | b<<16 | a<<24, as volumes
 * store colours) into the packed base64 form: no array per voxel for million-voxel pages.
 */
export function encodePackedFlat(flat: ArrayLike<number>): string {
  const count = Math.floor(flat.length / 4);
  const bytes = new Uint8Array(count * PACKED_RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0, o = 0; i < count * 4; i += 4, o += PACKED_RECORD_BYTES) {
    view.setInt32(o, flat[i], true);
    view.setInt32(o + 4, flat[i + 1], true);
    view.setInt32(o + 8, flat[i + 2], true);
    view.setUint32(o + 12, flat[i + 3] >>> 0, true);
  }
  return encodeBase64(bytes);
}

/** Calls `fn(x, y, z, rgba)` for each packed record, `rgba` = `r | g<<8 | b<<16 | a<<24` (unsigned). */
export function forEachPackedVoxel(
  bytes: Uint8Array,
  fn: (x: number, y: number, z: number, rgba: number) => void,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 0; o + PACKED_RECORD_BYTES <= bytes.length; o += PACKED_RECORD_BYTES) {
    fn(
      view.getInt32(o, true),
      view.getInt32(o + 4, true),
      view.getInt32(o + 8, true),
      view.getUint32(o + 12, true),
    );
  }
}

/** The packed voxel param: base64 records, decoded to raw bytes (length a multiple of 16). */
export const PackedVoxels = z.string().transform((text, ctx) => {
  const bytes = decodePackedVoxels(text);
  if (bytes) return bytes;
  ctx.addIssue({
    code: "custom",
    message:
      "packed must be base64 of 16-byte records (int32 x, y, z + uint8 r, g, b, a, little-endian)",
  });
  return z.NEVER;
}).describe(
  "Base64 of 16-byte little-endian records: int32 x, int32 y, int32 z, uint8 r, g, b, a",
);
