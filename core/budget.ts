/**
 * Work budgets: every operation that writes or allocates voxels charges what it will touch to a
 * budget BEFORE it allocates, so one request (or one file) cannot exhaust memory or time. A
 * budget is shared by everything one request does (a batch is counted in total).
 */
import { GoxelError } from "./errors.ts";

/** Default voxel budget of one request (matches `limits.max_voxels_per_request`). */
export const DEFAULT_MAX_VOXELS = 20_000_000;
/** Default tile budget of one request (16 384 tiles of 16³ RGBA are 256 MiB). */
export const DEFAULT_MAX_TILES = 16_384;
/** Tile visits (cheap overlap tests) allowed per charged tile, bounding the CPU of thin shapes. */
export const VISITS_PER_TILE = 64;

/** A request asked for more work than its budget allows; nothing was allocated for it. */
export class LimitError extends GoxelError {
  /** The configuration key that sets the exceeded limit. */
  readonly limit: string;
  readonly requested: number;
  readonly max: number;
  constructor(limit: string, requested: number, max: number, message: string) {
    super("limit_exceeded", message);
    this.limit = limit;
    this.requested = requested;
    this.max = max;
  }
}

/** What one step of an operation will touch. */
export interface WorkCharge {
  /** Voxels written or sampled. */
  voxels?: number;
  /** Tiles that may be allocated. */
  tiles?: number;
  /** Tiles merely visited (overlap tests); bounded at `maxTiles × VISITS_PER_TILE`. */
  visits?: number;
}

/** Limits of a budget. */
export interface WorkBudgetOptions {
  maxVoxels?: number;
  maxTiles?: number;
}

/** Counts voxels and tiles against limits; `charge` throws LimitError before any allocation. */
export class WorkBudget {
  readonly maxVoxels: number;
  readonly maxTiles: number;
  #voxels = 0;
  #tiles = 0;
  #visits = 0;

  constructor(options: WorkBudgetOptions = {}) {
    this.maxVoxels = options.maxVoxels ?? DEFAULT_MAX_VOXELS;
    this.maxTiles = options.maxTiles ?? DEFAULT_MAX_TILES;
  }

  /** Voxels charged so far. */
  get voxels(): number {
    return this.#voxels;
  }

  /** Tiles charged so far. */
  get tiles(): number {
    return this.#tiles;
  }

  /** Adds `work` for the operation named `what`; throws LimitError (and adds nothing) when over. */
  charge(what: string, work: WorkCharge): void {
    const voxels = this.#voxels + sanitize(work.voxels);
    const tiles = this.#tiles + sanitize(work.tiles);
    const visits = this.#visits + sanitize(work.visits);
    if (voxels > this.maxVoxels) {
      throw over(what, "voxels", "limits.max_voxels_per_request", voxels, this.maxVoxels);
    }
    if (tiles > this.maxTiles) {
      throw over(what, "tiles", "limits.max_tiles_per_request", tiles, this.maxTiles);
    }
    const maxVisits = this.maxTiles * VISITS_PER_TILE;
    if (visits > maxVisits) {
      throw over(what, "tile visits", "limits.max_tiles_per_request", visits, maxVisits);
    }
    this.#voxels = voxels;
    this.#tiles = tiles;
    this.#visits = visits;
  }
}

/** NaN, infinite and negative counts are treated as "too many" or zero, never as "fine". */
function sanitize(n: number | undefined): number {
  if (n === undefined || n <= 0) return 0;
  return Number.isFinite(n) ? Math.ceil(n) : Number.MAX_VALUE;
}

function over(what: string, unit: string, limit: string, requested: number, max: number) {
  const shown = requested >= 1e15 ? requested.toExponential(2) : String(requested);
  return new LimitError(
    limit,
    requested,
    max,
    `Cannot ${what}: it would touch ${shown} ${unit}, more than the limit of ${max} (${limit})`,
  );
}

/** Number of 16³ tiles in the half-open voxel range [lo, hi) per axis (tile-aligned count). */
export function tilesInRange(lo: readonly number[], hi: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < 3; i++) {
    if (!(hi[i] > lo[i])) return 0;
    n *= Math.floor((hi[i] - 1) / 16) - Math.floor(lo[i] / 16) + 1;
  }
  return n;
}

/**
 * Charges a decoded model of `size` (per axis) holding `voxels` voxels before it is placed: the
 * voxels, and the tiles they can reach (no more than one per voxel).
 */
export function chargeModel(
  budget: WorkBudget,
  what: string,
  size: number[],
  voxels: number,
): void {
  const tiles = Math.min(voxels, tilesInRange([0, 0, 0], size.map((s) => s + 15)));
  budget.charge(what, { voxels, tiles });
}

/** Number of voxels in the half-open range [lo, hi) per axis. */
export function voxelsInRange(lo: readonly number[], hi: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < 3; i++) n *= Math.max(0, hi[i] - lo[i]);
  return n;
}
