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
  };

const MAX_LOG_LINES = 1000;
/** WebAssembly pages (64 KiB) per MiB, and the pages QuickJS itself needs beyond the heap. */
const PAGES_PER_MB = 16;
const OVERHEAD_PAGES = 256;

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
  runtime.setMaxStackSize(1024 * 1024);
  const deadline = Date.now() + job.timeoutMs;
  let timedOut = false, stopped = false;
  runtime.setInterruptHandler(() => {
    timedOut ||= Date.now() > deadline;
    stopped ||= stop !== undefined && Atomics.load(stop, 0) !== 0;
    return timedOut || stopped;
  });
  const vm = runtime.newContext();
  const host = new Host(image, job);
  try {
    host.install(vm);
    vm.unwrapResult(vm.evalCode(SCRIPT_PRELUDE, "prelude.js")).dispose();
    const result = vm.evalCode(job.source, "script.js");
    if (result.error) {
      const err = vm.dump(result.error);
      result.error.dispose();
      return host.failure(err, timedOut, stopped);
    }
    const value = settle(vm, result.value);
    return { ok: true, value: value === undefined ? null : value, logs: host.logs };
  } catch (err) {
    return host.failure(err, timedOut, stopped);
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}

/** Dumps a completion value, resolving a promise when its jobs can finish synchronously. */
function settle(vm: QuickJSContext, handle: QuickJSHandle): unknown {
  try {
    vm.runtime.executePendingJobs();
    const state = vm.getPromiseState(handle);
    if (state.type === "fulfilled" && !state.notAPromise) {
      const v = vm.dump(state.value);
      state.value.dispose();
      return v;
    }
    if (state.type === "rejected") {
      const e = vm.dump(state.error);
      state.error.dispose();
      throw Object.assign(new Error(e?.message ?? String(e)), { name: e?.name ?? "Error" });
    }
    return vm.dump(handle);
  } finally {
    handle.dispose();
  }
}

/** The host side of the API: volumes by handle, the image, logs and the work budget. */
class Host {
  readonly logs: string[] = [];
  readonly #image: Image;
  readonly #job: SandboxJob;
  readonly #budget: WorkBudget;
  readonly #volumes = new Map<number, Volume>();
  readonly #ids = new Map<Volume, number>();
  #limit: LimitError | null = null;

  constructor(image: Image, job: SandboxJob) {
    this.#image = image;
    this.#job = job;
    this.#budget = new WorkBudget({ maxVoxels: job.maxVoxels, maxTiles: job.maxTiles });
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
          if (err instanceof LimitError) this.#limit = err;
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
      layersVolume: () => this.#handle(mergedVisibleVolume(this.#image)),
      selectionBox: () => JSON.stringify(this.#selectionBox()),
      print: (line) => this.#print(String(line)),
      args: () => JSON.stringify(this.#job.args),
    };
  }

  #handle(volume: Volume): number {
    let id = this.#ids.get(volume);
    if (id === undefined) {
      id = this.#volumes.size + 1;
      this.#volumes.set(id, volume);
      this.#ids.set(volume, id);
    }
    return id;
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
    const isNewTile = !volume.readTile(x & ~15, y & ~15, z & ~15);
    this.#budget.charge("run the script", { voxels: 1, tiles: isNewTile ? 1 : 0 });
    volume.set(x, y, z, c);
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

  /** Classifies a failure: deadline, memory limit, work budget or the script's own error. */
  failure(err: unknown, timedOut: boolean, stopped = false): SandboxOutcome {
    const e = (err ?? {}) as { name?: string; message?: string; stack?: string };
    const message = String(e.message ?? err);
    const logs = this.logs;
    if (stopped) return { ok: false, kind: "cancelled", message: "cancelled", logs };
    if (timedOut || message === "interrupted") {
      return { ok: false, kind: "timeout", message: "interrupted", logs };
    }
    if (/out of memory/i.test(message) || e.name === "RangeError" && /stack/.test(message)) {
      const what = /stack/.test(message) ? "stack" : "memory";
      return {
        ok: false,
        kind: "memory",
        message: `the script ran out of ${what} (limit ${this.#job.memoryMb} MiB, ` +
          `limits.script_memory_mb)`,
        logs,
      };
    }
    if (this.#limit && message === this.#limit.message) {
      const { limit, requested, max } = this.#limit;
      return { ok: false, kind: "limit", message, logs, limit: { limit, requested, max } };
    }
    const name = e.name && e.name !== "Error" ? `${e.name}: ` : "";
    return { ok: false, kind: "error", message: `${name}${message}`, stack: e.stack, logs };
  }
}
