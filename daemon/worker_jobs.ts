/** The jobs the worker pool runs; shared by the pool (main thread) and the worker entry. */
import type { Codec, EncodedFile, EncodeOptions } from "../core/formats/codec.ts";
import type { Image } from "../core/image.ts";
import { updateImage } from "../core/ops/layers.ts";
import { findCodec } from "../core/formats/mod.ts";
import { imageFromPlain, imageToPlain, type PlainImage } from "../core/plain_image.ts";
import { InvalidInputError } from "../core/errors.ts";
import type { Light } from "../core/image.ts";
import type { PlainTile } from "../core/render/raycast.ts";
import { type PlainCamera, type RenderOptions, renderRows } from "../core/render/render.ts";
import { encodePng } from "../core/formats/png.ts";

/** A unit of CPU-heavy work that runs off the event loop. */
export type Job =
  | { kind: "encode"; codec: string; image: PlainImage; options: EncodeOptions }
  | { kind: "decode"; codec: string; bytes: Uint8Array }
  | { kind: "sleep"; ms: number }
  | {
    kind: "render_rows";
    tiles: PlainTile[];
    camera: PlainCamera | null;
    light: Light;
    options: RenderOptions;
    rows: [number, number];
  }
  | {
    kind: "render_png";
    tiles: PlainTile[];
    camera: PlainCamera | null;
    light: Light;
    options: RenderOptions;
  }
  | { kind: "encode_png"; width: number; height: number; rgba: Uint8Array };

/** What each job kind returns. */
export type JobResult = EncodedFile[] | PlainImage | Uint8Array | null;

/** Decodes a file and computes its derived layers (shape and clone volumes are not stored). */
export function decodeImage(codec: Codec, bytes: Uint8Array): Image {
  const image = codec.decode!(bytes);
  updateImage(image);
  return image;
}

/** Runs a job in the current thread (the worker calls this; tests may too). */
export function runJob(job: Job): JobResult {
  switch (job.kind) {
    case "encode": {
      const codec = findCodec(job.codec, "encode");
      if (!codec?.encode) throw new InvalidInputError(`Cannot export format "${job.codec}"`);
      return codec.encode(imageFromPlain(job.image, true), job.options);
    }
    case "decode": {
      const codec = findCodec(job.codec, "decode");
      if (!codec?.decode) throw new InvalidInputError(`Cannot import format "${job.codec}"`);
      return imageToPlain(decodeImage(codec, job.bytes));
    }
    case "render_rows": {
      const [y0, y1] = job.rows;
      return renderRows(job.tiles, job.camera, job.light, job.options, y0, y1);
    }
    case "render_png": {
      const { width, height } = job.options;
      const rgba = renderRows(job.tiles, job.camera, job.light, job.options, 0, height);
      return encodePng(width, height, rgba);
    }
    case "encode_png":
      return encodePng(job.width, job.height, job.rgba);
    case "sleep": {
      const end = performance.now() + job.ms;
      while (performance.now() < end) { /* busy: simulates CPU-bound work in tests */ }
      return null;
    }
  }
}
