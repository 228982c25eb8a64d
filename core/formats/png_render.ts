/**
 * "png" export: the image rendered on the CPU (Goxel's PNG export, spec §3.12 and §6) through
 * its active camera or a camera preset, framed to the model, then PNG-encoded.
 */
import type { Image } from "../image.ts";
import { renderImage, type RenderQuality } from "../render/render.ts";
import type { Codec, EncodeOptions } from "./codec.ts";
import { encodePng } from "./png.ts";

/** Width and height used when the options give neither (Goxel's own default is 1024). */
export const DEFAULT_RENDER_SIZE = 512;

/**
 * Renders the image at `options.width`×`options.height` (one given: square; none: 512²) with
 * the camera preset or active camera and background of the options, and encodes it as PNG.
 * Throws InvalidInputError for sizes outside 1..4096 or an unknown preset.
 */
export function encodeRenderedPng(image: Image, options: EncodeOptions): Uint8Array {
  const width = options.width ?? options.height ?? DEFAULT_RENDER_SIZE;
  const height = options.height ?? options.width ?? DEFAULT_RENDER_SIZE;
  const picture = renderImage(image, {
    width,
    height,
    camera: options.camera,
    background: options.background,
    quality: options.quality as RenderQuality | undefined,
  });
  return encodePng(picture.width, picture.height, picture.rgba);
}

/** The "png" codec (export only): a rendered picture of the model. */
export const PNG_RENDER_CODEC: Codec = {
  name: "png",
  description: "PNG picture of the model rendered with Goxel's lighting (export only)",
  extensions: [".png"],
  encode: (image, options) => [{ suffix: "", data: encodeRenderedPng(image, options) }],
};
