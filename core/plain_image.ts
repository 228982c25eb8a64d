/**
 * Plain-data form of an Image (no class instances, no shared references) so it can cross a
 * worker boundary by structured clone; tile buffers are copied, never shared.
 */
import type { Camera } from "./camera.ts";
import type { Carried } from "./carried.ts";
import type { Image, Light } from "./image.ts";
import type { Layer } from "./layer.ts";
import type { Material } from "./material.ts";
import { Volume } from "./volume.ts";

/** A volume as a list of tile origins and voxel arrays. */
export interface PlainVolume {
  tiles: { origin: [number, number, number]; voxels: Uint32Array }[];
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

/** Copies a volume's tiles into plain data. */
export function volumeToPlain(volume: Volume): PlainVolume {
  const tiles: PlainVolume["tiles"] = [];
  for (const [x, y, z, voxels] of volume.tiles()) {
    tiles.push({ origin: [x, y, z], voxels: voxels.slice() });
  }
  return { tiles };
}

/**
 * Rebuilds a volume from plain data, keeping tile order. With `adopt` the tiles take the plain
 * arrays without copying (copy-on-write: for plain data handed over, e.g. from a worker).
 */
export function volumeFromPlain(plain: PlainVolume, adopt = false): Volume {
  const v = new Volume();
  for (const { origin, voxels } of plain.tiles) {
    if (adopt) v.adoptTile(...origin, voxels);
    else v.writeTile(...origin).set(voxels);
  }
  return v;
}

/** Returns every ArrayBuffer of a plain image (for a transfer list). */
export function plainBuffers(plain: PlainImage): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const l of plain.layers) {
    for (const t of l.volume.tiles) out.push(t.voxels.buffer as ArrayBuffer);
  }
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
