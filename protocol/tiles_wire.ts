/**
 * The compact binary form of voxel tiles sent to viewers (`goxel.get_tiles`, base64 in JSON):
 * "GXT1", a u32 tile count, then per tile: i32 layer id, i32 origin x, y, z, a u8 mode and its
 * body. Mode 0: the tile is gone (no body). Mode 1: u16 run count, then runs of (u16 length,
 * u32 RGBA) covering 4096 voxels in x-fastest order. Mode 2: 4096 raw u32 RGBA. Little-endian.
 * Also the shape of `goxel.changed` notifications, shared by the daemon, the CLI and the viewer.
 */

/** Magic bytes at the start of an encoded tile list. */
export const TILES_MAGIC = "GXT1";
/** Voxels in one 16³ tile. */
export const WIRE_TILE_VOXELS = 4096;

/** Tile body encodings. */
export const TileMode = { GONE: 0, RUNS: 1, RAW: 2 } as const;

/** One decoded tile: `voxels` is null when the tile no longer exists. */
export interface WireTile {
  layer: number;
  origin: [number, number, number];
  voxels: Uint32Array | null;
}

/** A tile address in change notifications: `[layer id, x, y, z]` (origin, multiples of 16). */
export type TileRef = [number, number, number, number];

/** The params of a `goxel.changed` notification. */
export interface ChangeEvent {
  /** Project id. */
  project: string;
  /** The project's sequence number after this change. */
  seq: number;
  /** "edit": tiles or properties changed; the others concern the whole project. */
  kind: "edit" | "opened" | "closed" | "selected" | "resync";
  /** First sequence number this event covers (edits arriving together are reported at once). */
  from_seq?: number;
  /** Tiles whose voxels changed. */
  tiles?: TileRef[];
  /** Too many tiles changed to list: reload them all. */
  full?: boolean;
  /** The layer list or a layer's properties changed. */
  layers?: boolean;
  materials?: boolean;
  cameras?: boolean;
  /** The project box changed. */
  box?: boolean;
}

/** Decodes a tile list; throws RangeError when the bytes are not one. */
export function decodeTiles(bytes: Uint8Array): WireTile[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== TILES_MAGIC) throw new RangeError(`Cannot decode tiles: bad magic "${magic}"`);
  const count = view.getUint32(4, true);
  const out: WireTile[] = [];
  let at = 8;
  for (let t = 0; t < count; t++) {
    const layer = view.getInt32(at, true);
    const origin: [number, number, number] = [
      view.getInt32(at + 4, true),
      view.getInt32(at + 8, true),
      view.getInt32(at + 12, true),
    ];
    const mode = view.getUint8(at + 16);
    at += 17;
    if (mode === TileMode.GONE) {
      out.push({ layer, origin, voxels: null });
      continue;
    }
    const voxels = new Uint32Array(WIRE_TILE_VOXELS);
    if (mode === TileMode.RAW) {
      for (let i = 0; i < WIRE_TILE_VOXELS; i++) voxels[i] = view.getUint32(at + i * 4, true);
      at += WIRE_TILE_VOXELS * 4;
    } else if (mode === TileMode.RUNS) {
      at = decodeRuns(view, at, voxels);
    } else throw new RangeError(`Cannot decode tiles: unknown tile mode ${mode} at byte ${at - 1}`);
    out.push({ layer, origin, voxels });
  }
  return out;
}

function decodeRuns(view: DataView, at: number, voxels: Uint32Array): number {
  const runs = view.getUint16(at, true);
  at += 2;
  let i = 0;
  for (let r = 0; r < runs; r++) {
    const length = view.getUint16(at, true), color = view.getUint32(at + 2, true);
    at += 6;
    if (i + length > WIRE_TILE_VOXELS) throw new RangeError("Cannot decode tiles: run overflow");
    voxels.fill(color, i, i + length);
    i += length;
  }
  if (i !== WIRE_TILE_VOXELS) throw new RangeError("Cannot decode tiles: runs do not cover a tile");
  return at;
}

/** Decodes base64 (as sent in JSON) to bytes. */
export function base64ToBytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
