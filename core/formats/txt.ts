/**
 * Plain-text voxel lists: `x y z rrggbb` per line. The writer matches Goxel byte for byte; the
 * reader is more tolerant than Goxel's (any run of spaces or tabs separates fields, `#` starts a
 * comment line, CRLF is accepted, `#rrggbb` and `rrggbbaa` colours are read) and reports the
 * first bad line instead of stopping silently.
 */
import { WorkBudget } from "../budget.ts";
import { alphaOf, parseHex } from "../color.ts";
import { FormatError } from "../errors.ts";
import { type Image, mergedVisibleVolume } from "../image.ts";
import { COORD_LIMIT, isInRange, Volume } from "../volume.ts";
import type { Codec, DecodeOptions } from "./codec.ts";
import { TextSink } from "./text_sink.ts";
import { sourceLines } from "./text_source.ts";
import { imageFromLayers } from "./voxel_image.ts";

const FORMAT = ".txt";
const HEADER = "# Goxel 0.15.2\n# One line per voxel\n# X Y Z RRGGBB\n";
const INT = /^[+-]?\d+$/;
const COLOR = /^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

/** Decodes a voxel list into one layer; every listed voxel is opaque unless given `rrggbbaa`. */
export function decodeTxt(bytes: Uint8Array, options: DecodeOptions = {}): Image {
  const budget = options.budget ?? new WorkBudget();
  const volume = new Volume();
  for (const source of sourceLines(bytes, FORMAT)) {
    const line = source.text.trim();
    if (line !== "" && !line.startsWith("#")) {
      const why = parseLine(volume, line, budget);
      if (why) {
        // The line itself is not quoted: an error must never leak a file's contents.
        const msg = `line ${source.number} is not "x y z rrggbb": ${why}`;
        throw new FormatError(FORMAT, source.offset(), `Cannot load ${FORMAT} file: ${msg}`);
      }
    }
  }
  return imageFromLayers([{ name: "Layer.1", volume }]);
}

/** Adds the voxel of one data line; returns what is wrong with a malformed one, else null. */
function parseLine(volume: Volume, line: string, budget: WorkBudget): string | null {
  const t = line.split(/\s+/);
  if (t.length !== 4) return `it has ${t.length} fields`;
  const [x, y, z] = t.slice(0, 3).map((s) => (INT.test(s) ? Number(s) : NaN));
  const bad = ["x", "y", "z"].filter((_, i) => !INT.test(t[i]));
  if (bad.length) return `${bad.join(", ")} not an integer`;
  if (!isInRange(x, y, z)) return `a coordinate is out of range (±${COORD_LIMIT})`;
  const color = COLOR.test(t[3]) ? parseHex(t[3]) : null;
  if (color === null) return "the colour is not 6 or 8 hex digits";
  if (!alphaOf(color)) return null;
  // Each line is charged before its voxel, and each new tile before it is created.
  const isNewTile = !volume.readTile(x & ~15, y & ~15, z & ~15);
  budget.charge("decode .txt", { voxels: 1, tiles: isNewTile ? 1 : 0 });
  volume.set(x, y, z, color);
  return null;
}

const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");

/**
 * Encodes the merged visible volume like Goxel: voxels with alpha ≥ 127, colour without alpha.
 * Bytes go straight into a growing buffer: one string per line cost gigabytes on large models.
 */
export function encodeTxt(image: Image): Uint8Array {
  const out = new TextSink();
  out.text(HEADER);
  mergedVisibleVolume(image).forEachVoxel((x, y, z, c) => {
    if (alphaOf(c) < 127) return;
    for (const v of [x, y, z]) {
      out.int(v);
      out.char(32);
    }
    for (let shift = 0; shift < 24; shift += 8) {
      out.char(HEX_DIGITS[(c >>> (shift + 4)) & 15]);
      out.char(HEX_DIGITS[(c >>> shift) & 15]);
    }
    out.char(10);
  });
  return out.finish();
}

/** The `.txt` codec. */
export const TXT_CODEC: Codec = {
  name: "txt",
  aliases: ["text"],
  description: "Text voxel list (x y z rrggbb per line)",
  extensions: [".txt"],
  decode: decodeTxt,
  encode: (image) => [{ suffix: "", data: encodeTxt(image) }],
};
