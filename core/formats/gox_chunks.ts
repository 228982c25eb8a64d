/**
 * The `.gox` container: magic, version, a list of `type, int32 length, data, int32 crc`
 * chunks, and the key/value DICT that ends most chunks. Reading checks every declared length
 * against the bytes available; writing builds chunks into one growable buffer.
 */
import { FormatError } from "../errors.ts";

/** The version Goxel writes; readers accept this one and older ones. */
export const GOX_VERSION = 2;
/** Longest DICT key Goxel can read. */
const MAX_KEY = 255;

/** One chunk of a `.gox` file. */
export interface GoxChunk {
  type: string;
  /** Byte offset of the chunk header in the file. */
  offset: number;
  data: Uint8Array;
}

/** One DICT entry: an ASCII key and its raw value bytes. */
export interface DictEntry {
  key: string;
  value: Uint8Array;
  /** Byte offset of the value in the file. */
  offset: number;
}

/** Throws the FormatError every `.gox` decoding failure uses. */
export function goxError(offset: number, message: string, cause?: unknown): never {
  throw new FormatError("gox", offset, message, cause === undefined ? undefined : { cause });
}

function chunkType(bytes: Uint8Array, pos: number): string {
  let s = "";
  for (let i = 0; i < 4; i++) {
    const c = bytes[pos + i];
    s += c >= 32 && c < 127 ? String.fromCharCode(c) : "?";
  }
  return s;
}

/** Splits a `.gox` file into its version and chunks; rejects a bad magic or a newer version. */
export function readGoxChunks(bytes: Uint8Array): { version: number; chunks: GoxChunk[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || chunkType(bytes, 0) !== "GOX ") {
    goxError(0, 'the file does not start with "GOX "');
  }
  if (bytes.length < 8) goxError(4, "the header is truncated at byte 4");
  const version = view.getInt32(4, true);
  if (version > GOX_VERSION) goxError(4, `file version ${version} is newer than version 2`);
  const chunks: GoxChunk[] = [];
  for (let pos = 8; pos < bytes.length;) {
    const left = bytes.length - pos;
    if (left < 8) goxError(pos, `a chunk header is truncated at byte ${pos}`);
    const type = chunkType(bytes, pos), length = view.getInt32(pos + 4, true);
    if (length < 0 || length > left - 12) {
      goxError(
        pos,
        `chunk ${type} at byte ${pos} is truncated: it declares ${length} bytes, ${
          left - 12
        } remain`,
      );
    }
    chunks.push({ type, offset: pos, data: bytes.subarray(pos + 8, pos + 8 + length) });
    pos += 12 + length;
  }
  return { version, chunks };
}

/** Returns the little-endian int32 at `pos` of a chunk's data, checking bounds. */
export function chunkInt32(chunk: GoxChunk, pos: number): number {
  if (pos + 4 > chunk.data.length) {
    goxError(
      chunk.offset + 8 + pos,
      `chunk ${chunk.type} is truncated at byte ${chunk.offset + 8 + pos}`,
    );
  }
  const d = chunk.data;
  return d[pos] | d[pos + 1] << 8 | d[pos + 2] << 16 | d[pos + 3] << 24;
}

/** Keys seen before, by length and bytes: files repeat a handful of keys in every chunk. */
const KEYS = new Map<number, string[]>();

/** Returns the key of `len` bytes at `at` (one char per byte, as Goxel's keys are bytes). */
function keyAt(data: Uint8Array, at: number, len: number): string {
  let h = len;
  for (let i = at; i < at + len; i++) h = Math.imul(h ^ data[i], 0x01000193);
  const known = KEYS.get(h);
  if (known) {
    for (const k of known) if (isKeyAt(k, data, at, len)) return k;
  }
  let key = "";
  for (let i = at; i < at + len; i++) key += String.fromCharCode(data[i]);
  // Bounded: a file full of distinct keys starts the cache over rather than growing it.
  if (KEYS.size >= 256) KEYS.clear();
  if ((known?.length ?? 0) < 4) KEYS.set(h, [...(KEYS.get(h) ?? []), key]);
  return key;
}

function isKeyAt(key: string, data: Uint8Array, at: number, len: number): boolean {
  if (key.length !== len) return false;
  for (let i = 0; i < len; i++) if (key.charCodeAt(i) !== data[at + i]) return false;
  return true;
}

/**
 * Reads the DICT starting at `start` of a chunk's data, until the end of the chunk or a key
 * length of 0. Values may be longer than Goxel's 255-byte buffer (they are accepted).
 */
export function readDict(chunk: GoxChunk, start: number): DictEntry[] {
  const out: DictEntry[] = [];
  const base = chunk.offset + 8, data = chunk.data;
  let pos = start;
  while (pos < data.length) {
    const keyLen = chunkInt32(chunk, pos);
    if (keyLen === 0) break;
    if (keyLen < 0 || keyLen > MAX_KEY || pos + 4 + keyLen > data.length) {
      goxError(
        base + pos,
        `chunk ${chunk.type} has a bad key length ${keyLen} at byte ${base + pos}`,
      );
    }
    const key = keyAt(data, pos + 4, keyLen);
    pos += 4 + keyLen;
    const valueLen = chunkInt32(chunk, pos);
    if (valueLen < 0 || valueLen > data.length - pos - 4) {
      goxError(
        base + pos,
        `chunk ${chunk.type} has a bad value length ${valueLen} at byte ${base + pos}`,
      );
    }
    out.push({ key, value: data.subarray(pos + 4, pos + 4 + valueLen), offset: base + pos + 4 });
    pos += 4 + valueLen;
  }
  return out;
}

/** A growable little-endian byte buffer that writes `.gox` chunks. */
export class GoxWriter {
  #buf = new Uint8Array(1 << 16);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;
  #chunkStart = -1;

  #reserve(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** Appends raw bytes. */
  bytes(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  /** Appends ASCII characters. */
  tag(s: string): void {
    this.#reserve(s.length);
    for (let i = 0; i < s.length; i++) this.#buf[this.#pos++] = s.charCodeAt(i);
  }

  /** Appends a little-endian int32. */
  int32(v: number): void {
    this.#reserve(4);
    this.#view.setInt32(this.#pos, v, true);
    this.#pos += 4;
  }

  /** Starts a chunk; its length is filled in by `endChunk`. */
  beginChunk(type: string): void {
    this.tag(type);
    this.int32(0);
    this.#chunkStart = this.#pos;
  }

  /** Ends the current chunk: patches its length and appends the (always zero) CRC. */
  endChunk(): void {
    this.#view.setInt32(this.#chunkStart - 4, this.#pos - this.#chunkStart, true);
    this.int32(0);
  }

  /** Appends one DICT entry. */
  entry(key: string, value: Uint8Array): void {
    this.int32(key.length);
    this.tag(key);
    this.int32(value.length);
    this.bytes(value);
  }

  /** Returns the bytes written so far. */
  result(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }
}
