/** Helpers for the abuse and fuzz suites: hostile files, a bystander client and the daemon's RSS. */
import assert from "node:assert/strict";
import { packRgba } from "../core/color.ts";
import { encodeGox } from "../core/formats/gox.ts";
import { GoxWriter, readGoxChunks } from "../core/formats/gox_chunks.ts";
import { newImage } from "../core/image.ts";
import { newLayer } from "../core/layer.ts";
import { scaling } from "../core/mat4.ts";
import { type Daemon, procStatus, RawClient } from "./support_testing.ts";

/** A reply as RawClient returns it. */
export interface Reply {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** The daemon's resident set size in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pid: number): Promise<number> {
  return Promise.resolve(procStatus(pid, "VmRSS") * 1024);
}

/** The daemon's pid, as it reports it. */
export async function daemonPid(c: RawClient): Promise<number> {
  const r = await c.request("goxel.status") as { result?: { pid?: number } };
  return r.result!.pid!;
}

/** Round-trip statistics of a bystander's pings. */
export interface PingStats {
  p99: number;
  max: number;
  count: number;
}

/**
 * Pings the daemon on its own connection every few ms, recording each round trip under every
 * phase it overlapped ("attack" while a hostile request is in flight, else "setup" or another
 * label the test sets).
 */
export class Bystander {
  readonly latencies: number[] = [];
  readonly byPhase = new Map<string, number[]>();
  /** Pings that began and ended within one phase, by phase. */
  readonly onlyIn = new Map<string, number[]>();
  #phase = "setup";
  #seen: string[] = [];
  #phaseChanges = 0;
  #running = true;
  #done: Promise<void>;

  private constructor(client: RawClient) {
    this.#done = (async () => {
      while (this.#running) {
        const started = this.#phaseChanges;
        const first = this.phase;
        const t0 = performance.now();
        const r = await client.request("goxel.ping");
        assert.ok(!r.error, "the bystander's ping failed");
        const ms = performance.now() - t0;
        this.latencies.push(ms);
        // A ping counts for every phase it overlapped (one that began or ended during it).
        const phases = new Set([first, this.phase, ...this.#seen.slice(started)]);
        for (const phase of phases) {
          if (!this.byPhase.has(phase)) this.byPhase.set(phase, []);
          this.byPhase.get(phase)!.push(ms);
        }
        if (phases.size === 1) {
          if (!this.onlyIn.has(first)) this.onlyIn.set(first, []);
          this.onlyIn.get(first)!.push(ms);
        }
        await new Promise((res) => setTimeout(res, 10));
      }
      client.close();
    })();
  }

  /**
   * Waits (at most 3 s) until two pings in a row take under 50 ms, so work left over from a
   * previous request (journaling a big legitimate edit) is not counted against the next attack.
   */
  async settle(): Promise<void> {
    const deadline = performance.now() + 3000;
    while (performance.now() < deadline) {
      const n = this.latencies.length;
      if (n >= 2 && this.latencies[n - 1] < 50 && this.latencies[n - 2] < 50) return;
      await new Promise((res) => setTimeout(res, 15));
    }
  }

  /** The current phase label; pings overlapping a phase count for it. */
  get phase(): string {
    return this.#phase;
  }
  set phase(value: string) {
    this.#phase = value;
    this.#seen.push(value);
    this.#phaseChanges++;
  }

  /** Statistics of the pings that overlapped `phase` (with `only`: that stayed within it). */
  stats(phase: string, only = false): PingStats {
    return statsOf((only ? this.onlyIn : this.byPhase).get(phase) ?? []);
  }

  /** Connects a bystander to the daemon's socket and starts pinging. */
  static async start(d: Daemon): Promise<Bystander> {
    return new Bystander(await RawClient.unix(d.socket));
  }

  /** Stops pinging; returns the statistics of every ping. */
  async stop(): Promise<PingStats> {
    this.#running = false;
    await this.#done;
    return statsOf(this.latencies);
  }
}

function statsOf(latencies: number[]): PingStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
  return { p99, max: sorted.at(-1) ?? 0, count: sorted.length };
}

/** A 16 KB .qb whose RLE matrix header claims 1024³ voxels. */
export function hugeQb(): Uint8Array {
  const bytes = new Uint8Array(16 * 1024);
  const v = new DataView(bytes.buffer);
  const u32 = [0x101, 0, 0, 1, 0, 1]; // version, RGBA, left-handed, compressed, no mask, 1 matrix
  u32.forEach((n, i) => v.setUint32(i * 4, n, true));
  let o = 24;
  v.setUint8(o++, 1);
  v.setUint8(o++, 0x61);
  for (const n of [1024, 1024, 1024, 0, 0, 0]) {
    v.setUint32(o, n, true);
    o += 4;
  }
  // RLE: "repeat 2^30 times one red voxel" codes fill the rest.
  for (; o + 12 <= bytes.length; o += 12) {
    v.setUint32(o, 2, true);
    v.setUint32(o + 4, 1 << 30, true);
    v.setUint32(o + 8, 0xff0000ff, true);
  }
  return bytes;
}

/** A tiny .gox with a cube shape layer and an image box, both of half-extent `half`. */
export function bigShapeGox(half: number): Uint8Array {
  const image = newImage();
  image.box = scaling(half, half, half);
  const layer = newLayer(2, "shape");
  layer.shape = "cube";
  layer.color = packRgba(255, 0, 0);
  layer.mat = scaling(half, half, half);
  image.layers.push(layer);
  return encodeGox(image);
}

/** A .gox of one block referenced `count` times by one layer (20 bytes per reference). */
export function manyBlockRefsGox(count: number): Uint8Array {
  const image = newImage();
  image.layers[0].volume.set(0, 0, 0, packRgba(255, 0, 0));
  const base = encodeGox(image);
  const bl16 = readGoxChunks(base).chunks.find((c) => c.type === "BL16")!;
  const w = new GoxWriter();
  w.tag("GOX ");
  w.int32(2);
  w.beginChunk("BL16");
  w.bytes(bl16.data);
  w.endChunk();
  w.beginChunk("LAYR");
  w.int32(count);
  for (let i = 0; i < count; i++) {
    for (const n of [0, (i % 64) * 16, Math.floor(i / 64) * 16, 0, 0]) w.int32(n);
  }
  w.endChunk();
  return w.result();
}
