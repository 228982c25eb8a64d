/** Bounds-checked binary reading and growable binary writing for the voxel codecs. */
import { FormatError } from "../errors.ts";

/** Reads little- or big-endian values and throws FormatError instead of reading past the end. */
export class ByteReader {
  readonly bytes: Uint8Array;
  readonly format: string;
  readonly littleEndian: boolean;
  pos = 0;
  #view: DataView;

  constructor(bytes: Uint8Array, format: string, littleEndian = true) {
    this.bytes = bytes;
    this.format = format;
    this.littleEndian = littleEndian;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left after the current position. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Returns a FormatError at the current position (or `offset`) with a sentence-case message. */
  error(detail: string, offset = this.pos): FormatError {
    return new FormatError(this.format, offset, `Cannot load ${this.format} file: ${detail}`);
  }

  /** Throws unless `n` more bytes are available; `what` names the truncated part. */
  need(n: number, what: string): void {
    if (!(n >= 0) || n > this.remaining) {
      throw this.error(`${what} is truncated at byte ${this.pos}`);
    }
  }

  /** Reads an unsigned byte. */
  u8(what = "data"): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  /** Reads an unsigned 16-bit integer. */
  u16(what = "data"): number {
    this.need(2, what);
    const v = this.#view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }

  /** Reads an unsigned 32-bit integer. */
  u32(what = "data"): number {
    this.need(4, what);
    const v = this.#view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }

  /** Reads a signed 32-bit integer. */
  i32(what = "data"): number {
    this.need(4, what);
    const v = this.#view.getInt32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }

  /** Reads a 32-bit float. */
  f32(what = "data"): number {
    this.need(4, what);
    const v = this.#view.getFloat32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }

  /** Returns a view of the next `n` bytes and advances past them. */
  take(n: number, what = "data"): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Advances by `n` bytes. */
  skip(n: number, what = "data"): void {
    this.need(n, what);
    this.pos += n;
  }
}

/** Appends binary values to a growing buffer. */
export class ByteWriter {
  readonly littleEndian: boolean;
  #buf = new Uint8Array(1024);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  constructor(littleEndian = true) {
    this.littleEndian = littleEndian;
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.#len;
  }

  #reserve(n: number): number {
    if (this.#len + n > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    const at = this.#len;
    this.#len += n;
    return at;
  }

  /** Writes an unsigned byte. */
  u8(v: number): void {
    const at = this.#reserve(1);
    this.#buf[at] = v;
  }

  /** Writes an unsigned 16-bit integer. */
  u16(v: number): void {
    const at = this.#reserve(2);
    this.#view.setUint16(at, v, this.littleEndian);
  }

  /** Writes an unsigned 32-bit integer. */
  u32(v: number): void {
    const at = this.#reserve(4);
    this.#view.setUint32(at, v >>> 0, this.littleEndian);
  }

  /** Writes a signed 32-bit integer. */
  i32(v: number): void {
    const at = this.#reserve(4);
    this.#view.setInt32(at, v | 0, this.littleEndian);
  }

  /** Writes raw bytes. */
  bytes(data: Uint8Array): void {
    const at = this.#reserve(data.length);
    this.#buf.set(data, at);
  }

  /** Overwrites an unsigned 32-bit integer already written at `offset`. */
  setU32(offset: number, v: number): void {
    this.#view.setUint32(offset, v >>> 0, this.littleEndian);
  }

  /** Returns a copy of the bytes written. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** Joins byte arrays into one (the one itself when there is only one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
