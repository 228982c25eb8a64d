/** The jobs the worker pool runs; shared by the pool (main thread) and the worker entry. */
import { WorkBudget, type WorkBudgetOptions } from "../core/budget.ts";
import type { Codec, EncodedFile, EncodeOptions } from "../core/formats/codec.ts";
import type { Image } from "../core/image.ts";
import { updateImage } from "../core/ops/layers.ts";
import { findCodec } from "../core/formats/mod.ts";
import {
  imageFromPlain,
  imageToPlain,
  type PlainImage,
  plainTiles,
  type PlainVolume,
  volumeFromPlain,
} from "../core/plain_image.ts";
import { type EditOp, type EditResult, runEditJob } from "./edit_jobs.ts";
import { runScriptJob, type ScriptJob, type ScriptJobResult } from "./script_job.ts";
import { InvalidInputError } from "../core/errors.ts";
import type { Light } from "../core/image.ts";
import { type PlainCamera, renderEachRange, type RenderOptions } from "../core/render/render.ts";
import { rangesInOrder, rangesLeft, sharedRanges } from "../core/render/range_claims.ts";
import { type ColorTable, colorTable, type ColorTableOptions } from "../core/ops/color_stats.ts";
import { encodePngPart, PNG_LEVEL, type PngPart } from "../core/formats/png.ts";
import { SceneCache } from "../core/render/scene_cache.ts";

/** A unit of CPU-heavy work that runs off the event loop. */
export type Job =
  | { kind: "encode"; codec: string; image: PlainImage; options: EncodeOptions }
  | { kind: "decode"; codec: string; bytes: Uint8Array; limits?: WorkBudgetOptions }
  | { kind: "edit"; volume: PlainVolume; op: EditOp; limits?: WorkBudgetOptions }
  | { kind: "script"; script: ScriptJob }
  | { kind: "sleep"; ms: number }
  | { kind: "color_table"; volume: PlainVolume; options: ColorTableOptions }
  | {
    kind: "render_rows" | "render_png_parts";
    volume: PlainVolume;
    camera: PlainCamera | null;
    light: Light;
    options: RenderOptions;
    /** The picture's row ranges [y0, y1): RGBA bytes (render_rows) or a PNG part each. */
    ranges: [number, number][];
    /**
     * A counter shared by the jobs of one picture (an Int32Array on a SharedArrayBuffer, from
     * 0): each takes the next range left (see sharedRanges). Without it, every range.
     */
    claims?: Int32Array;
    /** Name of the volume's content (see SceneCache): its set-up is kept for the next job. */
    content?: string;
    /** Each tile's number (Volume.tileDataId), in the volume's order: see TileMeshes. */
    numbers?: Float64Array;
  };

/** A rendered range of a picture: its index in the job's ranges and its RGBA bytes or part. */
export type RenderedRange<T> = T & { index: number };

/** What each job kind returns. */
export type JobResult =
  | EncodedFile[]
  | PlainImage
  | EditResult
  | ScriptJobResult
  | Uint8Array
  | RenderedRange<{ data: Uint8Array }>[]
  | RenderedRange<PngPart>[]
  | ColorTable
  | null;

/**
 * Decodes a file and computes its derived layers (shape and clone volumes are not stored); the
 * declared sizes and the derived layers share one budget.
 */
export function decodeImage(codec: Codec, bytes: Uint8Array, limits?: WorkBudgetOptions): Image {
  const budget = new WorkBudget(limits);
  const image = codec.decode!(bytes, { budget });
  updateImage(image, budget);
  return image;
}

/** This thread's render set-up of the content it rendered last. */
const scenes = new SceneCache();

/** Runs a job in the current thread (the worker calls this; tests may too). */
export function runJob(job: Job): JobResult | Promise<JobResult> {
  switch (job.kind) {
    case "encode": {
      const codec = findCodec(job.codec, "encode");
      if (!codec?.encode) throw new InvalidInputError(`Cannot export format "${job.codec}"`);
      return codec.encode(imageFromPlain(job.image, true), job.options);
    }
    case "decode": {
      const codec = findCodec(job.codec, "decode");
      if (!codec?.decode) throw new InvalidInputError(`Cannot import format "${job.codec}"`);
      return imageToPlain(decodeImage(codec, job.bytes, job.limits));
    }
    case "edit":
      return runEditJob(job.volume, job.op, job.limits);
    case "script":
      return runScriptJob(job.script);
    case "render_rows":
    case "render_png_parts": {
      const { camera, light, options, ranges, claims } = job;
      // Started after the other jobs of its picture took every range: nothing to set up.
      if (claims && !rangesLeft(ranges, claims)) return [];
      const kept = job.content === undefined
        ? null
        : { cache: scenes, content: job.content, numbers: job.numbers };
      const tiles = plainTiles(job.volume);
      const taken = claims ? sharedRanges(ranges, claims) : rangesInOrder(ranges);
      if (job.kind === "render_rows") {
        const rows: RenderedRange<{ data: Uint8Array }>[] = [];
        renderEachRange(tiles, camera, light, options, taken, kept, false, (data, index) => {
          rows.push({ data, index });
        });
        return rows;
      }
      // Each range is encoded from the cache's own arrays as soon as it is rendered.
      const parts: RenderedRange<PngPart>[] = [];
      renderEachRange(tiles, camera, light, options, taken, kept, true, (rgba, index) => {
        parts.push({ ...encodePngPart(options.width, rgba, PNG_LEVEL, scenes.scratch), index });
      });
      return parts;
    }
    case "color_table":
      return colorTable(volumeFromPlain(job.volume, true), job.options);
    case "sleep": {
      const end = performance.now() + job.ms;
      while (performance.now() < end) { /* busy: simulates CPU-bound work in tests */ }
      return null;
    }
  }
}
