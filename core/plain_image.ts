/**
 * Plain-data form of an Image (no class instances, no shared references) so it can cross a
 * worker boundary by structured clone; tile buffers are copied, never shared.
 */
import type { Aabb } from "./box.ts";
import type { Camera } from "./camera.ts";
import type { Carried } from "./carried.ts";
import type { Image, Light } from "./image.ts";
import type { Layer } from "./layer.ts";
import type { Material } from "./material.ts";
import type { PlainTile } from "./render/raycast.ts";
import { tileMeetsAabb } from "./tile_coords.ts";
import { TILE_VOXELS, Volume } from "./volume.ts";

/**
 * A volume as two packed arrays: tile origins (x, y, z per tile) and every tile's 4096 voxels
 * back to back, in tile order. Two buffers instead of one per tile: a structured clone of
 * thousands of small arrays takes a second on the receiving thread, two big ones take ms.
 */
export interface PlainVolume {
  origins: Int32Array;
  voxels: Uint32Array;
}

/** A layer whose volume is plain and whose material is an index. */
export type PlainLayer = Omit<Layer, "volume" | "material" | "sourceKey"> & {
  volume: PlainVolume;
  material: number;
};

/** An image made only of plain data. */
export interface PlainImage {
  box: Float64Array | null;
  layers: PlainLayer[];
  activeLayer: number;
  materials: Material[];
  activeMaterial: number;
  cameras: Camera[];
  activeCamera: number;
  selectionBox: Float64Array | null;
  selectionMask: PlainVolume | null;
  light: Light;
  carried?: Carried | null;
}

/**
 * Copies a volume's tiles into plain data; `shared` puts the voxels in a SharedArrayBuffer, so
 * several workers can read one copy; `region` keeps only the tiles that meet it.
 */
export function volumeToPlain(
  volume: Volume,
  shared = false,
  region: Aabb | null = null,
): PlainVolume {
  const n = volume.tilesMeeting(region);
  const bytes = n * TILE_VOXELS * 4, origins = new Int32Array(n * 3);
  const voxels = new Uint32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  let i = 0;
  for (const [x, y, z, data] of volume.tiles()) {
    if (region && !tileMeetsAabb(x, y, z, region)) continue;
    origins[i * 3] = x;
    origins[i * 3 + 1] = y;
    origins[i * 3 + 2] = z;
    voxels.set(data, i * TILE_VOXELS);
    i++;
  }
  return { origins, voxels };
}

/**
 * Rebuilds a volume from plain data, keeping tile order. With `adopt` the tiles take the plain
 * arrays without copying (copy-on-write: for plain data handed over, e.g. from a worker).
 */
export function volumeFromPlain(plain: PlainVolume, adopt = false): Volume {
  const v = new Volume();
  const { origins, voxels } = plain;
  for (let i = 0; i * 3 < origins.length; i++) {
    const tile = voxels.subarray(i * TILE_VOXELS, (i + 1) * TILE_VOXELS);
    const [x, y, z] = [origins[i * 3], origins[i * 3 + 1], origins[i * 3 + 2]];
    if (adopt) v.adoptTile(x, y, z, tile);
    else v.writeTile(x, y, z).set(tile);
  }
  return v;
}

/** Returns the tiles of a plain volume as views into its arrays (nothing is copied). */
export function plainTiles(plain: PlainVolume): PlainTile[] {
  const { origins, voxels } = plain, out: PlainTile[] = [];
  for (let i = 0; i * 3 < origins.length; i++) {
    out.push({
      origin: [origins[i * 3], origins[i * 3 + 1], origins[i * 3 + 2]],
      voxels: voxels.subarray(i * TILE_VOXELS, (i + 1) * TILE_VOXELS),
    });
  }
  return out;
}

/** Returns the ArrayBuffers of a plain volume (for a transfer list). */
export function volumeBuffers(plain: PlainVolume): ArrayBuffer[] {
  return [plain.origins.buffer as ArrayBuffer, plain.voxels.buffer as ArrayBuffer];
}

/** Returns every ArrayBuffer of a plain image (for a transfer list). */
export function plainBuffers(plain: PlainImage): ArrayBuffer[] {
  const out = plain.layers.flatMap((l) => volumeBuffers(l.volume));
  if (plain.selectionMask) out.push(...volumeBuffers(plain.selectionMask));
  return out;
}

/** Converts an image to plain data. */
export function imageToPlain(image: Image): PlainImage {
  const layers = image.layers.map((l): PlainLayer => {
    const { volume, material, sourceKey: _cache, ...rest } = l;
    return {
      ...rest,
      volume: volumeToPlain(volume),
      material: material ? image.materials.indexOf(material) : -1,
    };
  });
  return {
    box: image.box,
    layers,
    activeLayer: image.layers.indexOf(image.activeLayer!),
    materials: image.materials,
    activeMaterial: image.materials.indexOf(image.activeMaterial!),
    cameras: image.cameras,
    activeCamera: image.cameras.indexOf(image.activeCamera!),
    selectionBox: image.selectionBox,
    selectionMask: image.selectionMask ? volumeToPlain(image.selectionMask) : null,
    light: image.light,
    ...(image.carried ? { carried: image.carried } : {}),
  };
}

/** Rebuilds an image from plain data (`adopt`: take the tile arrays, see volumeFromPlain). */
export function imageFromPlain(plain: PlainImage, adopt = false): Image {
  const layers: Layer[] = plain.layers.map((l) => ({
    ...l,
    volume: volumeFromPlain(l.volume, adopt),
    material: plain.materials[l.material] ?? null,
  }));
  return {
    box: plain.box,
    layers,
    activeLayer: layers[plain.activeLayer] ?? null,
    materials: plain.materials,
    activeMaterial: plain.materials[plain.activeMaterial] ?? null,
    cameras: plain.cameras,
    activeCamera: plain.cameras[plain.activeCamera] ?? null,
    selectionBox: plain.selectionBox,
    selectionMask: plain.selectionMask ? volumeFromPlain(plain.selectionMask) : null,
    light: plain.light,
    ...(plain.carried ? { carried: plain.carried } : {}),
  };
}
