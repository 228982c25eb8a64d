/**
 * What a decoded `.gox` file keeps beside the image: chunks Goxel's format has but we do not
 * model (PLAC, CLRH from Goxel-derived builds; anything newer) and DICT entries of LAYR and
 * CAMR chunks we do not read (written back at the end of their chunk), and the IMG, MATE and
 * LIGH chunks as read (written back as they were while what they hold is unchanged).
 */
import type { Light } from "../image.ts";
import type { Material } from "../material.ts";

/** An unknown DICT entry (key and raw value). */
export interface GoxExtraEntry {
  key: string;
  value: Uint8Array;
}

/** The carried record of a `.gox` file. */
export interface GoxCarried {
  format: "gox";
  /** Unknown chunks, each after the last chunk of kind `after` ("" = right after the header). */
  chunks: { after: string; type: string; data: Uint8Array }[];
  /** Unknown LAYR entries by the layer's carried key. */
  layerEntries: Record<number, GoxExtraEntry[]>;
  /** Unknown CAMR entries by camera key (see cameraKey). */
  cameraEntries: Record<string, GoxExtraEntry[]>;
  /**
   * The IMG, MATE and LIGH chunks as read, with the state each gave (see goxChunkValue): one
   * whose state is unchanged is written back as it was, keys Goxel does not know, their order
   * and repeated keys included (vengi writes every material into one MATE chunk).
   */
  raw?: { type: string; value: string; data: Uint8Array }[];
}

/** The state a chunk of `type` gives, as compared when deciding to write it back as read. */
export function goxChunkValue(
  type: "IMG " | "MATE" | "LIGH",
  state: Material | Light | ArrayLike<number> | null,
): string {
  if (type === "IMG ") return JSON.stringify(state ? Array.from(state as ArrayLike<number>) : null);
  if (type === "MATE") {
    const m = state as Material;
    return JSON.stringify([m.name, m.baseColor, m.metallic, m.roughness, m.emission]);
  }
  const l = state as Light;
  return JSON.stringify([l.pitch, l.yaw, l.intensity, l.fixed, l.ambient, l.shadow]);
}

/**
 * The key of camera `i`'s unknown CAMR entries: its name, plus its rank among earlier cameras of
 * the same name (two cameras named alike kept one's entries for both).
 */
export function cameraKey(names: readonly string[], i: number): string {
  let rank = 0;
  for (let j = 0; j < i; j++) if (names[j] === names[i]) rank++;
  // Names are cut at NUL, so this cannot meet a real name.
  return rank ? `${names[i]}\0${rank}` : names[i];
}

/** Lists what the file held that the image does not model, e.g. `["PLAC×1", "LAYR keys×3"]`. */
export function goxCarriedSummary(c: GoxCarried): string[] {
  const counts = new Map<string, number>();
  for (const ch of c.chunks) counts.set(ch.type, (counts.get(ch.type) ?? 0) + 1);
  const out = [...counts].map(([k, n]) => `${k}×${n}`);
  const layer = Object.values(c.layerEntries).reduce((n, e) => n + e.length, 0);
  const camera = Object.values(c.cameraEntries).reduce((n, e) => n + e.length, 0);
  if (layer) out.push(`LAYR keys×${layer}`);
  if (camera) out.push(`CAMR keys×${camera}`);
  return out;
}
