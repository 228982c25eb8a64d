/**
 * MagicaVoxel scene graph: parsing of the nTRN / nGRP / nSHP / LAYR chunks and the walk that
 * turns the graph into placed model instances (every instance, not only the first per model).
 */
import { FormatError } from "../errors.ts";

/** A MagicaVoxel DICT: string keys to string values. */
export type VoxDict = Map<string, string>;

/** Bounded little-endian reader over one chunk; every overrun is a FormatError. */
export class VoxCursor {
  #view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
    readonly what: string,
  ) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws a FormatError unless `n` more bytes are available. */
  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new FormatError(
        "vox",
        this.pos,
        `Cannot decode .vox: ${this.what} is truncated at byte ${this.pos}`,
      );
    }
  }

  /** Reads an int32. */
  i32(): number {
    this.need(4);
    const v = this.#view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Reads a count of items of at least `itemSize` bytes each, checked against the bytes left. */
  count(itemSize: number): number {
    const n = this.i32();
    if (n < 0 || n * itemSize > this.end - this.pos) {
      throw new FormatError(
        "vox",
        this.pos - 4,
        `Cannot decode .vox: ${this.what} declares ${n} items at byte ${
          this.pos - 4
        }, more than its size allows`,
      );
    }
    return n;
  }

  /** Reads a STRING (int32 length + bytes, decoded as UTF-8). */
  str(): string {
    const n = this.count(1);
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  /** Reads a DICT. */
  dict(): VoxDict {
    const n = this.count(8);
    const out: VoxDict = new Map();
    for (let i = 0; i < n; i++) {
      const key = this.str();
      out.set(key, this.str());
    }
    return out;
  }

  /** Returns a FormatError about the value at `at`. */
  fail(at: number, message: string): FormatError {
    return new FormatError("vox", at, `Cannot decode .vox: ${this.what} ${message} at byte ${at}`);
  }
}

/** A signed permutation matrix (rows) plus a translation: world = R·local + t. */
export interface VoxTransform {
  /** Row-major 3×3 matrix with one ±1 per row and column. */
  r: number[];
  t: [number, number, number];
}

/** A parsed scene-graph node. */
export type VoxNode =
  | { kind: "trn"; name: string; hidden: boolean; child: number; layerId: number; xf: VoxTransform }
  | { kind: "grp"; children: number[] }
  | { kind: "shp"; modelId: number };

/** A parsed LAYR chunk. */
export interface VoxLayer {
  name: string;
  hidden: boolean;
}

/** Returns the frame with the smallest `_f` (absent = 0): the pose shown at time 0. */
function firstFrame(frames: VoxDict[]): VoxDict {
  let best = frames[0] ?? new Map(), bestF = Infinity;
  for (const f of frames) {
    const n = Number(f.get("_f") ?? 0);
    if (n < bestF) {
      bestF = n;
      best = f;
    }
  }
  return best;
}

/**
 * Decodes the `_r` byte: bits 0–1 give the column of row 0's non-zero entry, bits 2–3 row 1's,
 * row 2 takes the remaining column; bits 4/5/6 make rows 0/1/2 negative.
 */
export function decodeRotation(byte: number): number[] | null {
  const c0 = byte & 3, c1 = (byte >> 2) & 3;
  if (c0 === 3 || c1 === 3 || c0 === c1 || byte < 0 || byte > 127) return null;
  const cols = [c0, c1, 3 - c0 - c1];
  const r = new Array(9).fill(0);
  for (let row = 0; row < 3; row++) r[row * 3 + cols[row]] = byte & (16 << row) ? -1 : 1;
  return r;
}

/** Encodes a signed permutation matrix as an `_r` byte (inverse of decodeRotation). */
export function encodeRotation(r: number[]): number {
  let byte = 0;
  for (let row = 0; row < 3; row++) {
    const col = [0, 1, 2].find((c) => r[row * 3 + c] !== 0)!;
    if (row < 2) byte |= col << (row * 2);
    if (r[row * 3 + col] < 0) byte |= 16 << row;
  }
  return byte;
}

/** Parses the transform of a frame dictionary. */
function parseFrame(cur: VoxCursor, at: number, frame: VoxDict): VoxTransform {
  const rText = frame.get("_r");
  const r = rText === undefined ? [1, 0, 0, 0, 1, 0, 0, 0, 1] : decodeRotation(Number(rText));
  if (!r || (rText !== undefined && !/^\s*\d+\s*$/.test(rText))) {
    throw cur.fail(at, `has an invalid rotation "${rText}"`);
  }
  const parts = (frame.get("_t") ?? "0 0 0").trim().split(/\s+/).map(Number);
  if (parts.length !== 3 || !parts.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31)) {
    throw cur.fail(at, `has an invalid translation "${frame.get("_t")}"`);
  }
  return { r, t: parts as [number, number, number] };
}

/** Parses one scene chunk's content into `nodes` / `layers`; returns false for other ids. */
export function parseSceneChunk(
  id: string,
  cur: VoxCursor,
  nodes: Map<number, VoxNode>,
  layers: Map<number, VoxLayer>,
): boolean {
  if (id !== "LAYR" && id !== "nTRN" && id !== "nGRP" && id !== "nSHP") return false;
  const at = cur.pos;
  const nodeId = cur.i32();
  const attrs = cur.dict();
  const hidden = attrs.get("_hidden") === "1";
  if (id === "LAYR") {
    layers.set(nodeId, { name: attrs.get("_name") ?? "", hidden });
  } else if (id === "nTRN") {
    const child = cur.i32();
    cur.i32(); // reserved, -1
    const layerId = cur.i32();
    const n = cur.count(4);
    const frames: VoxDict[] = [];
    for (let i = 0; i < n; i++) frames.push(cur.dict());
    const xf = parseFrame(cur, at, firstFrame(frames));
    nodes.set(nodeId, { kind: "trn", name: attrs.get("_name") ?? "", hidden, child, layerId, xf });
  } else if (id === "nGRP") {
    const n = cur.count(4);
    const children: number[] = [];
    for (let i = 0; i < n; i++) children.push(cur.i32());
    nodes.set(nodeId, { kind: "grp", children });
  } else if (id === "nSHP") {
    const n = cur.count(8);
    const models: [number, VoxDict][] = [];
    for (let i = 0; i < n; i++) models.push([cur.i32(), cur.dict()]);
    if (n === 0) return true;
    // Animated shapes list one model per keyframe: keep the one shown at time 0.
    const first = firstFrame(models.map(([, d]) => d));
    nodes.set(nodeId, { kind: "shp", modelId: models.find(([, d]) => d === first)![0] });
  }
  return true;
}

/** One placement of a model. */
export interface VoxInstance {
  modelId: number;
  xf: VoxTransform;
  /** The nSHP node that placed it (−1 when there is no scene graph). */
  shape: number;
}

/** A future Goxel layer: one instance, or the parts of a group written by our encoder. */
export interface VoxObject {
  name: string;
  hidden: boolean;
  instances: VoxInstance[];
  /** The nTRN directly above the shape (or part group), −1 when none. */
  owner: number;
  /** The nGRP that lists `owner` as a child, −1 when none. */
  group: number;
  /** Node ids from the root down to `owner` (empty without a scene graph). */
  path: number[];
}

/** Limits that keep hostile scene graphs from exploding. */
export const MAX_INSTANCES = 1 << 16;
const MAX_DEPTH = 256;
const MAX_VISITS = 1 << 20;

/** Returns parent·child. */
function compose(p: VoxTransform, c: VoxTransform): VoxTransform {
  const r = new Array(9).fill(0);
  const t: [number, number, number] = [p.t[0], p.t[1], p.t[2]];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) r[i * 3 + j] += p.r[i * 3 + k] * c.r[k * 3 + j];
      t[i] += p.r[i * 3 + j] * c.t[j];
    }
  }
  return { r, t };
}

/** State of the graph walk. */
interface Walk {
  nodes: Map<number, VoxNode>;
  layers: Map<number, VoxLayer>;
  out: VoxObject[];
  path: Set<number>;
  instances: number;
  visits: number;
}

/** Returns the shape under a transform node when it has no `_name` and holds a shape directly. */
function anonymousShape(w: Walk, id: number): VoxNode | null {
  const trn = w.nodes.get(id);
  if (trn?.kind !== "trn" || trn.name !== "") return null;
  const shp = w.nodes.get(trn.child);
  return shp?.kind === "shp" ? shp : null;
}

/**
 * True when a named nTRN holds a group whose children are all unnamed nTRN → nSHP pairs: the
 * way our encoder writes a layer split into several models; such a group becomes one layer.
 */
function isPartGroup(w: Walk, trn: VoxNode & { kind: "trn" }): boolean {
  const grp = w.nodes.get(trn.child);
  return trn.name !== "" && grp?.kind === "grp" && grp.children.length > 0 &&
    grp.children.every((c) => anonymousShape(w, c) !== null);
}

function addInstance(
  w: Walk,
  obj: VoxObject,
  modelId: number,
  xf: VoxTransform,
  shape: number,
): void {
  if (++w.instances > MAX_INSTANCES) {
    throw new FormatError(
      "vox",
      0,
      `Cannot decode .vox: the scene places more than ${MAX_INSTANCES} models`,
    );
  }
  obj.instances.push({ modelId, xf, shape });
}

/** Where a node sits: the nTRN above it when that holds it directly, and that nTRN's group. */
interface Place {
  owner: number;
  group: number;
  /** The nGRP listing this node, −1 when a transform holds it. */
  parent: number;
}

function visitTransform(
  w: Walk,
  id: number,
  node: VoxNode & { kind: "trn" },
  xf: VoxTransform,
  hidden: boolean,
  at: Place,
): void {
  const here = compose(xf, node.xf);
  const isHidden = hidden || node.hidden || (w.layers.get(node.layerId)?.hidden ?? false);
  if (!isPartGroup(w, node)) {
    return visit(w, node.child, here, isHidden, { owner: id, group: at.parent, parent: -1 });
  }
  const obj: VoxObject = {
    name: node.name,
    hidden: isHidden,
    instances: [],
    owner: id,
    group: at.parent,
    path: [...w.path],
  };
  for (const c of (w.nodes.get(node.child) as { children: number[] }).children) {
    const part = w.nodes.get(c) as VoxNode & { kind: "trn" };
    const shape = anonymousShape(w, c) as { modelId: number };
    addInstance(w, obj, shape.modelId, compose(here, part.xf), part.child);
  }
  w.out.push(obj);
}

function visit(w: Walk, id: number, xf: VoxTransform, hidden: boolean, at: Place): void {
  const node = w.nodes.get(id);
  if (!node) return;
  if (w.path.has(id) || w.path.size >= MAX_DEPTH || ++w.visits > MAX_VISITS) {
    throw new FormatError(
      "vox",
      0,
      `Cannot decode .vox: scene node ${id} is part of a cycle or the graph is too large`,
    );
  }
  w.path.add(id);
  if (node.kind === "trn") visitTransform(w, id, node, xf, hidden, at);
  else if (node.kind === "grp") {
    for (const c of node.children) visit(w, c, xf, hidden, { owner: -1, group: -1, parent: id });
  } else {
    const trn = at.owner >= 0 ? w.nodes.get(at.owner) as VoxNode & { kind: "trn" } : null;
    const name = trn ? trn.name || (w.layers.get(trn.layerId)?.name ?? "") : "";
    const path = [...w.path];
    path.pop(); // the shape itself
    const obj: VoxObject = { name, hidden, instances: [], owner: at.owner, group: at.group, path };
    addInstance(w, obj, node.modelId, xf, id);
    w.out.push(obj);
  }
  w.path.delete(id);
}

/** Walks the graph from node 0 and returns one object per placed shape (or part group). */
export function collectObjects(
  nodes: Map<number, VoxNode>,
  layers: Map<number, VoxLayer>,
): VoxObject[] {
  const w: Walk = { nodes, layers, out: [], path: new Set(), instances: 0, visits: 0 };
  const root = { owner: -1, group: -1, parent: -1 };
  visit(w, 0, { r: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] }, false, root);
  return w.out;
}
