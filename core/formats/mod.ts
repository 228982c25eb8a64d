/** The format registry: every codec, looked up by name or by file extension. */
import { InvalidInputError } from "../errors.ts";
import type { Codec } from "./codec.ts";
// codec imports (one line per codec module)

/** Every known codec, in lookup priority order. */
export const CODECS: readonly Codec[] = [
  // codec entries (one line per codec)
];

/** Which direction a lookup needs. */
export type Direction = "decode" | "encode";

/** Finds a codec by name (case-insensitive) or extension with or without the dot. */
export function findCodec(nameOrExt: string, direction?: Direction): Codec | undefined {
  const key = nameOrExt.toLowerCase();
  const ext = key.startsWith(".") ? key : `.${key}`;
  const fits = (c: Codec) => !direction || c[direction] !== undefined;
  return CODECS.find((c) => fits(c) && c.name === key) ??
    CODECS.find((c) => fits(c) && c.extensions.includes(ext));
}

/** Finds the codec for a file path by its extension (case-insensitive). */
export function codecForPath(path: string, direction: Direction): Codec | undefined {
  const lower = path.toLowerCase();
  const fits = (c: Codec) => c[direction] !== undefined;
  return CODECS.find((c) => fits(c) && c.extensions.some((e) => lower.endsWith(e)));
}

/** Like findCodec/codecForPath but throws a clear InvalidInputError when nothing fits. */
export function requireCodec(path: string, direction: Direction, format?: string): Codec {
  const codec = format ? findCodec(format, direction) : codecForPath(path, direction);
  if (codec) return codec;
  const verb = direction === "decode" ? "import" : "export";
  const names = CODECS.filter((c) => c[direction]).map((c) => c.name).join(", ");
  const what = format ? `format "${format}"` : `the extension of "${path}"`;
  throw new InvalidInputError(`Cannot ${verb} ${what}: known formats are ${names}`);
}
