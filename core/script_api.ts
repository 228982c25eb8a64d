/**
 * A Goxel-like JavaScript API for scripts (goxel_core.md §5.2): `goxel.image` with
 * `addLayer()`, `activeLayer.volume`, `getLayersVolume()`, `selectionBox`; `Volume` with
 * `setAt`, `getAt`, `iter`, `copy`; `Vec`. Scripts edit the image they are given.
 */
import { aabbFromBox, isNullBox } from "./box.ts";
import { packRgba, unpackRgba } from "./color.ts";
import { type Image, mergedVisibleVolume } from "./image.ts";
import type { Layer } from "./layer.ts";
import { addLayer } from "./ops/layers.ts";
import { Volume } from "./volume.ts";

/** A small vector with x y z w and r g b a aliases. */
export class Vec {
  readonly values: number[];
  constructor(...values: number[]) {
    this.values = values;
  }
  get x(): number {
    return this.#at(0);
  }
  get y(): number {
    return this.#at(1);
  }
  get z(): number {
    return this.#at(2);
  }
  get w(): number {
    return this.#at(3);
  }
  get r(): number {
    return this.#at(0);
  }
  get g(): number {
    return this.#at(1);
  }
  get b(): number {
    return this.#at(2);
  }
  get a(): number {
    return this.#at(3);
  }
  #at(i: number): number {
    if (i >= this.values.length) {
      throw new RangeError(`Vec of size ${this.values.length} has no component ${i}`);
    }
    return this.values[i];
  }
  /** Returns the components as an array. */
  toJSON(): number[] {
    return [...this.values];
  }
}

type VecLike = Vec | number[];
const arr = (v: VecLike): number[] => (v instanceof Vec ? v.values : v);

/** A script-side volume wrapping a core volume. */
export class ScriptVolume {
  readonly inner: Volume;
  constructor(inner: Volume = new Volume()) {
    this.inner = inner;
  }
  /** Sets a voxel; colour is [r, g, b, a?] with alpha defaulting to 255. */
  setAt(pos: VecLike, color: VecLike): void {
    const [x, y, z] = arr(pos).map((n) => Math.round(n));
    const [r, g, b, a = 255] = arr(color);
    this.inner.set(x, y, z, packRgba(r, g, b, a));
  }
  /** Returns the voxel colour as a Vec (r, g, b, a). */
  getAt(pos: VecLike): Vec {
    const [x, y, z] = arr(pos).map((n) => Math.round(n));
    return new Vec(...unpackRgba(this.inner.get(x, y, z)));
  }
  /** Calls fn(pos, color) for every voxel with alpha ≠ 0. */
  iter(fn: (pos: Vec, color: Vec) => void): void {
    this.inner.forEachVoxel((x, y, z, c) => fn(new Vec(x, y, z), new Vec(...unpackRgba(c))));
  }
  /** Returns a copy. */
  copy(): ScriptVolume {
    return new ScriptVolume(this.inner.copy());
  }
  /** Number of voxels with alpha ≠ 0. */
  get count(): number {
    return this.inner.count();
  }
}

/** A script-side layer. */
export class ScriptLayer {
  readonly #layer: Layer;
  constructor(layer: Layer) {
    this.#layer = layer;
  }
  /** The layer's live volume (edits apply directly). */
  get volume(): ScriptVolume {
    return new ScriptVolume(this.#layer.volume);
  }
  /** The layer's name. */
  get name(): string {
    return this.#layer.name;
  }
  /** The layer's id. */
  get id(): number {
    return this.#layer.id;
  }
}

/** The script-side image. */
export class ScriptImage {
  readonly #image: Image;
  constructor(image: Image) {
    this.#image = image;
  }
  /** Adds a new layer (like img_new_layer) and returns it. */
  addLayer(): ScriptLayer {
    return new ScriptLayer(addLayer(this.#image));
  }
  /** The active layer. */
  get activeLayer(): ScriptLayer {
    if (!this.#image.activeLayer) throw new Error("The image has no active layer");
    return new ScriptLayer(this.#image.activeLayer);
  }
  /** Every layer. */
  get layers(): ScriptLayer[] {
    return this.#image.layers.map((l) => new ScriptLayer(l));
  }
  /** A copy of the merged visible volume. */
  getLayersVolume(): ScriptVolume {
    return new ScriptVolume(mergedVisibleVolume(this.#image));
  }
  /** The selection box as {min, max} (inclusive), or null. */
  get selectionBox(): { min: number[]; max: number[] } | null {
    if (isNullBox(this.#image.selectionBox)) return null;
    const b = aabbFromBox(this.#image.selectionBox!);
    return { min: b.min, max: b.max.map((v) => v - 1) };
  }
}

/** Builds the globals a script sees: goxel, Volume, Vec. */
export function scriptGlobals(image: Image, color: { value: number[] }) {
  return {
    goxel: {
      image: new ScriptImage(image),
      palette: {
        get color(): Vec {
          return new Vec(...color.value);
        },
        set color(v: VecLike) {
          const c = arr(v);
          color.value = [c[0] ?? 255, c[1] ?? 255, c[2] ?? 255, c[3] ?? 255];
        },
      },
    },
    Volume: ScriptVolume,
    Vec,
  };
}
