/**
 * An image's non-voxel state (layers without their voxels, materials, cameras, box, light,
 * selection box and any data a codec carried) as JSON-safe data, and back. Typed arrays are
 * tagged so they come back as the same type (docs/journal.md, "Meta").
 */
import type { Camera } from "../camera.ts";
import type { Image, Light } from "../image.ts";
import type { Layer } from "../layer.ts";
import type { Material } from "../material.ts";
import { sameValue } from "../same_value.ts";

/** JSON-safe image state without voxels. */
export interface MetaJson {
  box: unknown;
  layers: Record<string, unknown>[];
  activeLayer: number;
  materials: unknown[];
  activeMaterial: number;
  cameras: unknown[];
  activeCamera: number;
  selectionBox: unknown;
  hasSelectionMask: boolean;
  light: Light;
  /** Image fields this module does not know (e.g. data a codec carried through). */
  extra: Record<string, unknown>;
  /**
   * Names of such fields left out of `extra` because they are unchanged: they are taken from
   * the image the meta is applied to (a loaded .vox file's carried chunks can be megabytes).
   */
  kept?: string[];
}

const KNOWN_IMAGE_KEYS = new Set([
  "box",
  "layers",
  "activeLayer",
  "materials",
  "activeMaterial",
  "cameras",
  "activeCamera",
  "selectionBox",
  "selectionMask",
  "light",
]);

/**
 * Values that are equal for two images exactly when their non-voxel state is (numbers,
 * strings and object identities; unknown image fields compare by identity).
 */
export function metaFingerprint(image: Image): unknown[] {
  const out: unknown[] = [image.layers.length, image.cameras.length, image.materials.length];
  pushArray(out, image.box);
  for (const l of image.layers) {
    out.push(l.id, l.visible, l.name, l.shape, l.color, l.mode, l.baseId, l.imagePath);
    out.push(l.material ? image.materials.indexOf(l.material) : -1);
    pushArray(out, l.box);
    pushArray(out, l.mat);
    pushUnknown(out, l as unknown as Record<string, unknown>, LAYER_KEYS);
  }
  for (const c of image.cameras) {
    out.push(c.name, c.ortho, c.dist);
    pushArray(out, c.mat);
  }
  for (const m of image.materials) {
    out.push(m.name, m.metallic, m.roughness);
    pushArray(out, m.baseColor);
    pushArray(out, m.emission);
  }
  pushArray(out, image.selectionBox);
  out.push(image.selectionMask !== null);
  const lt = image.light;
  out.push(lt.pitch, lt.yaw, lt.intensity, lt.fixed, lt.ambient, lt.shadow);
  out.push(image.layers.indexOf(image.activeLayer!), image.cameras.indexOf(image.activeCamera!));
  out.push(image.materials.indexOf(image.activeMaterial!));
  pushUnknown(out, image as unknown as Record<string, unknown>, IMAGE_KEYS);
  return out;
}

/**
 * Makes `result`'s unknown fields (on the image and on layers of the same id) the very objects
 * `live` holds wherever they are equal in value: an image back from a worker holds copies of
 * everything, and unknown fields compare by identity, so a whole file's carried chunks counted
 * as changed on every script (journaled in full, and kept by its undo step).
 */
export function shareUnchangedMeta(live: Image, result: Image): void {
  const share = (
    from: Record<string, unknown>,
    to: Record<string, unknown>,
    known: Set<string>,
  ) => {
    for (const k in to) {
      if (!known.has(k) && k in from && from[k] !== to[k] && sameValue(from[k], to[k])) {
        to[k] = from[k];
      }
    }
  };
  share(
    live as unknown as Record<string, unknown>,
    result as unknown as Record<string, unknown>,
    KNOWN_IMAGE_KEYS,
  );
  for (const layer of result.layers) {
    const was = live.layers.find((l) => l.id === layer.id);
    if (was) {
      share(
        was as unknown as Record<string, unknown>,
        layer as unknown as Record<string, unknown>,
        LAYER_FIELDS,
      );
    }
  }
}

const LAYER_FIELDS = new Set([
  "id",
  "name",
  "visible",
  "volume",
  "material",
  "mat",
  "box",
  "mode",
  "baseId",
  "shape",
  "color",
  "imagePath",
  "sourceKey",
]);

/**
 * Pushes the key and value of each field of `obj` that `known` does not name. Keys are first
 * compared with `known` in its own order (how the engine's objects are built), which costs less
 * than a set look-up per key.
 */
function pushUnknown(out: unknown[], obj: Record<string, unknown>, known: readonly string[]): void {
  let i = 0;
  for (const k in obj) {
    if (k === known[i]) i++;
    else if (!known.includes(k)) out.push(k, obj[k]);
  }
}

/** The known fields in the order images and layers are built with. */
const IMAGE_KEYS = [...KNOWN_IMAGE_KEYS], LAYER_KEYS = [...LAYER_FIELDS];

function pushArray(out: unknown[], a: ArrayLike<number> | null): void {
  if (!a) out.push(null);
  else for (let i = 0; i < a.length; i++) out.push(a[i]);
}

/**
 * Returns the non-voxel state of an image as JSON-safe data. With `before`, unknown fields
 * holding the very same object there are listed in `kept` instead of written out.
 */
export function metaToJson(image: Image, before?: Image): MetaJson {
  const layers = image.layers.map((l) => {
    const { volume: _v, material, sourceKey: _s, ...rest } = l;
    return {
      ...(toJsonSafe(rest) as Record<string, unknown>),
      material: material ? image.materials.indexOf(material) : -1,
    };
  });
  const extra: Record<string, unknown> = {}, kept: string[] = [];
  const fields = image as unknown as Record<string, unknown>;
  const old = before as unknown as Record<string, unknown> | undefined;
  for (const k in image) {
    if (KNOWN_IMAGE_KEYS.has(k)) continue;
    const v = fields[k];
    // Codecs' carried data is never changed in place (images share it), so identity is enough.
    if (old && typeof v === "object" && v !== null && old[k] === v) kept.push(k);
    else extra[k] = toJsonSafe(v);
  }
  return {
    box: toJsonSafe(image.box),
    layers,
    activeLayer: image.layers.indexOf(image.activeLayer!),
    materials: image.materials.map(toJsonSafe),
    activeMaterial: image.materials.indexOf(image.activeMaterial!),
    cameras: image.cameras.map(toJsonSafe),
    activeCamera: image.cameras.indexOf(image.activeCamera!),
    selectionBox: toJsonSafe(image.selectionBox),
    hasSelectionMask: image.selectionMask !== null,
    light: { ...image.light },
    extra,
    ...(kept.length ? { kept } : {}),
  };
}

/**
 * Rebuilds an image from its non-voxel state; `volumeFor` gives each layer its volume and
 * `base` (the image the meta is applied to) the fields listed in `kept`. The selection mask is
 * left null (the caller restores it).
 */
export function metaFromJson(
  meta: MetaJson,
  volumeFor: (layer: Layer) => Image["layers"][0]["volume"],
  base?: Image,
): Image {
  const materials = meta.materials.map((m) => fromJsonSafe(m) as Material);
  const cameras = meta.cameras.map((c) => fromJsonSafe(c) as Camera);
  const layers = meta.layers.map((raw) => {
    const l = fromJsonSafe(raw) as Record<string, unknown>;
    const layer = { ...l, material: materials[l.material as number] ?? null } as unknown as Layer;
    layer.volume = volumeFor(layer);
    // A shape or clone layer stays up to date while its source does: without its cache, every
    // undo or redo redrew it (a new volume: the project turned dirty, a cropped shape regrew).
    const was = base?.layers.find((b) => b.id === layer.id);
    if (was?.sourceKey !== undefined) layer.sourceKey = was.sourceKey;
    return layer;
  });
  const image: Image = {
    box: fromJsonSafe(meta.box) as Image["box"],
    layers,
    activeLayer: layers[meta.activeLayer] ?? null,
    materials,
    activeMaterial: materials[meta.activeMaterial] ?? null,
    cameras,
    activeCamera: cameras[meta.activeCamera] ?? null,
    selectionBox: fromJsonSafe(meta.selectionBox) as Image["selectionBox"],
    selectionMask: null,
    light: { ...meta.light },
  };
  const fields = image as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(meta.extra ?? {})) fields[k] = fromJsonSafe(v);
  for (const k of meta.kept ?? []) {
    if (!base || !(k in base)) {
      throw new RangeError(`The meta keeps field "${k}" of an image that does not have it`);
    }
    fields[k] = (base as unknown as Record<string, unknown>)[k];
  }
  return image;
}

const TYPED: Record<string, new (a: ArrayLike<number>) => ArrayLike<number>> = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
};

/**
 * Converts a value to JSON-safe data: typed arrays become `{$ta, v}` / `{$u8}`, non-finite numbers
 * and −0 `{$num}`; undefined drops.
 */
export function toJsonSafe(value: unknown): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value !== "number") return value;
    // JSON writes −0 as 0: a camera matrix holding it came back with other bytes in saved files.
    if (Object.is(value, -0)) return { $num: "-0" };
    return Number.isFinite(value) ? value : { $num: String(value) };
  }
  if (value instanceof Uint8Array) return { $u8: toBase64(value) };
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name;
    if (!(name in TYPED)) throw new TypeError(`Cannot journal a ${name}`);
    return {
      $ta: name,
      v: Array.from(value as unknown as ArrayLike<number>, (n) => toJsonSafe(n)),
    };
  }
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value instanceof Map) {
    return { $map: [...value].map(([k, v]) => [toJsonSafe(k), toJsonSafe(v)]) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonSafe(v);
  return out;
}

/** The inverse of {@link toJsonSafe}. */
export function fromJsonSafe(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(fromJsonSafe);
  const o = value as Record<string, unknown>;
  if (typeof o.$u8 === "string") return fromBase64(o.$u8);
  if (typeof o.$num === "string") return Number(o.$num);
  if (typeof o.$ta === "string" && Array.isArray(o.v)) {
    const make = TYPED[o.$ta];
    if (!make) throw new RangeError(`Unknown typed array ${o.$ta}`);
    return new make(o.v.map((n) => fromJsonSafe(n) as number));
  }
  if (Array.isArray(o.$map)) {
    return new Map((o.$map as unknown[][]).map(([k, v]) => [fromJsonSafe(k), fromJsonSafe(v)]));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = fromJsonSafe(v);
  return out;
}

/** The ES2025 base64 methods of Uint8Array (native in Deno and Bun; not yet in TypeScript's lib). */
interface Base64Bytes {
  toBase64(): string;
}
const Base64Array = Uint8Array as unknown as { fromBase64(text: string): Uint8Array };

// Carried chunks can hold megabytes (a .vox file's own bytes): spreading them into
// String.fromCharCode for btoa took 64 ms for a 3 MB file, the native methods a few.
function toBase64(bytes: Uint8Array): string {
  return (bytes as unknown as Base64Bytes).toBase64();
}

function fromBase64(text: string): Uint8Array {
  return Base64Array.fromBase64(text);
}
