/**
 * Managed render files (render_scene's file_path mode): kept in the render directory until
 * their TTL passes or the total size cap forces the oldest out. Only files this store created
 * can be inspected or deleted through the API.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { NotFoundError } from "../core/errors.ts";

/** What the API reports about a render file. */
export interface RenderRecord {
  path: string;
  size: number;
  format: "png";
  dimensions: { width: number; height: number };
  checksum: string;
  created_at: number;
  expires_at: number;
  session_id?: string;
}

/** The render directory and its bookkeeping. */
export class RenderStore {
  readonly dir: string;
  #records = new Map<string, RenderRecord>();
  readonly #clock: () => number;
  readonly #limits: () => { ttlSeconds: number; maxBytes: number };

  constructor(
    dir: string,
    clock: () => number,
    limits: () => { ttlSeconds: number; maxBytes: number },
  ) {
    this.dir = resolve(dir);
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Returns a fresh path in the render directory (creating the directory, 0700). */
  newPath(): string {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const ts = Math.floor(this.#clock() / 1000);
    return join(this.dir, `render_${ts}_${randomBytes(4).toString("hex")}.png`);
  }

  /** Records a written render and applies the TTL and size cap. */
  add(
    path: string,
    data: Uint8Array,
    width: number,
    height: number,
    session?: string,
  ): RenderRecord {
    const now = this.#clock() / 1000;
    path = resolve(path);
    const record: RenderRecord = {
      path,
      size: data.length,
      format: "png",
      dimensions: { width, height },
      checksum: `sha256:${createHash("sha256").update(data).digest("hex")}`,
      created_at: Math.floor(now),
      expires_at: Math.floor(now + this.#limits().ttlSeconds),
      ...(session ? { session_id: session } : {}),
    };
    this.#records.set(path, record);
    this.prune();
    return record;
  }

  /** Returns a live record, or throws NotFoundError. */
  get(path: string): RenderRecord {
    this.prune();
    const record = this.#records.get(resolve(path));
    if (!record) {
      throw new NotFoundError(`Render not found: ${path} is not a live render of this daemon`);
    }
    return record;
  }

  /** Every live render, oldest first. */
  list(): RenderRecord[] {
    this.prune();
    return [...this.#records.values()];
  }

  /** Deletes one render now. */
  remove(path: string): void {
    const record = this.get(path);
    rmSync(record.path, { force: true });
    this.#records.delete(record.path);
  }

  /** Deletes expired renders, then the oldest ones while the total exceeds the size cap. */
  prune(): void {
    const now = this.#clock() / 1000;
    const { maxBytes } = this.#limits();
    for (const r of [...this.#records.values()]) {
      if (r.expires_at <= now) this.#drop(r);
    }
    let total = [...this.#records.values()].reduce((n, r) => n + r.size, 0);
    for (const r of [...this.#records.values()]) {
      if (total <= maxBytes) break;
      total -= r.size;
      this.#drop(r);
    }
  }

  /** Deletes every render (on shutdown). */
  clear(): void {
    for (const r of [...this.#records.values()]) this.#drop(r);
  }

  #drop(r: RenderRecord): void {
    rmSync(r.path, { force: true });
    this.#records.delete(r.path);
  }
}
