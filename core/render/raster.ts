/**
 * The rasterising renderer: the faces of a RasterScene drawn into a depth buffer of face ids
 * (band by band, so bands can be rendered in parallel), then each sample is shaded once —
 * flat faces from their precomputed colour, the others from the exact point the camera ray
 * meets the face plane (occlusion from the face's mask, shadow from the shadow map) — and the
 * sub × sub samples of each pixel are averaged with truncation, like Goxel's export.
 */
import { DepthBand } from "./raster_quad.ts";
import { isPointShadowed, type RasterScene, SLOW } from "./raster_scene.ts";
import { FACE_AXIS, FACE_SIGN, occlusionAt } from "./shade.ts";

/** The sample grid of one picture. */
export interface RasterGrid {
  width: number;
  height: number;
  /** Samples per pixel along each axis. */
  sub: number;
  /** One RGBA background value per sample row (top-down). */
  background: Uint8Array;
}

/** Renders pixel rows [y0, y1) of the picture; returns their RGBA bytes. */
export function rasterRows(s: RasterScene, grid: RasterGrid, y0: number, y1: number): Uint8Array {
  const sub = grid.sub, sw = grid.width * sub;
  const band = new DepthBand(sw, y0 * sub, y1 * sub, true);
  drawFaces(s, band);
  const out = new Uint8Array(grid.width * (y1 - y0) * 4);
  const px = new Uint8Array(3), ids = band.ids!, back = grid.background, n = sub * sub;
  const shade = new SampleShader(s, sw, grid.height * sub);
  for (let j = y0; j < y1; j++) {
    const bg = pixelBackground(back, j, sub);
    for (let i = 0, o = (j - y0) * grid.width * 4; i < grid.width; i++, o += 4) {
      let r = 0, g = 0, b = 0, a = 0, empty = 0;
      for (let sy = j * sub; sy < j * sub + sub; sy++) {
        let so = (sy - band.y0) * sw + i * sub;
        for (let sx = i * sub; sx < i * sub + sub; sx++, so++) {
          const f = ids[so];
          if (f < 0) {
            empty++;
            continue;
          }
          let c = s.flat[f];
          if (c === SLOW) c = shade.sample(f, sx, sy, px);
          r += c & 255, g += (c >>> 8) & 255, b += (c >>> 16) & 255, a += 255;
        }
      }
      if (empty === n) {
        out[o] = bg[0], out[o + 1] = bg[1], out[o + 2] = bg[2], out[o + 3] = bg[3];
        continue;
      }
      if (empty > 0) {
        // Background samples of a pixel's rows, summed per sample row.
        r += emptySum(back, ids, band, sw, i, j, sub, 0);
        g += emptySum(back, ids, band, sw, i, j, sub, 1);
        b += emptySum(back, ids, band, sw, i, j, sub, 2);
        a += emptySum(back, ids, band, sw, i, j, sub, 3);
      }
      out[o] = r / n, out[o + 1] = g / n, out[o + 2] = b / n, out[o + 3] = a / n;
    }
  }
  return out;
}

/** The truncated average of a pixel row's background samples. */
function pixelBackground(back: Uint8Array, j: number, sub: number): number[] {
  const out = [0, 0, 0, 0];
  for (let c = 0; c < 4; c++) {
    let sum = 0;
    for (let sy = j * sub; sy < j * sub + sub; sy++) sum += back[sy * 4 + c] * sub;
    out[c] = Math.trunc(sum / (sub * sub));
  }
  return out;
}

/** Sums channel c of the background over the empty samples of pixel (i, j). */
function emptySum(
  back: Uint8Array,
  ids: Int32Array,
  band: DepthBand,
  sw: number,
  i: number,
  j: number,
  sub: number,
  c: number,
): number {
  let sum = 0;
  for (let sy = j * sub; sy < j * sub + sub; sy++) {
    const so = (sy - band.y0) * sw + i * sub;
    for (let k = 0; k < sub; k++) if (ids[so + k] < 0) sum += back[sy * 4 + c];
  }
  return sum;
}

/** Draws every front face that reaches the band. */
function drawFaces(s: RasterScene, band: DepthBand): void {
  const xs = new Float64Array(4), ys = new Float64Array(4), scr = s.screen;
  const top = band.y0 - 1, bottom = band.y1 + 1;
  for (let k = 0; k < s.front.length; k++) {
    const o = k * 11;
    const minY = Math.min(scr[o + 4], scr[o + 5], scr[o + 6], scr[o + 7]);
    const maxY = Math.max(scr[o + 4], scr[o + 5], scr[o + 6], scr[o + 7]);
    if (maxY < top || minY > bottom) continue;
    for (let c = 0; c < 4; c++) xs[c] = scr[o + c], ys[c] = scr[o + 4 + c];
    band.drawQuad(xs, ys, scr[o + 8], scr[o + 9], scr[o + 10], s.front[k]);
  }
}

/** Shades single samples whose face has occlusion or a partial shadow. */
class SampleShader {
  #s: RasterScene;
  #sw: number;
  #sh: number;
  #p = [0, 0, 0];

  constructor(s: RasterScene, sw: number, sh: number) {
    this.#s = s;
    this.#sw = sw;
    this.#sh = sh;
  }

  /** Returns the packed sRGB colour of sample (sx, sy), which shows face f. */
  sample(f: number, sx: number, sy: number, px: Uint8Array): number {
    const s = this.#s, r = s.rays, face = s.faces[f], a = FACE_AXIS[face], p = this.#p;
    const nx = 2 * (sx + 0.5) / this.#sw - 1, ny = 1 - 2 * (sy + 0.5) / this.#sh;
    for (let k = 0; k < 3; k++) p[k] = r.eye[k];
    let dx = r.fwd[0], dy = r.fwd[1], dz = r.fwd[2];
    const ox = r.right[0] * nx + r.up[0] * ny, oy = r.right[1] * nx + r.up[1] * ny;
    const oz = r.right[2] * nx + r.up[2] * ny;
    if (r.ortho) p[0] += ox, p[1] += oy, p[2] += oz;
    else dx += ox, dy += oy, dz += oz;
    const vx = s.voxels[f * 3], vy = s.voxels[f * 3 + 1], vz = s.voxels[f * 3 + 2];
    const plane = (a === 0 ? vx : a === 1 ? vy : vz) + (FACE_SIGN[face] > 0 ? 1 : 0);
    const t = (plane - p[a]) / (a === 0 ? dx : a === 1 ? dy : dz);
    const hx = p[0] + dx * t, hy = p[1] + dy * t, hz = p[2] + dz * t;
    let ao = 1;
    const mask = s.masks[f];
    if (mask !== 0) {
      const u = a === 0 ? hy - vy : a === 1 ? hz - vz : hx - vx;
      const v = a === 0 ? hz - vz : a === 1 ? hx - vx : hy - vy;
      ao = occlusionAt(mask, u < 0 ? 0 : u > 1 ? 1 : u, v < 0 ? 0 : v > 1 ? 1 : v);
    }
    let vis = s.visibility[f];
    if (vis < 0) vis = isPointShadowed(s, face, hx, hy, hz) ? 0.2 : 1;
    s.shader.finish(s.lit, f * 3, vis, ao, px);
    return px[0] | px[1] << 8 | px[2] << 16;
  }
}
