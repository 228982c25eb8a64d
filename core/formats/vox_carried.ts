/**
 * What a decoded `.vox` file keeps beside the image: its chunk list (vox_records.ts), its
 * palette, and one link per layer saying which scene nodes and models the layer came from, so
 * the writer can put edited voxels back into the same structure.
 */
import type { Image } from "../image.ts";
import type { Layer } from "../layer.ts";
import type { VoxObject, VoxTransform } from "./vox_scene.ts";
import type { VoxModelRecord, VoxRecord } from "./vox_records.ts";

/** One placement of a model inside a layer. */
export interface VoxLinkInstance {
  model: number;
  /** The nSHP node, −1 when there is no scene graph. */
  shape: number;
  /** Accumulated transform of the instance (world = R·local + t around the model pivot). */
  xf: VoxTransform;
}

/** Where one decoded layer came from. */
export interface VoxLink {
  /** Equal to the layer's `carriedKey`. */
  key: number;
  /** Name and visibility as decoded: a change means the writer must update the nodes. */
  name: string;
  visible: boolean;
  /** The nTRN directly above the shape (or part group), −1 when none. */
  owner: number;
  /** The nGRP listing `owner`, −1 when none. */
  group: number;
  /** True when the name came from the file (else the decoder made it up: "Layer.3"). */
  named: boolean;
  /** True when `owner` is reached by more than one path (an instanced subtree). */
  shared: boolean;
  /** Node ids from the root down to `owner` (empty without a scene graph). */
  path: number[];
  instances: VoxLinkInstance[];
}

/** The carried record of a `.vox` file. */
export interface VoxCarried {
  format: "vox";
  version: number;
  /** MAIN's own content (normally empty). */
  main: Uint8Array;
  records: VoxRecord[];
  models: VoxModelRecord[];
  /** 256 packed colours (index 0 unused) from the RGBA chunk; null when the file had none. */
  palette: Uint32Array | null;
  links: VoxLink[];
  /**
   * For files without a scene graph: the graph that places every model as our decoder did
   * (root nTRN 0 → nGRP 1 → nTRN → nSHP per model), written only when the scene must change.
   */
  synthetic: VoxRecord[] | null;
  /** Goxel materials made from MATL chunks: their MATL class key (matlKey) by name. */
  materialKeys: Record<string, string>;
}

/** The identity transform with a translation. */
const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** Returns the scene our decoder assumes for a file without one. */
export function syntheticScene(models: number): VoxRecord[] {
  const owners = Array.from({ length: models }, (_, k) => 2 + 2 * k);
  const out: VoxRecord[] = [
    { id: "nTRN", node: 0, attrs: [], child: 1, reserved: -1, layer: -1, frames: [[]] },
    { id: "nGRP", node: 1, attrs: [], children: owners },
  ];
  owners.forEach((node, k) => {
    out.push({
      id: "nTRN",
      node,
      attrs: [],
      child: node + 1,
      reserved: -1,
      layer: 0,
      frames: [[]],
    });
    out.push({ id: "nSHP", node: node + 1, attrs: [], models: [[k, []]] });
  });
  return out;
}

/** Objects for a file without a scene graph: every model at the origin, as synthetic nodes. */
export function sceneLessObjects(models: number, synthetic: boolean): VoxObject[] {
  return Array.from({ length: models }, (_, modelId) => ({
    name: "",
    hidden: false,
    owner: synthetic ? 2 + 2 * modelId : -1,
    group: synthetic ? 1 : -1,
    path: synthetic ? [0, 1, 2 + 2 * modelId] : [],
    instances: [{
      modelId,
      shape: synthetic ? 3 + 2 * modelId : -1,
      xf: { r: IDENTITY, t: [0, 0, 0] },
    }],
  }));
}

/** Builds the links of the layers made from `objects` (layer keys are 1, 2, … in order). */
export function linkObjects(
  objects: { obj: VoxObject; name: string; visible: boolean }[],
  all: VoxObject[],
): VoxLink[] {
  const visits = new Map<number, number>();
  for (const o of all) if (o.owner >= 0) visits.set(o.owner, (visits.get(o.owner) ?? 0) + 1);
  return objects.map(({ obj, name, visible }, i) => ({
    key: i + 1,
    name,
    visible,
    owner: obj.owner,
    group: obj.group,
    named: obj.name !== "" && obj.name === name,
    shared: (visits.get(obj.owner) ?? 0) > 1,
    path: obj.path,
    instances: obj.instances.map((inst) => ({
      model: inst.modelId,
      shape: inst.shape,
      xf: inst.xf,
    })),
  }));
}

/** Counts the chunk kinds of the file as it was (`SIZE`, `XYZI`, `MATL`…), in first-seen order. */
export function voxChunkCounts(c: VoxCarried): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const r of c.records) {
    if (r.id === "SIZE") {
      add("SIZE");
      if (c.models[r.model].kind) add(c.models[r.model].kind);
    } else add(r.id === "raw" ? r.kind : r.id);
  }
  return counts;
}

/** Chunk kinds that hold only voxel data or the scene graph (rebuilt from the image). */
const REBUILT = new Set(["SIZE", "XYZI", "nTRN", "nGRP", "nSHP", "RGBA", "PACK"]);

/** Lists what the file held beyond voxels and layers, e.g. `["MATL×256", "rOBJ×15"]`. */
export function voxCarriedSummary(c: VoxCarried): string[] {
  const out: string[] = [];
  for (const [kind, n] of voxChunkCounts(c)) if (!REBUILT.has(kind)) out.push(`${kind}×${n}`);
  const nodes = c.records.filter((r) => r.id === "nTRN" || r.id === "nGRP" || r.id === "nSHP");
  if (nodes.length) out.push(`scene nodes×${nodes.length}`);
  if (c.palette) out.push("palette");
  return out;
}

/** Layers whose name a `.vox` decoder made up and nobody changed since (see VoxLink.named). */
export function madeUpNames(image: Image): Set<Layer> {
  const out = new Set<Layer>();
  const carried = image.carried as VoxCarried | null | undefined;
  if (carried?.format !== "vox") return out;
  const links = new Map(carried.links.map((l) => [l.key, l]));
  for (const layer of image.layers) {
    const link = layer.carriedKey === undefined ? undefined : links.get(layer.carriedKey);
    if (link && !link.named && link.name === layer.name) out.add(layer);
  }
  return out;
}
