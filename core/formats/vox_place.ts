/** Where a carried `.vox` model's voxels land in the world, as the decoder places them. */
import { Volume } from "../volume.ts";
import type { VoxCarried, VoxLink } from "./vox_carried.ts";
import type { VoxModelRecord } from "./vox_records.ts";
import type { VoxTransform } from "./vox_scene.ts";

/** Per-axis map world[i] = s[i]·local[col[i]] + a[i] of one placed model (as the decoder). */
export interface Axes {
  col: number[];
  s: number[];
  a: number[];
}

export function axesOf(xf: VoxTransform, size: number[]): Axes {
  const col: number[] = [], s: number[] = [], a: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c = [0, 1, 2].find((j) => xf.r[i * 3 + j] !== 0)!;
    const sign = xf.r[i * 3 + c];
    col.push(c),
      s.push(sign),
      a.push(xf.t[i] - sign * Math.floor(size[c] / 2) - (sign < 0 ? 1 : 0));
  }
  return { col, s, a };
}

export function xyziCount(m: VoxModelRecord): number {
  return m.kind === "XYZI" && m.content.length >= 4
    ? new DataView(m.content.buffer, m.content.byteOffset, 4).getInt32(0, true)
    : 0;
}

/** The volume a link's instances make (what the decoder built for the layer). */
export function placeLink(c: VoxCarried, link: VoxLink, palette: Uint32Array): Volume {
  const v = new Volume();
  for (const inst of link.instances) {
    const m = c.models[inst.model];
    if (!m) continue;
    const { col, s, a } = axesOf(inst.xf, m.size), b = m.content;
    for (let o = 4, end = 4 + 4 * xyziCount(m); o < end; o += 4) {
      const ci = b[o + 3];
      if (!ci) continue;
      v.set(
        s[0] * b[o + col[0]] + a[0],
        s[1] * b[o + col[1]] + a[1],
        s[2] * b[o + col[2]] + a[2],
        palette[ci],
      );
    }
  }
  return v;
}
