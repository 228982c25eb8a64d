/// <reference lib="dom" />
/**
 * The goxel viewer: shows one project (the current one, or the one chosen in the switcher or
 * with ?project=), loads a compact snapshot of its tiles, then follows the change stream and
 * re-meshes only the tiles that changed. Reconnects by itself and resumes with `since`.
 */
import type { ChangeEvent, TileRef } from "../protocol/tiles_wire.ts";
import { base64ToBytes, decodeTiles } from "../protocol/tiles_wire.ts";
import { meshTile } from "./mesher.ts";
import { tileId, VoxelModel } from "./model.ts";
import { ResumePoint } from "./resume.ts";
import { RpcSocket } from "./rpc.ts";
import { VoxelScene } from "./scene.ts";
import { ViewerUi } from "./ui.ts";

interface TilesResult {
  project: string;
  name: string;
  seq: number;
  box: { min: number[]; max: number[] } | null;
  layers: { id: number; name: string; visible: boolean }[];
  data: string;
}

interface ProjectList {
  current: string | null;
  projects: { id: string; name: string }[];
}

/** A changed tile and the six whose border faces it may uncover or hide. */
const NEIGHBOURS = [
  [0, 0, 0],
  [16, 0, 0],
  [-16, 0, 0],
  [0, 16, 0],
  [0, -16, 0],
  [0, 0, 16],
  [0, 0, -16],
];

/** The viewer application. */
class Viewer {
  readonly rpc: RpcSocket;
  readonly scene: VoxelScene;
  readonly ui: ViewerUi;
  readonly model = new VoxelModel();
  project: string | null = null;
  pinned: string | null;
  /** Every change up to this sequence number is shown (−1: nothing loaded). */
  get seq(): number {
    return this.#position.seq;
  }
  box: TilesResult["box"] = null;
  hidden = new Set<number>();
  /** Time the last update took: request, decode, mesh (ms). */
  lastUpdateMs = 0;
  #pendingTiles = new Map<string, TileRef>();
  #pendingFull = false;
  #pendingMeta = false;
  readonly #position = new ResumePoint();
  #running = false;
  #fitted = false;
  #fittedEmpty = false;

  constructor() {
    const params = new URLSearchParams(location.search);
    this.pinned = params.get("project");
    this.ui = new ViewerUi({
      onProject: (id) => this.#choose(id),
      onLayer: (id, visible) => this.#setLayer(id, visible),
      onFit: () => this.scene.fit(this.box),
      onGrid: (v) => this.scene.setGridVisible(v),
    });
    this.scene = new VoxelScene(this.ui.canvasHost);
    const token = params.get("token");
    const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws` +
      (token ? `?token=${encodeURIComponent(token)}` : "");
    this.rpc = new RpcSocket(wsUrl, {
      onOpen: () => this.#resume(),
      onNotification: (m, p) => m === "goxel.changed" && this.#changed(p as ChangeEvent),
      onStatus: (text, ok) => this.ui.setStatus(text, ok),
    });
    setInterval(() => this.#refreshProjects(), 2000);
  }

  /** On (re)connection: resume the stream from our sequence number, or load from scratch. */
  async #resume(): Promise<void> {
    if (this.project === null || this.seq < 0) return this.#load();
    try {
      await this.rpc.call("goxel.subscribe", { project: this.project, since: this.seq });
    } catch {
      await this.#load();
    }
  }

  async #load(): Promise<void> {
    const list = await this.#refreshProjects();
    if (!list) return;
    // ?project= may name the project by id or by name.
    const wanted = list.projects.find((p) => p.id === this.pinned || p.name === this.pinned);
    this.project = wanted?.id ?? list.current;
    this.#pendingTiles.clear();
    this.#position.reset();
    this.#pendingFull = true;
    await this.#drain();
  }

  async #refreshProjects(): Promise<ProjectList | null> {
    let list: ProjectList;
    try {
      list = await this.rpc.call<ProjectList>("goxel.list_projects");
    } catch {
      return null;
    }
    this.ui.setProjects(list.projects, this.project, this.pinned === null);
    const follow = this.pinned === null && list.current !== null && list.current !== this.project;
    if (follow && this.project !== null) this.#choose(null);
    return list;
  }

  #choose(id: string | null): void {
    this.pinned = id;
    this.project = null;
    this.#position.reset();
    this.#fitted = false;
    this.rpc.call("goxel.unsubscribe", {}).catch(() => {}).then(() => this.#load());
  }

  #changed(ev: ChangeEvent): void {
    if (ev.project !== this.project) return;
    if (ev.kind === "closed") return this.#choose(null);
    if (ev.kind === "resync" || ev.full) this.#pendingFull = true;
    else if (ev.kind === "edit") {
      for (const t of ev.tiles ?? []) this.#pendingTiles.set(t.join(","), t);
      if (ev.layers || ev.box) this.#pendingMeta = true;
      this.#position.noted(ev.seq);
    }
    this.#drain();
  }

  /** Applies pending updates one request at a time, coalescing what arrives meanwhile. */
  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#pendingFull || this.#pendingMeta || this.#pendingTiles.size) {
        const full = this.#pendingFull, upTo = this.#position.take();
        const refs = [...this.#pendingTiles.values()];
        this.#pendingFull = this.#pendingMeta = false;
        this.#pendingTiles.clear();
        const r = await this.#fetch(full ? undefined : refs);
        if (r) this.#position.fetched(full, r.seq, upTo);
      }
    } catch (err) {
      this.ui.setStatus(`update failed: ${(err as Error).message}`, false);
    } finally {
      this.#running = false;
    }
  }

  /** Fetches the given tiles (all, and the layer list, without refs) and shows them. */
  async #fetch(refs: TileRef[] | undefined): Promise<TilesResult | null> {
    if (this.project === null) return null;
    const started = performance.now();
    const r = await this.rpc.call<TilesResult>("goxel.get_tiles", {
      project: this.project,
      ...(refs ? { tiles: refs } : {}),
    });
    const tiles = decodeTiles(base64ToBytes(r.data));
    const touched = new Map<number, Set<string>>();
    if (!refs) {
      this.model.clear();
      this.scene.clear();
    }
    for (const t of tiles) {
      const [x, y, z] = t.origin;
      this.model.setTile(t.layer, x, y, z, t.voxels);
      let set = touched.get(t.layer);
      if (!set) touched.set(t.layer, set = new Set());
      for (const [dx, dy, dz] of refs ? NEIGHBOURS : NEIGHBOURS.slice(0, 1)) {
        set.add(tileId(x + dx, y + dy, z + dz));
      }
    }
    this.#remesh(touched);
    this.#applyMeta(r);
    this.lastUpdateMs = performance.now() - started;
    if (!refs) await this.rpc.call("goxel.subscribe", { project: r.project, since: r.seq });
    return r;
  }

  #remesh(touched: Map<number, Set<string>>): void {
    for (const [layer, ids] of touched) {
      const tiles = this.model.layer(layer);
      for (const id of ids) {
        const [x, y, z] = id.split(",").map(Number);
        this.scene.setTile(layer, id, meshTile(tiles, [x, y, z]));
      }
    }
  }

  #applyMeta(r: TilesResult): void {
    this.box = r.box;
    const ids = new Set(r.layers.map((l) => l.id));
    for (const id of this.model.layers.keys()) {
      if (!ids.has(id)) {
        this.model.layers.delete(id);
        this.scene.clear(id);
      }
    }
    for (const l of r.layers) this.scene.setLayerVisible(l.id, l.visible && !this.hidden.has(l.id));
    this.scene.setProjectBox(r.box);
    // Fit once on load, and again when the first voxels appear in a project that was empty.
    const voxels = this.scene.stats().voxels;
    if (!this.#fitted || (this.#fittedEmpty && voxels > 0)) {
      this.scene.fit(r.box);
      this.#fitted = true;
      this.#fittedEmpty = voxels === 0;
    }
    this.ui.setLayers(r.layers, this.hidden);
    this.ui.setStats(r.name, this.scene.stats(), r.seq);
  }

  #setLayer(id: number, visible: boolean): void {
    if (visible) this.hidden.delete(id);
    else this.hidden.add(id);
    this.scene.setLayerVisible(id, visible);
  }
}

const viewer = new Viewer();
// A small handle for scripts and the browser test (connection count, frames, stats).
Object.assign(globalThis, {
  goxelViewer: {
    get connections() {
      return viewer.rpc.connections;
    },
    get frames() {
      return viewer.scene.frames;
    },
    get seq() {
      return viewer.seq;
    },
    get lastFrameMs() {
      return viewer.scene.lastFrameMs;
    },
    get lastUpdateMs() {
      return viewer.lastUpdateMs;
    },
    get project() {
      return viewer.project;
    },
    stats: () => viewer.scene.stats(),
    drop: () => viewer.rpc.drop(),
  },
});
