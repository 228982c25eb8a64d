/** Colour palettes: GIMP `.gpl` parsing like Goxel's and the built-in palettes. */
import { packRgba, type Rgba, unpackRgba } from "./color.ts";
import { magicaDefaultPalette } from "./formats/magica_palette.ts";

/** One palette colour with its (possibly empty) name. */
export interface PaletteEntry {
  color: Rgba;
  name: string;
}

/** A named list of colours; `columns` only matters for display (0 when unset). */
export interface Palette {
  name: string;
  columns: number;
  entries: PaletteEntry[];
}

const isSpace = (ch: string) => ch === " " || (ch >= "\t" && ch <= "\r");

/** Skips C whitespace from `i`; returns the next index. */
function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s[i])) i++;
  return i;
}

/** Reads a C `%d` at `i` (leading space, optional sign, digits) or returns null. */
function scanInt(s: string, i: number): [number, number] | null {
  i = skipSpace(s, i);
  const start = i;
  if (s[i] === "+" || s[i] === "-") i++;
  const digits = i;
  while (i < s.length && s[i] >= "0" && s[i] <= "9") i++;
  if (i === digits) return null;
  return [parseInt(s.slice(start, i), 10), i];
}

/** Parses a `"%d %d %d %[^\n]"` colour line, or returns null when the three numbers are absent. */
function scanEntry(line: string): PaletteEntry | null {
  const rgb: number[] = [];
  let i = 0;
  for (let k = 0; k < 3; k++) {
    const got = scanInt(line, i);
    if (!got) return null;
    rgb.push(got[0]);
    i = got[1];
  }
  // Values are cast to uint8 without range checks, like Goxel.
  const color = packRgba(rgb[0] & 255, rgb[1] & 255, rgb[2] & 255, 255);
  return { color, name: line.slice(skipSpace(line, i)) };
}

/**
 * Parses a GIMP palette the way Goxel does: the first `Name:` and `Columns:` lines set the
 * name and column count, lines starting with three integers are colours (alpha 255, rest of
 * the line is the entry name, a trailing `\r` included), everything else is ignored.
 */
export function parseGpl(text: string): Palette {
  const palette: Palette = { name: "", columns: 0, entries: [] };
  let hasName = false, hasColumns = false;
  for (const line of text.split("\n")) {
    if (!hasName && line.startsWith("Name:")) {
      palette.name = line.slice(skipSpace(line, 5));
      hasName = true;
      continue;
    }
    if (!hasColumns && line.startsWith("Columns:")) {
      palette.columns = scanInt(line, 8)?.[0] ?? 0;
      hasColumns = true;
      continue;
    }
    const entry = scanEntry(line);
    if (entry) palette.entries.push(entry);
  }
  return palette;
}

/** Formats a palette as GIMP `.gpl` text that `parseGpl` reads back unchanged. */
export function formatGpl(palette: Palette): string {
  const lines = ["GIMP Palette", `Name: ${palette.name}`];
  if (palette.columns) lines.push(`Columns: ${palette.columns}`);
  lines.push("#");
  for (const e of palette.entries) {
    const [r, g, b] = unpackRgba(e.color);
    lines.push(`${r}\t${g}\t${b}\t${e.name}`);
  }
  return lines.join("\n") + "\n";
}

/** DawnBringer's 32 colours as 0xRRGGBB, in the order of Goxel's `db32.gpl`. */
const DB32_COLORS = [
  0x000000,
  0x222034,
  0x45283c,
  0x663931,
  0x8f563b,
  0xdf7126,
  0xd9a066,
  0xeec39a,
  0xfbf236,
  0x99e550,
  0x6abe30,
  0x37946e,
  0x4b692f,
  0x524b24,
  0x323c39,
  0x3f3f74,
  0x306082,
  0x5b6ee1,
  0x639bff,
  0x5fcde4,
  0xcbdbfc,
  0xffffff,
  0x9badb7,
  0x847e87,
  0x696a6a,
  0x595652,
  0x76428a,
  0xac3232,
  0xd95763,
  0xd77bba,
  0x8f974a,
  0x8a6f30,
];
const DB32_NAMES = (
  "Black|Valhalla|Loulou|Oiled cedar|Rope|Tahiti gold|Twine|Pancho|Golden fizz|Atlantis|" +
  "Christi|Elf green|Dell|Verdigris|Opal|Deep koamaru|Venice blue|Royal blue|Cornflower|" +
  "Viking|Light steel blue|White|Heather|Topaz|Dim gray|Smokey ash|Clairvoyant|Brown|Mandy|" +
  "Plum|Rain forest|Stinger"
).split("|");

const fromHex = (hex: number) => packRgba(hex >> 16, (hex >> 8) & 255, hex & 255, 255);

/** Goxel's default palette, DawnBringer 32 ("DB32", 8 columns). */
export const DB32: Palette = {
  name: "DB32",
  columns: 8,
  entries: DB32_COLORS.map((hex, i) => ({ color: fromHex(hex), name: DB32_NAMES[i] })),
};

/**
 * MagicaVoxel's default colours 1..255 then black (256 entries), named `#RRGGBB`, exactly as
 * Goxel's `MagicaVoxel.gpl`.
 */
export const MAGICAVOXEL: Palette = {
  name: "MagicaVoxel",
  columns: 0,
  entries: [...magicaDefaultPalette().subarray(1), packRgba(0, 0, 0)].map((color) => {
    const [r, g, b] = unpackRgba(color);
    const hex = ((r << 16) | (g << 8) | b).toString(16).toUpperCase().padStart(6, "0");
    return { color, name: `#${hex}` };
  }),
};

/** Palettes available without any file, the default (DB32) first. */
export const BUILTIN_PALETTES: readonly Palette[] = [DB32, MAGICAVOXEL];

/** Returns the built-in palette with this name (case-insensitive), if any. */
export function findBuiltinPalette(name: string): Palette | undefined {
  const key = name.toLowerCase();
  return BUILTIN_PALETTES.find((p) => p.name.toLowerCase() === key);
}

/** Returns the first entry whose name equals `name` ignoring case, if any. */
export function findEntryByName(palette: Palette, name: string): PaletteEntry | undefined {
  const key = name.toLowerCase();
  return palette.entries.find((e) => e.name.toLowerCase() === key);
}
