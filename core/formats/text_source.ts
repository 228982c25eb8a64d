/** Reading the text formats (.txt voxel lists, .obj meshes): UTF-8 lines with their byte offsets. */
import { FormatError } from "../errors.ts";

/** One line of a text file: its text, 1-based number and the byte offset where it starts. */
export interface SourceLine {
  text: string;
  number: number;
  offset: () => number;
}

/** The lines of a UTF-8 file; a FormatError naming the format when it is not UTF-8. */
export function sourceLines(bytes: Uint8Array, format: string): SourceLine[] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new FormatError(format, 0, `Cannot load ${format} file: it is not UTF-8 text`, { cause });
  }
  let chars = 0;
  return text.split("\n").map((line, i) => {
    const start = chars;
    chars += line.length + 1;
    // Byte offsets are for errors only: worked out when one is thrown.
    return { text: line, number: i + 1, offset: () => utf8Length(text.slice(0, start)) };
  });
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}
