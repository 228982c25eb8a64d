/**
 * Ray casting through a sparse voxel volume: the solid voxels (alpha ≥ 127) are copied into
 * 4³ bricks over their bounding box; each empty brick stores its Chebyshev distance to the
 * nearest occupied brick, so a ray leaps out of the empty cube around it in one step, and
 * inside occupied bricks an Amanatides–Woo DDA walks voxel by voxel.
 */
import { InvalidInputError } from "../errors.ts";

/** One tile of plain voxel data: origin (multiples of 16) and 4096 packed RGBA values. */
export interface PlainTile {
  origin: readonly [number, number, number];
  voxels: Uint32Array;
}

/**
 * The solid voxels of a volume in a form rays walk quickly. Local voxel coordinates start at
 * 0; the grid is cut in 4³ bricks: `grid[brick]` ≥ 0 is the offset of the brick's 64 colours
 * in `colors`, < 0 is minus the Chebyshev distance (in bricks) to the nearest occupied brick.
 */
export interface RayScene {
  /** World position of local voxel (0, 0, 0). */
  origin: [number, number, number];
  /** Grid size in bricks. */
  bricks: [number, number, number];
  /** Grid size in voxels (bricks × 4). */
  size: [number, number, number];
  grid: Int32Array;
  /** Colours of the occupied bricks (x fastest, 64 per brick); 0 where not solid. */
  colors: Uint32Array;
  /** World AABB `[min, max)` of the solid voxels, or null when there are none. */
  bbox: { min: [number, number, number]; max: [number, number, number] } | null;
}

/** Minimum alpha of a voxel that rays stop at (Goxel's mesher threshold). */
export const SOLID_ALPHA = 127;

/** Largest brick grid a scene may allocate (64 MiB), about a 1024³ bounding box. */
export const MAX_GRID_BRICKS = 1 << 24;

/**
 * Builds the ray scene of a list of tiles; voxels with alpha < 127 are dropped. Without
 * `distances` every empty brick keeps −1 (correct for solidAt, a slow walk for rays).
 */
export function buildRayScene(tiles: Iterable<PlainTile>, distances = true): RayScene {
  const solid: PlainTile[] = [];
  const vmin = [Infinity, Infinity, Infinity], vmax = [-Infinity, -Infinity, -Infinity];
  for (const tile of tiles) {
    const bounds = solidBounds(tile);
    if (bounds) addBounds(tile, bounds, vmin, vmax), solid.push(tile);
  }
  const frame = sceneFrame(vmin, vmax);
  if (!frame) return emptyScene();
  const { grid, store } = brickGrid(solid, frame);
  if (distances) chessboardDistance(grid, frame.bricks);
  const colors = store.colors.subarray(0, store.used);
  return { ...frame, grid, colors, bbox: { min: vmin, max: vmax } as RayScene["bbox"] };
}

/** The scene of no solid voxel. */
export function emptyScene(): RayScene {
  return {
    origin: [0, 0, 0],
    bricks: [1, 1, 1],
    size: [4, 4, 4],
    grid: new Int32Array([-1]),
    colors: new Uint32Array(0),
    bbox: null,
  };
}

/**
 * Returns the brick grid over the solid voxels' box [vmin, vmax): its origin, size in bricks and
 * in voxels; null for an empty box. Throws when the grid would be too large.
 */
export function sceneFrame(vmin: readonly number[], vmax: readonly number[]) {
  if (!(vmin[0] < vmax[0])) return null;
  const origin = vmin.map((v) => Math.floor(v / 4) * 4) as [number, number, number];
  const bricks = vmax.map((v, a) => Math.ceil((v - origin[a]) / 4)) as [number, number, number];
  if (bricks[0] * bricks[1] * bricks[2] > MAX_GRID_BRICKS) {
    const span = vmax.map((v, a) => v - vmin[a]).join("×");
    throw new InvalidInputError(`Cannot render: the model spans ${span} voxels, too large a box`);
  }
  const size: [number, number, number] = [bricks[0] * 4, bricks[1] * 4, bricks[2] * 4];
  return { origin, bricks, size };
}

/**
 * Returns the brick grid of a frame (see sceneFrame) with a slot for every brick of the tiles
 * that has a solid voxel, and the slots' colours; empty bricks hold −1.
 */
export function brickGrid(
  tiles: readonly PlainTile[],
  frame: { origin: readonly number[]; bricks: readonly number[] },
): { grid: Int32Array; store: BrickColors } {
  const { origin, bricks } = frame;
  const grid = new Int32Array(bricks[0] * bricks[1] * bricks[2]).fill(-1);
  const store: BrickColors = { colors: new Uint32Array(64 * 64), used: 0 };
  for (const tile of tiles) fillTileBricks(tile, origin, bricks, grid, store);
  return { grid, store };
}

/** Brick colours being filled: `used` entries of `colors` hold bricks (64 each). */
export interface BrickColors {
  colors: Uint32Array;
  used: number;
}

/**
 * Copies a tile's solid voxels into their bricks, giving a slot (at the end of `store`) to
 * each brick that has none yet; what a brick already holds stays unless overwritten.
 */
export function fillTileBricks(
  tile: PlainTile,
  origin: readonly number[],
  bricks: readonly number[],
  grid: Int32Array,
  store: BrickColors,
): void {
  const { origin: o, voxels } = tile;
  for (let i = 0; i < 4096; i++) {
    const c = voxels[i];
    if (c >>> 24 < SOLID_ALPHA) continue;
    const x = o[0] + (i & 15) - origin[0], y = o[1] + ((i >> 4) & 15) - origin[1];
    const z = o[2] + (i >> 8) - origin[2];
    const b = (x >> 2) + bricks[0] * ((y >> 2) + bricks[1] * (z >> 2));
    if (grid[b] < 0) {
      if (store.used === store.colors.length) {
        const bigger = new Uint32Array(store.colors.length * 2);
        bigger.set(store.colors);
        store.colors = bigger;
      }
      grid[b] = store.used;
      store.used += 64;
    }
    store.colors[grid[b] + (x & 3) + ((y & 3) << 2) + ((z & 3) << 4)] = c;
  }
}

/**
 * Replaces every empty brick (−1) by minus its Chebyshev distance to the nearest occupied
 * brick, with the two-pass sequential transform over 26-neighbourhoods (exact for this metric).
 */
function chessboardDistance(grid: Int32Array, dims: number[]): void {
  const [nx, ny, nz] = dims, big = nx + ny + nz;
  const d = new Int32Array(grid.length);
  for (let i = 0; i < grid.length; i++) d[i] = grid[i] >= 0 ? 0 : big;
  for (const dir of [1, -1]) {
    const x0 = dir > 0 ? 0 : nx - 1, y0 = dir > 0 ? 0 : ny - 1, z0 = dir > 0 ? 0 : nz - 1;
    for (let z = z0; z >= 0 && z < nz; z += dir) {
      for (let y = y0; y >= 0 && y < ny; y += dir) {
        for (let x = x0; x >= 0 && x < nx; x += dir) {
          const i = x + nx * (y + ny * z);
          if (d[i] === 0) continue;
          d[i] = Math.min(d[i], 1 + minBehind(d, dims, x, y, z, dir));
        }
      }
    }
  }
  for (let i = 0; i < grid.length; i++) if (grid[i] < 0) grid[i] = -d[i];
}

/** Returns the smallest distance among the 13 neighbours already visited by a raster pass. */
function minBehind(
  d: Int32Array,
  dims: number[],
  x: number,
  y: number,
  z: number,
  dir: number,
): number {
  const [nx, ny, nz] = dims;
  let m = Infinity;
  for (let dz = -1; dz <= 0; dz++) {
    const zz = z + dz * dir;
    if (zz < 0 || zz >= nz) continue;
    for (let dy = -1; dy <= 1; dy++) {
      if (dz === 0 && dy > 0) break;
      const yy = y + dy * dir;
      if (yy < 0 || yy >= ny) continue;
      for (let dx = -1; dx <= 1; dx++) {
        if (dz === 0 && dy === 0 && dx >= 0) break;
        const xx = x + dx * dir;
        if (xx < 0 || xx >= nx) continue;
        const v = d[xx + nx * (yy + ny * zz)];
        if (v < m) m = v;
      }
    }
  }
  return m;
}

/**
 * Returns the box of a tile's solid voxels in tile coordinates, [x0, y0, z0, x1, y1, z1]
 * inclusive, or null when it has none. Throws on a tile that is not a 16³ tile.
 */
export function solidBounds(tile: PlainTile): Int32Array | null {
  const v = tile.voxels;
  if (v.length !== 4096) throw new RangeError(`Tile has ${v.length} voxels instead of 4096`);
  if (tile.origin.some((o) => o % 16 !== 0)) {
    throw new RangeError(`Tile origin ${tile.origin.join(",")} is not a multiple of 16`);
  }
  let x0 = 16, y0 = 16, z0 = 16, x1 = -1, y1 = -1, z1 = -1;
  for (let i = 0; i < 4096; i++) {
    if (v[i] >>> 24 < SOLID_ALPHA) continue;
    const x = i & 15, y = (i >> 4) & 15, z = i >> 8;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    z1 = z;
  }
  return x1 < 0 ? null : Int32Array.of(x0, y0, z0, x1, y1, z1);
}

/** Grows the world box [vmin, vmax) by a tile's solid box (see solidBounds). */
export function addBounds(
  tile: PlainTile,
  bounds: Int32Array,
  vmin: number[],
  vmax: number[],
): void {
  const o = tile.origin;
  for (let a = 0; a < 3; a++) {
    if (o[a] + bounds[a] < vmin[a]) vmin[a] = o[a] + bounds[a];
    if (o[a] + bounds[a + 3] + 1 > vmax[a]) vmax[a] = o[a] + bounds[a + 3] + 1;
  }
}

/** Returns the colour of the solid voxel at local (x, y, z), or 0 when it is not solid. */
export function solidAt(s: RayScene, x: number, y: number, z: number): number {
  if (x >>> 0 >= s.size[0] || y >>> 0 >= s.size[1] || z >>> 0 >= s.size[2]) return 0;
  const g = s.grid[(x >> 2) + s.bricks[0] * ((y >> 2) + s.bricks[1] * (z >> 2))];
  return g < 0 ? 0 : s.colors[g + (x & 3) + ((y & 3) << 2) + ((z & 3) << 4)];
}

/**
 * Casts rays through one scene. After `cast()` returns true the public fields describe the
 * hit: local voxel coordinates, the face the ray entered by, the voxel colour and the ray
 * parameter t at the entry point.
 */
export class RayCaster {
  /** Ray parameter at the entry point of the hit voxel (in units of the direction's length). */
  t = 0;
  /** Local coordinates of the hit voxel. */
  x = 0;
  y = 0;
  z = 0;
  /** Face index of the cube mesher (0 −Y, 1 +Y, 2 −Z, 3 +Z, 4 +X, 5 −X). */
  face = 0;
  /** Packed RGBA colour of the hit voxel. */
  color = 0;
  #s: RayScene;
  #axis = -1;

  constructor(scene: RayScene) {
    this.#s = scene;
  }

  /** The scene rays are cast through. */
  get scene(): RayScene {
    return this.#s;
  }

  /**
   * Casts a ray from local point p along d (any length, not zero); returns false when it leaves
   * the grid without entering a solid voxel. Solid voxels around the origin are passed
   * through, as back-face culling does when the eye is inside the model.
   */
  cast(px: number, py: number, pz: number, dx: number, dy: number, dz: number): boolean {
    // A tiny slope instead of 0 keeps every boundary distance finite (no 0 × ∞).
    if (dx === 0) dx = 1e-12;
    if (dy === 0) dy = 1e-12;
    if (dz === 0) dz = 1e-12;
    return this.#enter(px, py, pz, dx, dy, dz) && this.#walk(px, py, pz, dx, dy, dz);
  }

  /**
   * Walks the grid from the voxel #enter found until a solid voxel or the grid's end; one
   * function on purpose, so the hot loop (DDA steps and empty-brick jumps) runs on locals.
   */
  #walk(px: number, py: number, pz: number, dx: number, dy: number, dz: number): boolean {
    const s = this.#s, grid = s.grid, colors = s.colors, gx = s.bricks[0], gy = s.bricks[1];
    const nx = s.size[0], ny = s.size[1], nz = s.size[2];
    const ix = 1 / dx, iy = 1 / dy, iz = 1 / dz;
    const sx = dx > 0 ? 1 : -1, sy = dy > 0 ? 1 : -1, sz = dz > 0 ? 1 : -1;
    const adx = Math.abs(ix), ady = Math.abs(iy), adz = Math.abs(iz);
    const ux = dx > 0 ? 1 : 0, uy = dy > 0 ? 1 : 0, uz = dz > 0 ? 1 : 0;
    let x = this.x, y = this.y, z = this.z, t = this.t, axis = this.#axis;
    let tx = (x + ux - px) * ix, ty = (y + uy - py) * iy, tz = (z + uz - pz) * iz;
    let skipping = axis === -1;
    for (;;) {
      const slot = grid[(x >> 2) + gx * ((y >> 2) + gy * (z >> 2))];
      if (slot < 0) {
        // Empty brick `-slot` bricks away from any occupied one: leave the empty cube around it.
        skipping = false;
        const r = (-slot - 1) << 2, bx = x & ~3, by = y & ~3, bz = z & ~3;
        const lx = bx > r ? bx - r : 0, hx = bx + 4 + r < nx ? bx + 4 + r : nx;
        const ly = by > r ? by - r : 0, hy = by + 4 + r < ny ? by + 4 + r : ny;
        const lz = bz > r ? bz - r : 0, hz = bz + 4 + r < nz ? bz + 4 + r : nz;
        const ex = ((ux ? hx : lx) - px) * ix, ey = ((uy ? hy : ly) - py) * iy;
        const ez = ((uz ? hz : lz) - pz) * iz;
        if (ex <= ey && ex <= ez) {
          t = ex, axis = 0, x = ux ? hx : lx - 1;
          if (x >>> 0 >= nx) return false;
          y = floorIn(py + dy * t, ly, hy);
          z = floorIn(pz + dz * t, lz, hz);
        } else if (ey <= ez) {
          t = ey, axis = 1, y = uy ? hy : ly - 1;
          if (y >>> 0 >= ny) return false;
          x = floorIn(px + dx * t, lx, hx);
          z = floorIn(pz + dz * t, lz, hz);
        } else {
          t = ez, axis = 2, z = uz ? hz : lz - 1;
          if (z >>> 0 >= nz) return false;
          x = floorIn(px + dx * t, lx, hx);
          y = floorIn(py + dy * t, ly, hy);
        }
        tx = (x + ux - px) * ix, ty = (y + uy - py) * iy, tz = (z + uz - pz) * iz;
        continue;
      }
      const c = colors[slot + (x & 3) + ((y & 3) << 2) + ((z & 3) << 4)];
      if (c !== 0) {
        if (!skipping) {
          return this.#hit(t, x, y, z, c, axis === 0 ? 4 + ux : axis === 1 ? 1 - uy : 3 - uz);
        }
      } else skipping = false;
      if (tx < ty && tx < tz) {
        x += sx, t = tx, tx += adx, axis = 0;
        if (x >>> 0 >= nx) return false;
      } else if (ty < tz) {
        y += sy, t = ty, ty += ady, axis = 1;
        if (y >>> 0 >= ny) return false;
      } else {
        z += sz, t = tz, tz += adz, axis = 2;
        if (z >>> 0 >= nz) return false;
      }
    }
  }

  #hit(t: number, x: number, y: number, z: number, color: number, face: number): true {
    this.t = t, this.x = x, this.y = y, this.z = z, this.color = color, this.face = face;
    return true;
  }

  /** Clips the ray to the grid and sets the first voxel, t and entry axis (-1 when inside). */
  #enter(px: number, py: number, pz: number, dx: number, dy: number, dz: number): boolean {
    const n = this.#s.size, nx = n[0], ny = n[1], nz = n[2];
    let t = 0, axis = -1;
    const ax = -px / dx, bx = (nx - px) / dx, ay = -py / dy, by = (ny - py) / dy;
    const az = -pz / dz, bz = (nz - pz) / dz;
    const tx = ax < bx ? ax : bx, ty = ay < by ? ay : by, tz = az < bz ? az : bz;
    if (tx > t) t = tx, axis = 0;
    if (ty > t) t = ty, axis = 1;
    if (tz > t) t = tz, axis = 2;
    if (t >= Math.min(ax < bx ? bx : ax, ay < by ? by : ay, az < bz ? bz : az)) return false;
    this.t = t, this.#axis = axis;
    this.x = axis === 0 ? (dx > 0 ? 0 : nx - 1) : floorIn(px + dx * t, 0, nx);
    this.y = axis === 1 ? (dy > 0 ? 0 : ny - 1) : floorIn(py + dy * t, 0, ny);
    this.z = axis === 2 ? (dz > 0 ? 0 : nz - 1) : floorIn(pz + dz * t, 0, nz);
    return true;
  }
}

/** Returns floor(v) clamped to [lo, hi − 1], for 0 ≤ lo < hi < 2³¹. */
function floorIn(v: number, lo: number, hi: number): number {
  return v <= lo ? lo : v >= hi ? hi - 1 : v | 0;
}
