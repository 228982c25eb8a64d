/**
 * Runs one script inside QuickJS compiled to WebAssembly: the script sees only the voxel API
 * (daemon/script_prelude.ts), no file system, process, environment, network or timers. The
 * QuickJS heap is capped at `memoryMb`, an interrupt handler stops it at its deadline, and every
 * voxel or tile it creates is charged to a WorkBudget. Runs inside the script worker thread.
 */
import baseVariant from "@jitl/quickjs-singlefile-mjs-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
} from "quickjs-emscripten-core";
import { LimitError, WorkBudget } from "../core/budget.ts";
import { type Image, mergedVisibleVolume } from "../core/image.ts";
import { aabbFromBox, isNullBox } from "../core/box.ts";
import { packRgba } from "../core/color.ts";
import { addLayer } from "../core/ops/layers.ts";
import { Volume } from "../core/volume.ts";
import { MAX_LOG_CHARS, SCRIPT_PRELUDE } from "./script_prelude.ts";

/** What a sandboxed run needs. */
export interface SandboxJob {
  source: string;
  args: unknown[];
  timeoutMs: number;
  memoryMb: number;
  maxVoxels: number;
  maxTiles: number;
}

/** Where and how the script's own error was thrown (line and column are 1-based). */
export interface ScriptErrorDetail {
  name?: string;
  message: string;
  line?: number;
  column?: number;
}

/** How a sandboxed run ended. */
export type SandboxOutcome =
  | { ok: true; value: unknown; logs: string[] }
  | {
    ok: false;
    kind: "timeout" | "cancelled" | "memory" | "limit" | "error";
    message: string;
    stack?: string;
    logs: string[];
    limit?: { limit: string; requested: number; max: number };
    error?: ScriptErrorDetail;
  };

const MAX_LOG_LINES = 1000;
/** WebAssembly pages (64 KiB) per MiB, and the pages QuickJS itself needs beyond the heap. */
const PAGES_PER_MB = 16;
const OVERHEAD_PAGES = 256;
/**
 * QuickJS's own stack limit. It must trip before the host's native stack, which the
 * WebAssembly frames share: past that the host throws a RangeError through QuickJS's C code and
 * leaves its runtime unusable (1 MiB let a plain recursion overflow the host first).
 */
const MAX_STACK_BYTES = 256 * 1024;
/** Stack frames an error reply keeps. */
const MAX_STACK_FRAMES = 20;
/** Host-side volumes a script may hold per MiB of its memory limit (each costs ~2 KiB). */
const VOLUMES_PER_MB = 256;

/** Why the run stopped from outside the script. */
type Flags = { timedOut: boolean; stopped: boolean };

/** What evaluating the script gave: its value as JSON, or what it threw. */
type Settled =
  | { ok: true; value: unknown }
  | { ok: false; error: unknown; context?: string; fromHost?: boolean };

/** Runs `job.source` against `image` (edited in place); never throws for script failures. */
export async function runSandboxed(
  job: SandboxJob,
  image: Image,
  stop?: Int32Array,
): Promise<SandboxOutcome> {
  // QuickJS's own malloc limit misses some large allocations, so the WebAssembly memory
  // itself is capped too: growing past it fails the allocation inside the sandbox.
  const wasmMemory = new WebAssembly.Memory({
    initial: OVERHEAD_PAGES,
    maximum: OVERHEAD_PAGES + job.memoryMb * PAGES_PER_MB,
  });
  const module = await newQuickJSWASMModuleFromVariant(newVariant(baseVariant, { wasmMemory }));
  const runtime = module.newRuntime();
  runtime.setMemoryLimit(job.memoryMb * 1024 * 1024);
  runtime.setMaxStackSize(MAX_STACK_BYTES);
  const deadline = Date.now() + job.timeoutMs;
  const flags: Flags = { timedOut: false, stopped: false };
  runtime.setInterruptHandler(() => {
    flags.timedOut ||= Date.now() > deadline;
    flags.stopped ||= stop !== undefined && Atomics.load(stop, 0) !== 0;
    return flags.timedOut || flags.stopped;
  });
  const vm = runtime.newContext();
  const host = new Host(image, job);
  let settled: Settled;
  try {
    host.install(vm);
    settled = evaluate(vm, job.source);
  } catch (err) {
    if (flags.timedOut || flags.stopped) {
      // Stopped while the host itself called into QuickJS (reading the error, settling the
      // value): the call threw "interrupted". The failure below says why it stopped.
      settled = { ok: false, error: "interrupted", fromHost: true };
    } else {
      // The host's own stack overflowed in the WebAssembly frames (deep C recursion in JSON).
      if (!(err instanceof RangeError && /call stack/i.test(err.message))) throw err;
      const error = { name: "InternalError", message: "stack overflow" };
      settled = { ok: false, error, fromHost: true };
    }
  }
  // After a host stack overflow QuickJS's state is torn: freeing it would abort. This module
  // and its memory belong to this run alone and are dropped with it.
  if (settled.ok || !settled.fromHost) {
    vm.dispose();
    runtime.dispose();
  }
  if (settled.ok && !flags.timedOut && !flags.stopped && !host.limit) {
    return { ok: true, value: settled.value, logs: host.logs };
  }
  return host.failure(settled, flags);
}

/** Runs the prelude then the script, and settles its completion value. */
function evaluate(vm: QuickJSContext, source: string): Settled {
  const serialize = vm.unwrapResult(vm.evalCode(SCRIPT_PRELUDE, "prelude.js"));
  try {
    const result = vm.evalCode(source, "script.js");
    if (result.error) return { ok: false, error: consume(vm, result.error) };
    return settle(vm, result.value, serialize);
  } finally {
    serialize.dispose();
  }
}

/** Dumps a handle to a host value and frees it (dump frees promises itself). */
function consume(vm: QuickJSContext, handle: QuickJSHandle): unknown {
  try {
    return vm.dump(handle);
  } finally {
    if (handle.alive) handle.dispose();
  }
}

/**
 * Settles a completion value: runs pending jobs, awaits a promise that can settle without
 * timers, then serializes the value to JSON inside the sandbox (under its deadline and memory).
 */
function settle(vm: QuickJSContext, handle: QuickJSHandle, serialize: QuickJSHandle): Settled {
  try {
    const jobs = vm.runtime.executePendingJobs();
    if (jobs.error) return { ok: false, error: consume(vm, jobs.error) };
    const state = vm.getPromiseState(handle);
    if (state.type === "pending") {
      const message = "the promise it returned never settled (scripts have no timers or I/O)";
      return { ok: false, error: { message } };
    }
    if (state.type === "rejected") return { ok: false, error: consume(vm, state.error) };
    try {
      const out = vm.callFunction(serialize, vm.undefined, state.value);
      if (out.error) {
        const context = "Cannot return the script's value as JSON";
        return { ok: false, error: consume(vm, out.error), context };
      }
      const text = vm.getString(out.value);
      out.value.dispose();
      return { ok: true, value: JSON.parse(text) };
    } finally {
      if (!state.notAPromise) state.value.dispose();
    }
  } finally {
    handle.dispose();
  }
}

/** The first frames of a stack: a runaway recursion's stack repeats one frame thousands of times. */
function clipStack(stack: string): string | undefined {
  const lines = stack.split("\n").filter((l) => l.trim());
  if (lines.length === 0) return undefined;
  const kept = lines.slice(0, MAX_STACK_FRAMES).map((l) => l.slice(0, 200));
  const more = lines.length - kept.length;
  return kept.join("\n") + (more > 0 ? `\n    … ${more} more frames` : "") + "\n";
}

/** Where a QuickJS stack puts the first frame of the script itself. */
function scriptPosition(stack: unknown): { line?: number; column?: number } {
  const m = typeof stack === "string" ? /\bscript\.js:(\d+):(\d+)/.exec(stack) : null;
  return m ? { line: Number(m[1]), column: Number(m[2]) } : {};
}

/** The host side of the API: volumes by handle, the image, logs and the work budget. */
class Host {
  readonly logs: string[] = [];
  readonly #image: Image;
  readonly #job: SandboxJob;
  readonly #budget: WorkBudget;
  readonly #volumes = new Map<number, Volume>();
  readonly #ids = new Map<Volume, number>();
  /** Tile data the run did not allocate or was charged for already (see #chargeTiles). */
  readonly #known = new Set<number>();
  #limit: LimitError | null = null;

  constructor(image: Image, job: SandboxJob) {
    this.#image = image;
    this.#job = job;
    this.#budget = new WorkBudget({ maxVoxels: job.maxVoxels, maxTiles: job.maxTiles });
    for (const layer of image.layers) this.#remember(layer.volume);
  }

  /** The first budget the script went over, even if it caught the error and went on. */
  get limit(): LimitError | null {
    return this.#limit;
  }

  /** Installs `__host` with the functions the prelude wraps. */
  install(vm: QuickJSContext): void {
    const obj = vm.newObject();
    for (const [name, fn] of Object.entries(this.#functions())) {
      const f = vm.newFunction(name, (...handles) => {
        try {
          const out = fn(...handles.map((h) => vm.dump(h) as number));
          if (out === undefined) return vm.undefined;
          return typeof out === "string" ? vm.newString(out) : vm.newNumber(out);
        } catch (err) {
          if (err instanceof LimitError) this.#limit ??= err;
          const e = err as Error;
          return { error: vm.newError({ name: e.name ?? "Error", message: e.message }) };
        }
      });
      vm.setProp(obj, name, f);
      f.dispose();
    }
    vm.setProp(vm.global, "__host", obj);
    obj.dispose();
  }

  #functions(): Record<string, (...a: number[]) => number | string | undefined> {
    const vol = (h: number) => {
      const v = this.#volumes.get(h);
      if (!v) throw new TypeError("Unknown volume");
      return v;
    };
    return {
      newVolume: () => this.#handle(new Volume()),
      copyVolume: (h) => this.#handle(vol(h).copy()),
      setAt: (h, x, y, z, r, g, b, a) => this.#setAt(vol(h), x, y, z, packRgba(r, g, b, a)),
      getAt: (h, x, y, z) => vol(h).get(x, y, z),
      count: (h) => vol(h).count(),
      voxels: (h) => this.#voxels(vol(h)),
      addLayer: () => JSON.stringify(this.#layerInfo(addLayer(this.#image))),
      activeLayer: () => {
        const layer = this.#image.activeLayer;
        if (!layer) throw new Error("The image has no active layer");
        return JSON.stringify(this.#layerInfo(layer));
      },
      layers: () => JSON.stringify(this.#image.layers.map((l) => this.#layerInfo(l))),
      layersVolume: () => this.#handle(this.#chargeTiles(mergedVisibleVolume(this.#image))),
      selectionBox: () => JSON.stringify(this.#selectionBox()),
      print: (line) => this.#print(String(line)),
      args: () => JSON.stringify(this.#job.args),
    };
  }

  /**
   * Returns the handle of a volume, registering it first. The volumes a script creates live on
   * the host, outside its heap: their number is bounded by its memory limit, or a loop of
   * `new Volume()` filled the daemon's memory (gigabytes in seconds) until the deadline.
   */
  #handle(volume: Volume): number {
    let id = this.#ids.get(volume);
    if (id === undefined) {
      const max = this.#job.memoryMb * VOLUMES_PER_MB;
      if (this.#volumes.size >= max) {
        throw new LimitError(
          "limits.script_memory_mb",
          this.#volumes.size + 1,
          max,
          `Cannot create a volume: the script holds ${max} volumes, the most that ` +
            `${this.#job.memoryMb} MiB allows (limits.script_memory_mb)`,
        );
      }
      id = this.#volumes.size + 1;
      this.#volumes.set(id, volume);
      this.#ids.set(volume, id);
    }
    return id;
  }

  #remember(volume: Volume): void {
    for (const [ox, oy, oz] of volume.tiles()) this.#known.add(volume.tileDataId(ox, oy, oz)!);
  }

  /** Charges the tiles of `volume` this run allocated and was not charged for yet. */
  #chargeTiles(volume: Volume): Volume {
    let tiles = 0;
    for (const [ox, oy, oz] of volume.tiles()) {
      const data = volume.tileDataId(ox, oy, oz)!;
      if (!this.#known.has(data)) {
        this.#known.add(data);
        tiles++;
      }
    }
    this.#budget.charge("run the script", { tiles });
    return volume;
  }

  #layerInfo(layer: { id: number; name: string; volume: Volume }) {
    return { id: layer.id, name: layer.name, volume: this.#handle(layer.volume) };
  }

  #selectionBox() {
    const box = this.#image.selectionBox;
    if (!box || isNullBox(box)) return null;
    const b = aabbFromBox(box);
    return { min: b.min, max: b.max.map((v) => v - 1) };
  }

  #setAt(volume: Volume, x: number, y: number, z: number, c: number): undefined {
    this.#budget.charge("run the script", { voxels: 1 });
    volume.set(x, y, z, c);
    // A new tile, or a copy of a shared one (a copy()'s tiles are shared until written): both
    // allocate 16 KiB, so both count against the tile budget.
    const data = volume.tileDataId(x & ~15, y & ~15, z & ~15)!;
    if (!this.#known.has(data)) {
      this.#known.add(data);
      this.#budget.charge("run the script", { tiles: 1 });
    }
    return undefined;
  }

  /** A flat [x, y, z, rgba, …] list, refused when it could not fit the script's memory. */
  #voxels(volume: Volume): string {
    const count = volume.count();
    const bytes = count * 48;
    if (bytes > this.#job.memoryMb * 1024 * 1024) {
      throw new LimitError(
        "limits.script_memory_mb",
        bytes,
        this.#job.memoryMb * 1024 * 1024,
        `Cannot iterate ${count} voxels within ${this.#job.memoryMb} MiB (limits.script_memory_mb)`,
      );
    }
    const flat: number[] = [];
    volume.forEachVoxel((x, y, z, c) => {
      flat.push(x, y, z, c);
    });
    return JSON.stringify(flat);
  }

  #print(line: string): undefined {
    // The prelude cut the line already: what crosses is a fresh string of its own.
    if (this.logs.length < MAX_LOG_LINES) this.logs.push(line.slice(0, MAX_LOG_CHARS));
    return undefined;
  }

  /** Classifies a failure: stop, deadline, work budget, memory limit or the script's own error. */
  failure(settled: Settled, flags: Flags): SandboxOutcome {
    const logs = this.logs;
    if (flags.stopped) return { ok: false, kind: "cancelled", message: "cancelled", logs };
    const err = settled.ok ? null : settled.error;
    const e = (typeof err === "object" && err !== null ? err : {}) as {
      name?: unknown;
      message?: unknown;
      stack?: unknown;
    };
    const message = String(e.message ?? err).slice(0, MAX_LOG_CHARS);
    if (flags.timedOut || message === "interrupted") {
      return { ok: false, kind: "timeout", message: "interrupted", logs };
    }
    if (this.#limit) {
      const { limit, requested, max } = this.#limit;
      const text = this.#limit.message;
      return { ok: false, kind: "limit", message: text, logs, limit: { limit, requested, max } };
    }
    if (/out of memory/i.test(message)) {
      const limit = `limit ${this.#job.memoryMb} MiB, limits.script_memory_mb`;
      return {
        ok: false,
        kind: "memory",
        message: `the script ran out of memory (${limit})`,
        logs,
      };
    }
    const name = typeof e.name === "string" && e.name !== "Error" ? e.name : undefined;
    const context = settled.ok ? undefined : settled.context;
    const text = [context, name, message].filter(Boolean).join(": ");
    // Errors here come from the sandbox (host errors other than a stack overflow are rethrown
    // as bugs), so the stack names only script.js and prelude.js, never the daemon's files.
    const stack = typeof e.stack === "string" ? clipStack(e.stack) : undefined;
    const error = { name, message, ...scriptPosition(stack) };
    return { ok: false, kind: "error", message: text, stack, logs, error };
  }
}
