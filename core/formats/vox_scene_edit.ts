/**
 * Edits of a carried `.vox` scene graph for the lossless writer: nodes removed with their
 * subtree, attributes and frame translations updated, new layers added under the root group,
 * and node ids renumbered densely when nodes went away.
 */
import { decodeRotation } from "./vox_scene.ts";
import {
  pairGet,
  pairSet,
  type VoxNodeRecord,
  type VoxPair,
  type VoxRecord,
} from "./vox_records.ts";

type Trn = VoxRecord & { id: "nTRN" };
type Grp = VoxRecord & { id: "nGRP" };
type Shp = VoxRecord & { id: "nSHP" };

/** A mutable working copy of the scene records; the originals are never touched. */
export class SceneEditor {
  /** Records in emission order (copies of the node records). */
  readonly records: VoxRecord[];
  readonly #nodes = new Map<number, VoxNodeRecord>();
  readonly #removed = new Set<number>();
  #next = 0;
  /** True once a change needs the scene graph written (removals alone do not). */
  changed = false;
  /** New node records, emitted after the last original node. */
  readonly added: VoxNodeRecord[] = [];

  constructor(records: VoxRecord[]) {
    this.records = records.map((r) => {
      if (r.id !== "nTRN" && r.id !== "nGRP" && r.id !== "nSHP") return r;
      const copy = structuredClone(r) as VoxNodeRecord;
      if (!this.#nodes.has(copy.node)) this.#nodes.set(copy.node, copy);
      this.#next = Math.max(this.#next, copy.node + 1);
      return copy;
    });
  }

  /** Returns the node with this id, if any. */
  node(id: number): VoxNodeRecord | undefined {
    return this.#removed.has(id) ? undefined : this.#nodes.get(id);
  }

  /** Returns a fresh node id. */
  newId(): number {
    return this.#next++;
  }

  /** Sets (or removes, with undefined) a node attribute. */
  setAttr(id: number, key: string, value: string | undefined): void {
    const n = this.node(id);
    if (!n || pairGet(n.attrs, key) === value) return;
    n.attrs = pairSet(n.attrs, key, value);
    this.changed = true;
  }

  /** Detaches `owner` from its group and drops its subtree (nodes nothing else references). */
  remove(owner: number, group: number): void {
    const g = this.node(group);
    if (g?.id !== "nGRP") return;
    g.children = g.children.filter((c) => c !== owner);
    const stack = [owner];
    while (stack.length) {
      const id = stack.pop()!;
      const n = this.node(id);
      if (!n || this.#isReferenced(id)) continue;
      this.#removed.add(id);
      if (n.id === "nTRN") stack.push(n.child);
      if (n.id === "nGRP") stack.push(...n.children);
    }
    // Not `changed`: without a scene graph in the file, dropping the model is enough.
  }

  #isReferenced(id: number): boolean {
    for (const [nid, n] of this.#nodes) {
      if (this.#removed.has(nid)) continue;
      if (n.id === "nTRN" && n.child === id) return true;
      if (n.id === "nGRP" && n.children.includes(id)) return true;
    }
    return false;
  }

  /**
   * Copies the subtree under `id` with new ids (a node reached twice inside it is copied
   * once) and returns the old → new id map; the copies are emitted with the added nodes.
   */
  cloneSubtree(id: number): Map<number, number> {
    const map = new Map<number, number>(), order: VoxNodeRecord[] = [];
    const stack = [id];
    while (stack.length) {
      const n = this.node(stack.pop()!);
      if (!n || map.has(n.node)) continue;
      map.set(n.node, this.newId());
      order.push(n);
      if (n.id === "nTRN") stack.push(n.child);
      if (n.id === "nGRP") stack.push(...n.children);
    }
    const to = (x: number) => map.get(x) ?? x;
    for (const n of order) {
      const copy = structuredClone(n) as VoxNodeRecord;
      copy.node = to(n.node);
      if (copy.id === "nTRN") copy.child = to(copy.child);
      if (copy.id === "nGRP") copy.children = copy.children.map(to);
      this.#nodes.set(copy.node, copy);
      this.added.push(copy);
    }
    this.changed = true;
    return map;
  }

  /** Makes `parent` (a transform or group) reference `to` instead of `from` (once). */
  replaceChild(parent: number, from: number, to: number): void {
    const p = this.node(parent);
    if (p?.id === "nTRN" && p.child === from) p.child = to;
    else if (p?.id === "nGRP") {
      const at = p.children.indexOf(from);
      if (at >= 0) p.children = p.children.map((c, i) => i === at ? to : c);
    }
    this.changed = true;
  }

  /** Points `shape`'s entries for model `from` at model `to`. */
  retarget(shape: number, from: number, to: number): void {
    const s = this.node(shape) as Shp | undefined;
    if (!s || from === to) return;
    s.models = s.models.map(([m, d]) => [m === from ? to : m, d]);
    this.changed = true;
  }

  /** Gives `owner` its own nSHP (a copy of `shape` aimed at model `to`); returns its id. */
  detachShape(owner: number, shape: number, from: number, to: number): void {
    const t = this.node(owner) as Trn, s = this.node(shape) as Shp;
    const copy: Shp = { id: "nSHP", node: this.newId(), attrs: [...s.attrs], models: [] };
    copy.models = s.models.map(([m, d]) => [m === from ? to : m, [...d]]);
    this.added.push(copy);
    t.child = copy.node;
    this.changed = true;
  }

  /**
   * Makes `owner` hold a group of unnamed parts (nTRN `_t` → nSHP each) instead of its shape:
   * a layer grown past one model's 256 voxels keeps its node (name, frames, attributes, layer)
   * and its place. The old shape goes when nothing else references it.
   */
  splitShape(owner: number, parts: { t: string; model: number }[]): void {
    const t = this.node(owner) as Trn, old = t.child;
    const grp: Grp = { id: "nGRP", node: this.newId(), attrs: [], children: [] };
    this.added.push(grp);
    t.child = grp.node;
    for (const p of parts) {
      const id = this.newId();
      grp.children.push(id);
      this.#addShape(id, [], t.layer, p);
    }
    if (!this.#isReferenced(old)) this.#removed.add(old);
    this.changed = true;
  }

  /** Moves every frame of `owner` by `delta` given in the node's local (pre-rotation) axes. */
  shiftFrames(owner: number, delta: number[]): void {
    if (delta.every((d) => d === 0)) return;
    const t = this.node(owner) as Trn;
    t.frames = t.frames.map((f) => {
      const rText = pairGet(f, "_r");
      const r = (rText === undefined ? null : decodeRotation(Number(rText))) ??
        [1, 0, 0, 0, 1, 0, 0, 0, 1];
      const old = (pairGet(f, "_t") ?? "0 0 0").trim().split(/\s+/).map(Number);
      const moved = [0, 1, 2].map((i) =>
        old[i] + r[i * 3] * delta[0] + r[i * 3 + 1] * delta[1] + r[i * 3 + 2] * delta[2]
      );
      return pairSet(f, "_t", moved.join(" "));
    });
    this.changed = true;
  }

  /** The group new layers go into: node 0's child when it is a group. */
  rootGroup(): Grp | null {
    const root = this.node(0);
    const g = root?.id === "nTRN" ? this.node(root.child) : undefined;
    return g?.id === "nGRP" ? g : null;
  }

  /**
   * Adds a layer: nTRN (`attrs`, `_t`) → nSHP, or → nGRP → one unnamed nTRN → nSHP per part
   * when there are several; appended to the root group. Returns the new nTRN's id, or null
   * without a root group.
   */
  addLayer(attrs: VoxPair[], layer: number, parts: { t: string; model: number }[]): number | null {
    const group = this.rootGroup();
    if (!group) return null;
    const top = this.newId();
    group.children = [...group.children, top];
    if (parts.length === 1) this.#addShape(top, attrs, layer, parts[0]);
    else {
      const grp: Grp = { id: "nGRP", node: this.newId(), attrs: [], children: [] };
      this.#addTransform(top, attrs, grp.node, layer, []);
      this.added.push(grp);
      for (const p of parts) {
        const id = this.newId();
        grp.children.push(id);
        this.#addShape(id, [], layer, p);
      }
    }
    this.changed = true;
    return top;
  }

  /**
   * Puts the children of every group that `rank` lists (layer nodes) in rank order, in the
   * places such children had: a layer moved in the project moves in its group.
   */
  orderChildren(rank: Map<number, number>): void {
    for (const n of [...this.#nodes.values()]) {
      if (n.id !== "nGRP" || this.#removed.has(n.node)) continue;
      const ranked = n.children.filter((c) => rank.has(c));
      const sorted = [...ranked].sort((a, b) => rank.get(a)! - rank.get(b)!);
      if (sorted.every((c, i) => c === ranked[i])) continue;
      let next = 0;
      n.children = n.children.map((c) => rank.has(c) ? sorted[next++] : c);
      this.changed = true;
    }
  }

  #addShape(id: number, attrs: VoxPair[], layer: number, p: { t: string; model: number }) {
    const shape = this.newId();
    this.#addTransform(id, attrs, shape, layer, [["_t", p.t]]);
    this.added.push({ id: "nSHP", node: shape, attrs: [], models: [[p.model, []]] });
  }

  #addTransform(id: number, attrs: VoxPair[], child: number, layer: number, frame: VoxPair[]) {
    this.added.push({
      id: "nTRN",
      node: id,
      attrs,
      child,
      reserved: -1,
      layer,
      frames: [frame],
    });
  }

  /**
   * Returns the node records to write, in order, with the new ones after the last original
   * node; when nodes were removed, ids are renumbered densely in that order (root stays 0).
   */
  output(): VoxRecord[] {
    const keep = (r: VoxRecord) =>
      !((r.id === "nTRN" || r.id === "nGRP" || r.id === "nSHP") && this.#removed.has(r.node));
    const out = this.records.filter(keep);
    const lastNode = out.findLastIndex((r) =>
      r.id === "nTRN" || r.id === "nGRP" || r.id === "nSHP"
    );
    out.splice(lastNode + 1, 0, ...this.added);
    if (this.#removed.size) renumber(out);
    return out;
  }
}

/** Renumbers node ids in record order (node 0 first) and rewrites every reference. */
function renumber(records: VoxRecord[]): void {
  const nodes = records.filter((r): r is VoxNodeRecord =>
    r.id === "nTRN" || r.id === "nGRP" || r.id === "nSHP"
  );
  const ids = new Map<number, number>();
  if (nodes.some((n) => n.node === 0)) ids.set(0, 0);
  for (const n of nodes) if (!ids.has(n.node)) ids.set(n.node, ids.size);
  const map = (id: number) => ids.get(id) ?? id;
  for (const n of nodes) {
    n.node = map(n.node);
    if (n.id === "nTRN") n.child = map(n.child);
    if (n.id === "nGRP") n.children = n.children.map(map);
  }
}
