/**
 * MagicaVoxel materials (`MATL`, one per palette index) and Goxel materials (one per layer).
 * Where they correspond — every voxel of a layer uses palette entries with the same non-diffuse
 * MATL — the layer gets a Goxel material made from it: named after the type (`metal`, `glass`,
 * `emit`…), metallic from `_metal` (0 for other types), roughness from `_rough`, emission
 * `_emit` (grey, at most 1). Glass transparency and the other keys stay in the MATL only.
 *
 * Writing: new voxels of such a layer take palette entries whose MATL is the layer's (a free
 * entry gets that MATL), and new voxels of other layers take entries without a special MATL,
 * so the layers' materials read back the same. Every MATL dict is kept as it was otherwise.
 */
import { makeUniqueName } from "../image.ts";
import { type Material, newMaterial } from "../material.ts";
import { pairGet, type VoxPair, type VoxRecord, VoxWriter } from "./vox_records.ts";

/** Reads a MATL chunk's id and dict, or null. */
export function readMatl(content: Uint8Array): { id: number; dict: VoxPair[] } | null {
  const v = new DataView(content.buffer, content.byteOffset, content.byteLength);
  let pos = 0;
  const i32 = () => (pos += 4) <= content.length ? v.getInt32(pos - 4, true) : NaN;
  const str = () => {
    const n = i32();
    if (!(n >= 0) || pos + n > content.length) throw new RangeError("truncated");
    return String.fromCharCode(...content.subarray(pos, pos += n));
  };
  try {
    const id = i32(), n = i32(), dict: VoxPair[] = [];
    if (!(n >= 0)) return null;
    for (let i = 0; i < n; i++) dict.push([str(), str()]);
    return pos === content.length ? { id, dict } : null;
  } catch {
    return null;
  }
}

/** The class of a MATL dict: "" for diffuse (or none), else the dict itself as a key. */
export function matlKey(dict: VoxPair[] | undefined): string {
  const type = dict ? pairGet(dict, "_type") ?? "_diffuse" : "_diffuse";
  return type === "_diffuse" ? "" : JSON.stringify(dict);
}

function num(dict: VoxPair[], key: string, fallback: number): number {
  const v = Number(pairGet(dict, key));
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : fallback;
}

/** The Goxel material a non-diffuse MATL corresponds to (see the module comment). */
export function materialOfMatl(dict: VoxPair[], taken: string[]): Material {
  const type = (pairGet(dict, "_type") ?? "_material").replace(/^_/, "") || "material";
  const m = newMaterial(makeUniqueName(type, taken));
  m.metallic = type === "metal" ? num(dict, "_metal", 0) : 0;
  m.roughness = num(dict, "_rough", 0.5);
  const e = type === "emit" ? num(dict, "_emit", 0) : 0;
  m.emission = [e, e, e];
  return m;
}

/** MATL dicts by palette index, with the changes a write makes. */
export class VoxMaterials {
  readonly #dicts = new Map<number, VoxPair[]>();
  readonly #changed = new Map<number, VoxPair[]>();

  constructor(records: VoxRecord[]) {
    for (const r of records) {
      const m = r.id === "raw" && r.kind === "MATL" ? readMatl(r.content) : null;
      if (m) this.#dicts.set(m.id, m.dict);
    }
  }

  /** True when the file has MATL chunks (else nothing maps and nothing is written). */
  get present(): boolean {
    return this.#dicts.size > 0;
  }

  readonly #keys = new Map<number, string>();

  /** The class key (matlKey) of a palette index. */
  keyOf(index: number): string {
    let key = this.#keys.get(index);
    if (key === undefined) {
      key = matlKey(this.#changed.get(index) ?? this.#dicts.get(index));
      this.#keys.set(index, key);
    }
    return key;
  }

  /** The first palette index (1–255) of class `key`, or 256 when none has it. */
  firstOf(key: string): number {
    for (let i = 1; i <= 255; i++) if (this.keyOf(i) === key) return i;
    return 256;
  }

  /** The dict of a palette index. */
  dictOf(index: number): VoxPair[] | undefined {
    return this.#changed.get(index) ?? this.#dicts.get(index);
  }

  /** Gives a palette index the class `key` (a JSON dict, or "" for plain diffuse). */
  assign(index: number, key: string): void {
    if (this.keyOf(index) === key) return;
    this.#changed.set(index, key ? JSON.parse(key) : [["_type", "_diffuse"]]);
    this.#keys.delete(index);
  }

  /** Returns a MATL chunk's content with its dict changed, or the content itself. */
  patch(content: Uint8Array): Uint8Array {
    const m = readMatl(content);
    const dict = m ? this.#changed.get(m.id) : undefined;
    if (!m || !dict) return content;
    const w = new VoxWriter();
    w.i32(m.id);
    w.dict(dict);
    return w.result();
  }
}

/** The palette indices the XYZI voxels of some models use. */
function indicesOf(models: { kind: string; content: Uint8Array }[]): Set<number> {
  const out = new Set<number>();
  for (const m of models) {
    if (m.kind !== "XYZI" || m.content.length < 4) continue;
    const n = new DataView(m.content.buffer, m.content.byteOffset, 4).getInt32(0, true);
    for (let o = 7, end = 4 + 4 * n; o < end; o += 4) out.add(m.content[o]);
  }
  return out;
}

/**
 * Makes one Goxel material per distinct non-diffuse MATL of the file (in palette order, so the
 * list depends only on the MATL chunks) and gives each layer whose voxels all share one of
 * them that material; returns each made material's class key (matlKey) by name.
 */
export function assignLayerMaterials(
  layers: { material: Material | null }[],
  layerModels: { kind: string; content: Uint8Array }[][],
  materials: Material[],
  mats: VoxMaterials,
): Record<string, string> {
  const byKey = new Map<string, Material>(), keys: Record<string, string> = {};
  for (let i = 1; i <= 255; i++) {
    const key = mats.keyOf(i);
    if (!key || byKey.has(key)) continue;
    const m = materialOfMatl(JSON.parse(key), materials.map((x) => x.name));
    materials.push(m);
    byKey.set(key, m);
    keys[m.name] = key;
  }
  layers.forEach((layer, i) => {
    const classes = new Set([...indicesOf(layerModels[i])].map((ci) => mats.keyOf(ci)));
    const key = classes.size === 1 ? [...classes][0] : "";
    if (key) layer.material = byKey.get(key)!;
  });
  return keys;
}
