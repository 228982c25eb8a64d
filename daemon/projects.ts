/**
 * The registry of open projects. Each project owns its image and undo history; requests for
 * one project apply in arrival order (an async operation holds the project's queue), while
 * different projects never wait on each other.
 */
import type { FileStamp } from "./files.ts";
import { boxFromAabb } from "../core/box.ts";
import { InvalidInputError, NotFoundError } from "../core/errors.ts";
import { History, type HistoryOptions } from "../core/history.ts";
import { applyDelta, diffImage, isEmptyDelta } from "../core/journal/image_delta.ts";
import { shareUnchangedMeta } from "../core/journal/image_meta.ts";
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
  /** Journal sequence number of the last committed change (0 before the first record). */
  seq = 0;
  /** Sequence number of the state last loaded or saved; null when never (always dirty). */
  savedSeq: number | null = null;
  /**
   * What the file at `path` was when the project loaded or last saved it (null: unknown, e.g.
   * after a restart): a save in place refuses to replace a file someone else changed since.
   */
  fileStamp: FileStamp | null = null;
  /** Why the project refuses edits (recovered from a damaged journal), or null. */
  readOnly: string | null = null;
  /** The last journal write failure, until a write succeeds again; null when healthy. */
  degraded: string | null = null;
  /** Logged voxel edits so far (daemon/commits.ts samples its checks by it). */
  loggedEdits = 0;
  /** Requests that addressed this project so far (see ProjectRegistry.resolve). */
  requests = 0;

  constructor(id: string, name: string, image: Image, now: number, history?: HistoryOptions) {
    this.id = id;
    this.name = name;
    this.image = image;
    this.history = new History(history);
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

  /**
   * Records `image` (default: the live image; a snapshot when saving one) as saved at `path`;
   * `seq` is the sequence number that image had.
   */
  markSaved(
    path: string,
    image: Image = this.image,
    seq: number = this.seq,
    stamp: FileStamp | null = null,
  ): void {
    this.path = path;
    this.fileStamp = stamp;
    this.savedSeq = seq;
    this.#saved = imageFingerprint(image);
  }

  /** Marks the project as differing from any saved file (recovered without its saved state). */
  markUnsaved(): void {
    this.#saved = [];
  }

  /** Returns a copy-on-write snapshot of the image for work off the live state. */
  snapshot(): Image {
    return copyImage(this.image);
  }

  /** Replaces the live image (the dispatcher journals and records the change). */
  replaceImage(image: Image): void {
    this.image = image;
  }

  /**
   * Makes the live image equal to `next`, an image built elsewhere (a worker's copy, a file),
   * by applying only what differs: unchanged tiles and fields stay shared with the undo step
   * taken before the request, so it costs what changed, not a whole copy of the project; an
   * equal `next` changes nothing. Tile order follows `next`.
   */
  adoptImage(next: Image): void {
    shareUnchangedMeta(this.image, next);
    const delta = diffImage(this.image, next, true);
    if (!isEmptyDelta(delta)) this.image = applyDelta(this.image, delta);
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

/** Told when projects open, close or become current (the journal store listens). */
export interface RegistryObserver {
  opened(project: Project, method: string): void;
  closed(project: Project): void;
  selected(current: Project | null, nextId: number): void;
}

const NO_OBSERVER: RegistryObserver = { opened() {}, closed() {}, selected() {} };

/** The undo history a configuration asks for (its 0s mean unbounded). */
export function historyOptions(
  config: { history_limit: number; history_max_bytes: number },
): HistoryOptions {
  return {
    limit: config.history_limit || undefined,
    maxBytes: config.history_max_bytes || undefined,
  };
}

/** All open projects plus the daemon-wide current one. */
export class ProjectRegistry {
  #projects = new Map<string, Project>();
  #current: Project | null = null;
  #next = 1;
  readonly #clock: () => number;
  readonly #history: HistoryOptions;
  /** Set once at start-up, after recovery. */
  observer: RegistryObserver = NO_OBSERVER;

  constructor(clock: () => number, history: HistoryOptions = {}) {
    this.#clock = clock;
    this.#history = history;
  }

  /** How much undo history each project keeps. */
  get history(): HistoryOptions {
    return this.#history;
  }

  /** The number the next project id will use. */
  get nextId(): number {
    return this.#next;
  }

  /** Open projects by last use (created, loaded or selected), the most recent last. */
  #recent = new Set<Project>();

  #used(project: Project): void {
    this.#recent.delete(project);
    this.#recent.add(project);
  }

  /** Puts back a recovered project under its own id (no observer call). */
  restore(project: Project): void {
    this.#projects.set(project.id, project);
    this.#used(project);
    const n = Number(/^p(\d+)$/.exec(project.id)?.[1] ?? 0);
    if (n >= this.#next) this.#next = n + 1;
  }

  /** Restores the daemon-wide current project and id counter after recovery. */
  restoreSession(current: string | null, nextId: number): void {
    this.#current = (current ? this.#projects.get(current) : undefined) ?? this.list().at(-1) ??
      null;
    if (this.#current) this.#used(this.#current);
    if (nextId > this.#next) this.#next = nextId;
  }

  /** True while this very project is open (not closed, not replaced under its id). */
  isOpen(project: Project): boolean {
    return this.#projects.get(project.id) === project;
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

  /**
   * Opens a new project from an image and makes it current; never touches other projects.
   * `prepare` runs before the project is journaled (e.g. to mark it saved at its file).
   */
  add(
    name: string,
    image: Image,
    method = "create_project",
    prepare?: (p: Project) => void,
  ): Project {
    const id = `p${this.#next++}`;
    const project = new Project(id, name, image, this.#clock(), this.#history);
    prepare?.(project);
    this.observer.opened(project, method);
    this.#projects.set(id, project);
    this.#current = project;
    this.#used(project);
    this.observer.selected(project, this.#next);
    return project;
  }

  /**
   * Finds a project by id, else by exact name; a name several open projects share is refused
   * (it picked the oldest, so one client's edits or close went to another's project).
   */
  find(ref: string): Project | undefined {
    const byId = this.#projects.get(ref);
    if (byId) return byId;
    const named = this.list().filter((p) => p.name === ref);
    if (named.length > 1) {
      throw new InvalidInputError(
        `Project name "${ref}" is ambiguous: ${named.map((p) => p.id).join(", ")} are all ` +
          `named so; use the project's id`,
      );
    }
    return named[0];
  }

  /**
   * Resolves the project a request addresses: the named one, else the current one, else for an
   * edit a new "Untitled" project (so `add_voxel` right after start works as users expect); a
   * read with no project open is refused (it made an empty project appear).
   */
  resolve(ref: string | undefined, edits = true): Project {
    if (ref !== undefined) {
      const p = this.find(ref);
      if (!p) throw new NotFoundError(`Project "${ref}" is not open`);
      p.lastActivity = this.#clock();
      p.requests++;
      return p;
    }
    if (!this.#current && !edits) {
      throw new NotFoundError(
        "No project is open: create one (goxel.create_project) or load a file " +
          "(goxel.load_project); the first edit also opens an empty one",
      );
    }
    const p = this.#current ??
      this.add("Untitled", newSizedImage({ width: 64, height: 64, depth: 64 }), "auto");
    p.lastActivity = this.#clock();
    p.requests++;
    return p;
  }

  /** Makes a project current. */
  select(ref: string): Project {
    const p = this.find(ref);
    if (!p) throw new NotFoundError(`Project "${ref}" is not open`);
    this.#used(p);
    if (this.#current !== p) {
      this.#current = p;
      this.observer.selected(p, this.#next);
    }
    return p;
  }

  /**
   * Closes a project. Closing another than the current one leaves the current one alone; closing
   * the current one falls back to the most recently used of the others.
   */
  close(ref: string): Project {
    const p = this.find(ref);
    if (!p) throw new NotFoundError(`Project "${ref}" is not open`);
    this.#projects.delete(p.id);
    this.#recent.delete(p);
    if (this.#current === p) this.#current = [...this.#recent].at(-1) ?? null;
    this.observer.closed(p);
    this.observer.selected(this.#current, this.#next);
    return p;
  }
}
