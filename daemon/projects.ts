/**
 * The registry of open projects. Each project owns its image and undo history; requests for
 * one project apply in arrival order (an async operation holds the project's queue), while
 * different projects never wait on each other.
 */
import { boxFromAabb } from "../core/box.ts";
import { NotFoundError } from "../core/errors.ts";
import { History } from "../core/history.ts";
import {
  copyImage,
  type Image,
  imageFingerprint,
  newImage,
  sameFingerprint,
} from "../core/image.ts";

/** An open project. */
export class Project {
  readonly id: string;
  name: string;
  image: Image;
  readonly history: History;
  /** Where the project was loaded from or last saved to. */
  path: string | null = null;
  readonly createdAt: number;
  lastActivity: number;
  #saved: unknown[];
  #tail: Promise<unknown> | null = null;
  #batching = 0;
  #commitPending = false;

  constructor(id: string, name: string, image: Image, now: number, historyLimit?: number) {
    this.id = id;
    this.name = name;
    this.image = image;
    this.history = new History(image, { limit: historyLimit });
    this.createdAt = now;
    this.lastActivity = now;
    this.#saved = imageFingerprint(image);
  }

  /** True while an async operation holds this project's queue. */
  get isBusy(): boolean {
    return this.#tail !== null;
  }

  /** True when the image changed since it was loaded or saved. */
  get isDirty(): boolean {
    return !sameFingerprint(this.#saved, imageFingerprint(this.image));
  }

  /** Records `image` (default: the live image; a snapshot when saving one) as saved at `path`. */
  markSaved(path: string, image: Image = this.image): void {
    this.path = path;
    this.#saved = imageFingerprint(image);
  }

  /**
   * Records an undo step after an edit. The push is deferred to the end of the current
   * event-loop turn, so edits that arrive together (one pipelined burst) form one undo step,
   * like one brush stroke in Goxel; nothing is pushed when nothing changed.
   */
  commit(): void {
    if (this.#batching > 0 || this.#commitPending) return;
    this.#commitPending = true;
    queueMicrotask(() => this.flushHistory());
  }

  /** Pushes a pending undo step now (before undo/redo or reading the history). */
  flushHistory(): void {
    if (!this.#commitPending) return;
    this.#commitPending = false;
    this.history.push(this.image);
  }

  /** Runs edits as one undo step, all or nothing: a throw restores the image as it was. */
  batch<T>(fn: () => T): T {
    const before = this.snapshot();
    this.#batching++;
    try {
      return fn();
    } catch (err) {
      this.image = before;
      throw err;
    } finally {
      this.#batching--;
    }
  }

  /** Returns a copy-on-write snapshot of the image for work off the live state. */
  snapshot(): Image {
    return copyImage(this.image);
  }

  /** Replaces the image (load, undo) and records an undo step. */
  replaceImage(image: Image): void {
    this.image = image;
  }

  /** Runs `fn` after every earlier queued operation on this project; later ones wait for it. */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const prev = this.#tail ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(() => {}, () => {});
    this.#tail = tail;
    tail.then(() => {
      if (this.#tail === tail) this.#tail = null;
    });
    return run;
  }

  /** Waits until the queue is free (used to order synchronous requests behind async ones). */
  whenIdle(): Promise<unknown> | null {
    return this.#tail;
  }
}

/** Size of a new project's image box, in voxels. */
export interface ProjectSize {
  width: number;
  height: number;
  depth: number;
}

/** Returns a new image whose box is `width × height × depth`, centred on x/y, from z = 0. */
export function newSizedImage(size: ProjectSize): Image {
  const image = newImage();
  const x0 = -Math.floor(size.width / 2), y0 = -Math.floor(size.height / 2);
  image.box = boxFromAabb({
    min: [x0, y0, 0],
    max: [x0 + size.width, y0 + size.height, size.depth],
  });
  return image;
}

/** All open projects plus the daemon-wide current one. */
export class ProjectRegistry {
  #projects = new Map<string, Project>();
  #current: Project | null = null;
  #next = 1;
  readonly #clock: () => number;
  readonly #historyLimit?: number;

  constructor(clock: () => number, historyLimit?: number) {
    this.#clock = clock;
    this.#historyLimit = historyLimit;
  }

  /** Number of open projects. */
  get size(): number {
    return this.#projects.size;
  }

  /** The daemon-wide current project, if any. */
  get current(): Project | null {
    return this.#current;
  }

  /** Every open project in creation order. */
  list(): Project[] {
    return [...this.#projects.values()];
  }

  /** Opens a new project from an image and makes it current; never touches other projects. */
  add(name: string, image: Image): Project {
    const id = `p${this.#next++}`;
    const project = new Project(id, name, image, this.#clock(), this.#historyLimit);
    this.#projects.set(id, project);
    this.#current = project;
    return project;
  }

  /** Finds a project by id or by exact name. */
  find(ref: string): Project | undefined {
    return this.#projects.get(ref) ?? this.list().find((p) => p.name === ref);
  }

  /**
   * Resolves the project a request addresses: the named one, else the current one, else a new
   * "Untitled" project (so `add_voxel` right after start works as users expect).
   */
  resolve(ref: string | undefined): Project {
    if (ref !== undefined) {
      const p = this.find(ref);
      if (!p) throw new NotFoundError(`Project "${ref}" is not open`);
      p.lastActivity = this.#clock();
      return p;
    }
    const p = this.#current ??
      this.add("Untitled", newSizedImage({ width: 64, height: 64, depth: 64 }));
    p.lastActivity = this.#clock();
    return p;
  }

  /** Makes a project current. */
  select(ref: string): Project {
    const p = this.find(ref);
    if (!p) throw new NotFoundError(`Project "${ref}" is not open`);
    this.#current = p;
    return p;
  }

  /** Closes a project; the current one falls back to the most recently created. */
  close(ref: string): Project {
    const p = this.find(ref);
    if (!p) throw new NotFoundError(`Project "${ref}" is not open`);
    this.#projects.delete(p.id);
    if (this.#current === p) this.#current = this.list().at(-1) ?? null;
    return p;
  }
}
