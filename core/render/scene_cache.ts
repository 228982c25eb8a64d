/**
 * What a render builds from the voxels alone — the ray scene and, for the rasteriser, the face
 * mesh with each face's occlusion mask — kept for the next render of the same content: other
 * cameras, lights or sizes of one model (an agent's views of its work, a turntable) skip
 * rebuilding them. Content is named by a string the caller derives from Volume keys (see
 * mergedVisibleName: equal names mean equal voxels); with no name nothing is kept.
 */
import { meshFaces, volumeFromTiles } from "./raster_scene.ts";
import { buildRayScene, type PlainTile, type RayScene } from "./raycast.ts";
import type { FaceRects } from "./face_rects.ts";
import type { FaceList } from "./shadow_map.ts";
import { Scratch } from "../scratch.ts";
import { TileMeshes } from "./tile_meshes.ts";
import { TileRayScene } from "./tile_ray_scene.ts";

/** The faces of a volume with their colours and occlusion masks (filled as faces are shaded). */
export interface FaceMesh extends FaceList {
  colors: Uint32Array;
  /** Occlusion mask per face (see occlusionMask), valid where `known` is 1. */
  masks: Uint8Array;
  known: Uint8Array;
  /** The faces merged into rectangles for the shadow map (made when first needed). */
  rects?: FaceRects;
}

/** Largest set of parts kept between renders (the rest is rebuilt each time). */
export const MAX_KEPT_BYTES = 48 << 20;

/**
 * The parts of one content's renders; one content at a time, except that the mesh is kept
 * tile by tile across contents when tiles are numbered (see TileMeshes).
 */
export class SceneCache {
  /** Working arrays of the renders that use this cache (see Scratch). */
  readonly scratch = new Scratch();
  #key: string | null = null;
  #scene: RayScene | null = null;
  #distances = false;
  #mesh: FaceMesh | null = null;
  #tiles: TileMeshes | null = null;
  #grids: TileRayScene | null = null;

  /** Name of the content held (null: nothing). */
  get key(): string | null {
    return this.#key;
  }

  /**
   * Returns the ray scene of content `key` made of `tiles` (with empty-space distances if
   * asked). Without distances and with the tiles' numbers (see TileRayScene) only the tiles an
   * edit changed since the last scene are copied again.
   */
  rayScene(
    key: string | null,
    tiles: PlainTile[],
    distances: boolean,
    numbers?: ArrayLike<number>,
  ): RayScene {
    this.#select(key);
    if (this.#scene && (this.#distances || !distances)) return this.#scene;
    const scene = !distances && numbers && key !== null
      ? (this.#grids ??= new TileRayScene()).scene(tiles, numbers)
      : buildRayScene(tiles, distances);
    if (this.#keeps(scene.grid.byteLength + scene.colors.byteLength)) {
      this.#scene = scene;
      this.#distances = distances;
    }
    return scene;
  }

  /**
   * Returns the face mesh of content `key` made of `tiles`; with their numbers (`numbers`, see
   * TileMeshes) only the tiles an edit changed since the last mesh are meshed again.
   */
  mesh(key: string | null, tiles: PlainTile[], numbers?: ArrayLike<number>): FaceMesh {
    this.#select(key);
    if (this.#mesh) return this.#mesh;
    let mesh: FaceMesh;
    if (numbers && key !== null) mesh = (this.#tiles ??= new TileMeshes()).mesh(tiles, numbers);
    else {
      const list = meshFaces(volumeFromTiles(tiles));
      mesh = { ...list, masks: new Uint8Array(list.count), known: new Uint8Array(list.count) };
    }
    if (this.#keeps(meshBytes(mesh))) this.#mesh = mesh;
    return mesh;
  }

  /** Forgets what is held unless it is of content `key` (null: everything, tiles too). */
  #select(key: string | null): void {
    if (key !== null && key === this.#key) return;
    this.#key = key;
    this.#scene = null;
    this.#distances = false;
    this.#mesh = null;
    if (key === null) this.#tiles = this.#grids = null;
  }

  /** Returns whether parts of `bytes` more may be kept (else nothing of this content is). */
  #keeps(bytes: number): boolean {
    const held = (this.#scene ? this.#scene.grid.byteLength + this.#scene.colors.byteLength : 0) +
      (this.#mesh ? meshBytes(this.#mesh) : 0);
    if (this.#key !== null && held + bytes <= MAX_KEPT_BYTES) return true;
    this.#select(null);
    return false;
  }
}

/** Bytes a mesh holds (its arrays are views of buffers with room to spare). */
function meshBytes(mesh: FaceMesh): number {
  return mesh.voxels.buffer.byteLength + mesh.faces.buffer.byteLength +
    mesh.colors.buffer.byteLength + 2 * mesh.count +
    (mesh.rects ? mesh.rects.faces.buffer.byteLength + mesh.rects.corners.buffer.byteLength : 0);
}
