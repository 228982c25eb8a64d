/**
 * The change stream: a bounded ring of recent changes per watched project, tagged with the
 * project's journal sequence number, and the subscribers that receive `goxel.changed`
 * notifications. Edits never wait for a subscriber: each has a bounded buffer, and one that
 * falls behind is skipped until its connection drains, then gets a single `resync` notice.
 *
 * Every committed change arrives through {@link ChangeHub.onCommit} with its delta (the tiles
 * it touched); changes within `coalesce_ms` of the last report are reported as one event. The
 * dispatcher calls {@link ChangeHub.afterRequest} after each request so projects opened,
 * closed or selected are reported too.
 */
import { InvalidInputError } from "../core/errors.ts";
import { SELECTION_MASK_ID } from "../core/journal/image_delta.ts";
import type { Volume } from "../core/volume.ts";
import type { ChangeEvent, TileRef } from "../protocol/mod.ts";
import { markMeta, MAX_LISTED_TILES, metaFlags, type MetaMark } from "./changes_tiles.ts";
import type { CommitEvent } from "./commits.ts";
import type { Metrics } from "./metrics.ts";
import type { Project, ProjectRegistry } from "./projects.ts";

/** A connection that can receive notifications (socket, TCP or WebSocket). */
export interface Peer {
  /** Writes one JSON text (the transport adds its framing). */
  send(text: string): void;
  /** Bytes written but not yet taken by the client. */
  readonly bufferedBytes: number;
  /** Calls `fn` once when the buffer has drained. */
  onDrain(fn: () => void): void;
  /** Calls `fn` once when the connection closes. */
  onClose(fn: () => void): void;
}

/** Tuning of a hub (read at each use, so a config reload applies). */
export interface ChangeHubOptions {
  /** Edits of a project within this many ms after a report are reported together. */
  coalesce_ms: number;
  /** Change events kept per project for `since` (older ones need a resync). */
  ring_size: number;
  /** Bytes a subscriber may have unread before it is skipped until it drains. */
  subscriber_buffer_bytes: number;
}

/**
 * Tile refs the ring of one project may list (about 90 bytes each); older events go first, and
 * a subscriber resuming from before the ring is resynced, as when it passes ring_size.
 */
export const MAX_RING_TILES = 65536;

const DEFAULTS: ChangeHubOptions = {
  coalesce_ms: 20,
  ring_size: 1024,
  subscriber_buffer_bytes: 1 << 20,
};

interface Watch {
  project: Project;
  meta: MetaMark;
  /** Tiles changed since the last report, by "layer,x,y,z". */
  tiles: Map<string, TileRef>;
  /** Each layer's volume at the last commit: a layer that goes lists its tiles as changed. */
  layers: Map<number, Volume>;
  metaChanged: boolean;
  ring: ChangeEvent[];
  /** Tile refs listed by the ring's events. */
  ringTiles: number;
  /** Changes after this sequence number are all in the ring. */
  ringStart: number;
  /** First sequence number not yet reported, or 0 when nothing is pending. */
  pendingFrom: number;
  /** When the last report was made (performance.now()). */
  reportedAt: number;
}

interface Subscription {
  peer: Peer;
  project: Project | null;
  lagging: boolean;
  active: boolean;
}

/** Sequence numbers, recent changes and subscribers of every project. */
export class ChangeHub {
  readonly #registry: ProjectRegistry;
  readonly #metrics: Metrics;
  readonly #options: () => ChangeHubOptions;
  #watches = new Map<Project, Watch>();
  #subs = new Set<Subscription>();
  #byPeer = new Map<Peer, Map<Project | null, Subscription>>();
  /** Peers whose close already removes their subscriptions (kept weakly). */
  #closeWatched = new WeakSet<Peer>();
  #watchAll = false;
  #known = new Set<Project>();
  #current: Project | null = null;

  constructor(
    registry: ProjectRegistry,
    metrics: Metrics,
    options: () => ChangeHubOptions = () => DEFAULTS,
  ) {
    this.#registry = registry;
    this.#metrics = metrics;
    this.#options = options;
    metrics.gauge("goxel_subscribers", "Change-stream subscriptions", () => this.#subs.size);
    metrics.describe("goxel_notifications_total", "goxel.changed notifications sent");
    metrics.describe("goxel_subscriber_resyncs_total", "Subscribers that fell behind");
  }

  /** The project's sequence number (its journal's: one per committed change). */
  seqOf(project: Project): number {
    return project.seq;
  }

  /** Records one committed change of a project (from daemon/commits.ts). */
  onCommit(e: CommitEvent): void {
    const w = this.#watches.get(e.project);
    if (!w) return;
    const listed = (id: number, x: number, y: number, z: number) => {
      if (w.tiles.size <= MAX_LISTED_TILES) w.tiles.set(`${id},${x},${y},${z}`, [id, x, y, z]);
    };
    for (const v of e.delta.volumes) {
      if (v.id === SELECTION_MASK_ID) continue;
      for (const { origin: [x, y, z] } of v.tiles) listed(v.id, x, y, z);
    }
    if (e.delta.meta) {
      w.metaChanged = true;
      // A deleted layer's tiles are gone: say so, or a client keeps them (and shows them under
      // the next layer that gets its id).
      const now = layerVolumes(e.project);
      for (const [id, volume] of w.layers) {
        if (!now.has(id)) { for (const [x, y, z] of volume.tiles()) listed(id, x, y, z); }
      }
      w.layers = now;
    } else {
      // A layer's volume may have been replaced (a move on a worker): follow it.
      for (const l of e.project.image.layers) {
        if (w.layers.get(l.id) !== l.volume) w.layers.set(l.id, l.volume);
      }
    }
    if (!w.pendingFrom) {
      w.pendingFrom = e.seq;
      this.#schedule(w);
    }
  }

  /** Called after every request: reports projects opened, closed or selected. */
  afterRequest(): void {
    const reg = this.#registry;
    if (reg.size !== this.#known.size || reg.current !== this.#current) this.#registryChanged();
  }

  /**
   * Reports at the end of this burst of edits, or, when the last report is more recent than
   * coalesce_ms, once that much time has passed: each report costs a write per subscriber, so
   * a stream of edits is reported at a bounded rate whatever the edit rate.
   */
  #schedule(w: Watch): void {
    const wait = w.reportedAt + this.#options().coalesce_ms - performance.now();
    if (wait <= 0) queueMicrotask(() => this.#flush(w));
    else setTimeout(() => this.#flush(w), wait);
  }

  /** Starts recording changes of a project (so a later `since` from now on can resume). */
  watch(project: Project): void {
    if (this.#watches.has(project) || !this.#registry.list().includes(project)) return;
    const seq = this.seqOf(project);
    this.#watches.set(project, {
      project,
      meta: markMeta(project.image),
      tiles: new Map(),
      layers: layerVolumes(project),
      metaChanged: false,
      ring: [],
      ringTiles: 0,
      ringStart: seq,
      pendingFrom: 0,
      reportedAt: -Infinity,
    });
  }

  /** Subscribes a peer; changes after `since` are sent right after the reply. */
  subscribe(peer: Peer, project: Project | null, since?: number): number {
    if (!project && since !== undefined) {
      throw new InvalidInputError("Cannot resume every project: give a project with since");
    }
    const seq = project ? this.seqOf(project) : 0;
    if (since !== undefined && since > seq) {
      throw new InvalidInputError(
        `Cannot resume from ${since}: project ${project!.id} is at sequence number ${seq}`,
      );
    }
    if (project) this.watch(project);
    else {
      this.#watchAll = true;
      for (const p of this.#registry.list()) this.watch(p);
    }
    let mine = this.#byPeer.get(peer);
    if (!mine) {
      this.#byPeer.set(peer, mine = new Map());
      if (!this.#closeWatched.has(peer)) {
        this.#closeWatched.add(peer);
        peer.onClose(() => this.unsubscribe(peer, undefined));
      }
    }
    this.#drop(mine.get(project));
    const sub: Subscription = { peer, project, lagging: false, active: true };
    mine.set(project, sub);
    // After the reply has been written: the backlog, then live changes.
    queueMicrotask(() => {
      if (!sub.active) return;
      if (project && since !== undefined) this.#sendBacklog(sub, project, since);
      this.#subs.add(sub);
    });
    return seq;
  }

  /** Removes a peer's subscription to `project` (`null`: every-project one; undefined: all). */
  unsubscribe(peer: Peer, project: Project | null | undefined): number {
    const mine = this.#byPeer.get(peer);
    if (!mine) return 0;
    let removed = 0;
    for (const [p, sub] of mine) {
      if (project !== undefined && p !== project) continue;
      this.#drop(sub);
      mine.delete(p);
      removed++;
    }
    if (project === undefined) this.#byPeer.delete(peer);
    return removed;
  }

  #drop(sub: Subscription | undefined): void {
    if (!sub) return;
    sub.active = false;
    this.#subs.delete(sub);
  }

  #sendBacklog(sub: Subscription, project: Project, since: number): void {
    const w = this.#watches.get(project);
    if (!w || since < w.ringStart) {
      this.#deliver(
        sub,
        this.#line({ project: project.id, seq: this.seqOf(project), kind: "resync" }),
      );
      return;
    }
    for (const ev of w.ring) if (ev.seq > since) this.#deliver(sub, this.#line(ev));
  }

  #flush(w: Watch): void {
    if (!w.pendingFrom) return;
    const from = w.pendingFrom;
    w.pendingFrom = 0;
    w.reportedAt = performance.now();
    let flags = {};
    if (w.metaChanged) {
      const meta = markMeta(w.project.image);
      flags = metaFlags(w.meta, meta);
      w.meta = meta;
    }
    const tiles = [...w.tiles.values()];
    w.tiles.clear();
    w.metaChanged = false;
    const seq = this.seqOf(w.project);
    this.#publish(w.project, {
      project: w.project.id,
      seq,
      kind: "edit",
      ...(from < seq ? { from_seq: from } : {}),
      ...(tiles.length > MAX_LISTED_TILES ? { full: true } : tiles.length ? { tiles } : {}),
      ...flags,
    });
  }

  #registryChanged(): void {
    const list = this.#registry.list();
    const now = new Set(list);
    for (const p of this.#known) {
      if (now.has(p)) continue;
      const w = this.#watches.get(p);
      if (w) this.#flush(w);
      this.#publish(p, { project: p.id, seq: this.seqOf(p), kind: "closed" });
      this.#watches.delete(p);
      for (const [peer, mine] of this.#byPeer) if (mine.has(p)) this.unsubscribe(peer, p);
    }
    for (const p of list) {
      if (this.#known.has(p)) continue;
      if (this.#watchAll) this.watch(p);
      this.#publish(p, { project: p.id, seq: this.seqOf(p), kind: "opened" });
    }
    const current = this.#registry.current;
    if (current && current !== this.#current) {
      this.#publish(current, { project: current.id, seq: this.seqOf(current), kind: "selected" });
    }
    this.#known = now;
    this.#current = current;
  }

  #publish(project: Project, ev: ChangeEvent): void {
    const w = this.#watches.get(project);
    if (w) {
      w.ring.push(ev);
      w.ringTiles += ev.tiles?.length ?? 0;
      const max = this.#options().ring_size;
      // Bounded by tiles too: 1024 events of 4000 tiles each held 344 MB.
      while (w.ring.length > max || (w.ringTiles > MAX_RING_TILES && w.ring.length > 1)) {
        const old = w.ring.shift()!;
        w.ringTiles -= old.tiles?.length ?? 0;
        w.ringStart = old.seq;
      }
    }
    if (this.#subs.size === 0) return;
    const line = this.#line(ev);
    for (const sub of this.#subs) {
      if (sub.project === null || sub.project === project) this.#deliver(sub, line);
    }
  }

  #line(ev: ChangeEvent): string {
    return `{"jsonrpc":"2.0","method":"goxel.changed","params":${JSON.stringify(ev)}}`;
  }

  #deliver(sub: Subscription, line: string): void {
    if (sub.lagging) return;
    if (sub.peer.bufferedBytes > this.#options().subscriber_buffer_bytes) {
      sub.lagging = true;
      this.#metrics.inc("goxel_subscriber_resyncs_total");
      sub.peer.onDrain(() => this.#resync(sub));
      return;
    }
    this.#metrics.inc("goxel_notifications_total");
    sub.peer.send(line);
  }

  #resync(sub: Subscription): void {
    sub.lagging = false;
    if (!sub.active) return;
    const projects = sub.project ? [sub.project] : this.#registry.list();
    for (const p of projects) {
      this.#deliver(sub, this.#line({ project: p.id, seq: this.seqOf(p), kind: "resync" }));
    }
  }
}

/** Each layer's volume, by layer id. */
function layerVolumes(project: Project): Map<number, Volume> {
  return new Map(project.image.layers.map((l) => [l.id, l.volume]));
}
