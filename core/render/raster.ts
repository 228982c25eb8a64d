/**
 * The rasterising renderer: the faces of a RasterScene drawn into a depth buffer of face ids
 * (band by band, so bands can be rendered in parallel), then each sample is shaded once —
 * flat faces from their precomputed colour, the others from the exact point the camera ray
 * meets the face plane (occlusion from the face's mask, shadow from the shadow map) — and the
 * sub × sub samples of each pixel are averaged with truncation, like Goxel's export.
 */
import { DepthBand } from "./raster_quad.ts";
import type { RangeClaims } from "./range_claims.ts";
import { type Scratch, takeArray } from "../scratch.ts";
import { isPointShadowed, type RasterScene, shadeFace, SLOW, UNSHADED } from "./raster_scene.ts";
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

/** Pixel rows per tile: small enough that a tile's depth and id buffers stay in cache. */
const TILE_ROWS = 16;

/**
 * Renders the pixel rows of each range [y0, y1) it takes from `claims` and hands their RGBA
 * bytes to `visit` with the range's index, range by range: new arrays, or with `rows` one array
 * of that scratch that the next range (or render) overwrites. The picture is cut in tiles of
 * TILE_ROWS rows, each drawn with the faces binned to it, so any set of ranges gives the same
 * pixels as the whole picture.
 */
export function rasterRanges(
  s: RasterScene,
  grid: RasterGrid,
  claims: RangeClaims,
  visit: (rgba: Uint8Array, index: number) => void,
  scratch: Scratch | null = null,
  rows: Scratch | null = null,
): void {
  const sub = grid.sub, sw = grid.width * sub;
  const band = new DepthBand(sw, 0, Math.min(TILE_ROWS, grid.height) * sub, true, scratch);
  const bins = binFaces(s, 0, grid.height * sub, TILE_ROWS * sub, scratch);
  const shade = new SampleShader(s, sw, grid.height * sub);
  for (let index = claims.take(); index >= 0; index = claims.take()) {
    const [y0, y1] = claims.ranges[index];
    const out = takeArray(rows, "rows", Uint8Array, grid.width * (y1 - y0) * 4);
    for (let t = Math.floor(y0 / TILE_ROWS); t * TILE_ROWS < y1; t++) {
      const r0 = Math.max(y0, t * TILE_ROWS), r1 = Math.min(y1, (t + 1) * TILE_ROWS);
      band.moveTo(r0 * sub, r1 * sub);
      const span = drawFaces(s, band, bins.faces.subarray(bins.start[t], bins.start[t + 1]));
      // Pixel columns outside every drawn face are background: fill them without a look.
      const p0 = Math.max(0, Math.floor(span[0] / sub) - 1);
      const p1 = Math.min(grid.width, Math.ceil(span[1] / sub) + 1);
      const tile = out.subarray((r0 - y0) * grid.width * 4);
      resolveRows(s, grid, band, shade, [r0, r1, p0, p1], tile);
    }
    visit(out, index);
  }
}

/** Faces (indices into s.front) listed per tile of `tile` sample rows, tiles top to bottom. */
function binFaces(
  s: RasterScene,
  top: number,
  bottom: number,
  tile: number,
  scratch: Scratch | null,
) {
  const count = Math.max(1, Math.ceil((bottom - top) / tile)), scr = s.screen;
  const first = takeArray(scratch, "first", Int32Array, s.front.length);
  const last = takeArray(scratch, "last", Int32Array, s.front.length);
  const start = new Int32Array(count + 1);
  for (let k = 0; k < s.front.length; k++) {
    const o = k * 11;
    const minY = Math.min(scr[o + 4], scr[o + 5], scr[o + 6], scr[o + 7]);
    const maxY = Math.max(scr[o + 4], scr[o + 5], scr[o + 6], scr[o + 7]);
    // One sample row of slack either way: drawQuad decides exactly.
    first[k] = Math.max(0, Math.floor((minY - 1 - top) / tile));
    last[k] = Math.min(count - 1, Math.floor((maxY + 1 - top) / tile));
    for (let t = first[k]; t <= last[k]; t++) start[t + 1]++;
  }
  for (let t = 0; t < count; t++) start[t + 1] += start[t];
  const faces = takeArray(scratch, "binned", Int32Array, start[count]);
  const fill = start.slice(0, count);
  for (let k = 0; k < s.front.length; k++) {
    for (let t = first[k]; t <= last[k]; t++) faces[fill[t]++] = k;
  }
  return { count, start, faces };
}

/**
 * Draws the listed front faces (indices into s.front) into the band; returns the sample
 * columns they span ([Infinity, −Infinity] for none).
 */
function drawFaces(s: RasterScene, band: DepthBand, list: Int32Array): [number, number] {
  const xs = new Float64Array(4), ys = new Float64Array(4), scr = s.screen;
  let minX = Infinity, maxX = -Infinity;
  for (let n = 0; n < list.length; n++) {
    const k = list[n], o = k * 11;
    for (let c = 0; c < 4; c++) {
      xs[c] = scr[o + c], ys[c] = scr[o + 4 + c];
      if (xs[c] < minX) minX = xs[c];
      if (xs[c] > maxX) maxX = xs[c];
    }
    band.drawQuad(xs, ys, scr[o + 8], scr[o + 9], scr[o + 10], s.front[k]);
  }
  return [minX, maxX];
}

/**
 * Shades and averages the samples of pixel rows [r0, r1) (held by the band) into `out`;
 * outside columns [p0, p1) every pixel is background.
 */
function resolveRows(
  s: RasterScene,
  grid: RasterGrid,
  band: DepthBand,
  shade: SampleShader,
  [r0, r1, p0, p1]: number[],
  out: Uint8Array,
): void {
  const sub = grid.sub, sw = grid.width * sub, px = new Uint8Array(3), ids = band.ids!;
  const back = grid.background, n = sub * sub, w = grid.width;
  const out32 = new Uint32Array(out.buffer, out.byteOffset, (r1 - r0) * w);
  for (let j = r0; j < r1; j++) {
    const bg = pixelBackground(back, j, sub), row = (j - r0) * w;
    const packed = bg[0] | bg[1] << 8 | bg[2] << 16 | bg[3] << 24;
    out32.fill(packed, row, row + Math.min(p0, w));
    out32.fill(packed, row + Math.max(p1, 0), row + w);
    for (let i = Math.max(p0, 0); i < Math.min(p1, w); i++) {
      // A pixel wholly on one flat face (or on nothing) needs no per-sample work.
      const first = (j * sub - band.y0) * sw + i * sub, f0 = ids[first];
      if (isUniform(ids, first, sw, sub)) {
        if (f0 < 0) {
          out32[row + i] = packed;
          continue;
        }
        let c = s.flat[f0];
        if (c === UNSHADED) c = shadeFace(s, f0);
        if (c !== SLOW) {
          out32[row + i] = c | 0xff000000;
          continue;
        }
      }
      let r = 0, g = 0, b = 0, a = 0, empty = 0;
      for (let sy = j * sub; sy < j * sub + sub; sy++) {
        let so = (sy - band.y0) * sw + i * sub;
        for (let sx = i * sub; sx < i * sub + sub; sx++, so++) {
          const f = ids[so];
          if (f < 0) {
            // The background of this sample row.
            empty++;
            r += back[sy * 4], g += back[sy * 4 + 1], b += back[sy * 4 + 2], a += back[sy * 4 + 3];
            continue;
          }
          let c = s.flat[f];
          if (c === UNSHADED) c = shadeFace(s, f);
          if (c === SLOW) c = shade.sample(f, sx, sy, px);
          r += c & 255, g += (c >>> 8) & 255, b += (c >>> 16) & 255, a += 255;
        }
      }
      out32[row + i] = empty === n
        ? packed
        : (r / n) | (g / n) << 8 | (b / n) << 16 | (a / n) << 24;
    }
  }
}

/** Returns true when the sub × sub samples from `first` all hold the same id. */
function isUniform(ids: Int32Array, first: number, sw: number, sub: number): boolean {
  const f = ids[first];
  for (let y = 0, o = first; y < sub; y++, o += sw) {
    for (let x = 0; x < sub; x++) if (ids[o + x] !== f) return false;
  }
  return true;
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
