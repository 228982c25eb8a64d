/**
 * The journal's byte format (docs/journal.md): a file header, then records framed by length,
 * CRC-32C and sequence number, each carrying one committed change of a project as an
 * image delta. Pure: bytes in, records out.
 */
import { crc32c } from "./crc32c.ts";
import type { ImageDelta, TilePatch, VolumePatch } from "./image_delta.ts";
import type { MetaJson } from "./image_meta.ts";

/**
 * The 8 bytes every journal file starts with: "GOXJ", format version 3 (u16 LE), 0 (u16).
 * Version 2 added meta's `kept` (fields taken from the image a record applies to), version 3
 * the SHARE tile encoding (a tile that is another layer's); readers accept every version up to
 * theirs and refuse later ones rather than replaying them without what they added.
 */
export const JOURNAL_MAGIC = Uint8Array.of(0x47, 0x4f, 0x58, 0x4a, 3, 0, 0, 0);
/** Format versions this reader understands. */
const READABLE_VERSIONS = [1, 2, 3];

/** True when the header is "GOXJ", a readable version and a zero u16. */
function isJournalHeader(bytes: Uint8Array): boolean {
  for (let i = 0; i < 4; i++) if (bytes[i] !== JOURNAL_MAGIC[i]) return false;
  return READABLE_VERSIONS.includes(bytes[4] | bytes[5] << 8) && bytes[6] === 0 && bytes[7] === 0;
}
/** Bytes of a record's frame before its payload. */
export const FRAME_BYTES = 16;
/** Largest payload a reader accepts (a record above it is treated as damage). */
export const MAX_PAYLOAD_BYTES = 1 << 30;

/** What a record does to its project. */
export const RecordKind = {
  /** The project's whole state (first record of a project): replaces everything. */
  OPEN: 1,
  /** An edit: apply the delta, then it is one undo step. */
  EDIT: 2,
  /** `steps` undo steps; the delta is their combined effect. */
  UNDO: 3,
  /** `steps` redo steps; the delta is their combined effect. */
  REDO: 4,
  /** Project facts only (name, path, last save); no undo step. */
  PROJECT: 5,
} as const;

/** Facts about a project that are not part of its image. */
export interface ProjectFacts {
  id: string;
  name: string;
  /** The file it was loaded from or last saved to. */
  path: string | null;
  /** Sequence number of the state last loaded or saved (null: never; dirty). */
  savedSeq: number | null;
  createdAt: number;
}

/** One decoded record. */
export interface JournalRecord {
  seq: number;
  kind: number;
  /** The RPC method that made the change (informative). */
  method: string;
  /** Undo/redo step count (0 otherwise). */
  steps: number;
  project: ProjectFacts | null;
  delta: ImageDelta;
}

const enc = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** UTF-8 of a method name; names are ASCII, copied byte by byte (cheaper than a TextEncoder). */
function methodBytes(method: string): Uint8Array {
  const bytes = new Uint8Array(method.length);
  for (let i = 0; i < method.length; i++) {
    const c = method.charCodeAt(i);
    if (c > 0x7f) return enc.encode(method);
    bytes[i] = c;
  }
  return bytes;
}
const dec = new TextDecoder("utf-8", { fatal: true });

/**
 * Encodes one record with its frame. With `sealed` false the CRC is left 0 for the caller to
 * compute in slices ({@link sealRecord}), so a large record never blocks for long.
 */
export function encodeRecord(rec: JournalRecord, sealed = true): Uint8Array {
  const method = methodBytes(rec.method);
  const project = rec.project ? enc.encode(JSON.stringify(rec.project)) : EMPTY;
  const meta = rec.delta.meta ? enc.encode(JSON.stringify(rec.delta.meta)) : EMPTY;
  let size = FRAME_BYTES + 4 + method.length + 4 + 4 + project.length + 4 + meta.length + 4;
  for (const v of rec.delta.volumes) {
    size += 12 + (v.order?.length ?? 0) * 12;
    for (const t of v.tiles) size += 17 + t.data.length;
  }
  // Plain byte stores into a plain array: a DataView needs an ArrayBuffer, and allocating one
  // per record cost JavaScriptCore more than the rest of the encoding (see putPair).
  const out = new Uint8Array(size);
  let o = FRAME_BYTES;
  out[o] = rec.kind;
  out[o + 1] = 0;
  out[o + 2] = method.length;
  out[o + 3] = method.length >>> 8;
  out.set(method, o += 4);
  putU32(out, o += method.length, rec.steps);
  o = putBlock(out, o + 4, project);
  o = putBlock(out, o, meta);
  putU32(out, o, rec.delta.volumes.length);
  o += 4;
  for (const v of rec.delta.volumes) o = putVolume(out, o, v);
  putU32(out, 0, size - FRAME_BYTES);
  putU32(out, 8, rec.seq >>> 0);
  putU32(out, 12, Math.floor(rec.seq / 2 ** 32));
  if (sealed) putU32(out, 4, crc32c(out, 0, 8));
  return out;
}

/** Stores a record's CRC computed by the caller over `bytes.subarray(8)`. */
export function sealRecord(bytes: Uint8Array, crc: number): void {
  putU32(bytes, 4, crc);
}

/** Little-endian 32-bit store (signed values store their two's complement). */
function putU32(out: Uint8Array, o: number, v: number): void {
  out[o] = v;
  out[o + 1] = v >>> 8;
  out[o + 2] = v >>> 16;
  out[o + 3] = v >>> 24;
}

function putBlock(out: Uint8Array, o: number, bytes: Uint8Array): number {
  putU32(out, o, bytes.length);
  out.set(bytes, o + 4);
  return o + 4 + bytes.length;
}

function putVolume(out: Uint8Array, o: number, v: VolumePatch): number {
  putU32(out, o, v.id);
  putU32(out, o + 4, v.tiles.length);
  o += 8;
  for (const t of v.tiles) {
    putU32(out, o, t.origin[0]);
    putU32(out, o + 4, t.origin[1]);
    putU32(out, o + 8, t.origin[2]);
    out[o + 12] = t.encoding;
    putU32(out, o + 13, t.data.length);
    out.set(t.data, o + 17);
    o += 17 + t.data.length;
  }
  putU32(out, o, v.order?.length ?? 0);
  o += 4;
  for (const [x, y, z] of v.order ?? []) {
    putU32(out, o, x);
    putU32(out, o + 4, y);
    putU32(out, o + 8, z);
    o += 12;
  }
  return o;
}

/** Where reading a journal stopped and why. */
export type ScanEnd =
  | { kind: "clean"; offset: number }
  /** The last record is incomplete or garbled and nothing follows it: cut it off. */
  | { kind: "torn"; offset: number; reason: string }
  /** A damaged record with more data after it: replay must stop before it. */
  | { kind: "corrupt"; offset: number; reason: string };

/** Result of {@link scanJournal}. */
export interface Scan {
  records: JournalRecord[];
  /** End offset of each record (for truncation). */
  ends: number[];
  end: ScanEnd;
}

/**
 * Reads every intact record of a journal file's bytes, stopping at the first damage;
 * `firstSeq` (from the file's name) tells what sequence numbers to look for past a damaged
 * length field.
 */
export function scanJournal(bytes: Uint8Array, firstSeq = 1): Scan {
  const records: JournalRecord[] = [], ends: number[] = [];
  if (bytes.length < JOURNAL_MAGIC.length) {
    return {
      records,
      ends,
      end: { kind: "torn", offset: 0, reason: "the file header is incomplete" },
    };
  }
  if (!isJournalHeader(bytes)) {
    return {
      records,
      ends,
      end: { kind: "corrupt", offset: 0, reason: "not a goxel journal (bad magic or version)" },
    };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = JOURNAL_MAGIC.length, last = 0;
  while (o < bytes.length) {
    const damage = (reason: string, atEnd: boolean): Scan => ({
      records,
      ends,
      end: { kind: atEnd ? "torn" : "corrupt", offset: o, reason: `${reason} at byte ${o}` },
    });
    // A header repeated where a record starts (the header-only file of a session without
    // edits once got a second one at the next start) is no damage: its length field would
    // exceed MAX_PAYLOAD_BYTES, so it cannot be a record.
    if (
      bytes[o] === JOURNAL_MAGIC[0] && isJournalHeader(bytes.subarray(o, o + JOURNAL_MAGIC.length))
    ) {
      o += JOURNAL_MAGIC.length;
      continue;
    }
    if (bytes.length - o < FRAME_BYTES) return damage("an incomplete record frame", true);
    const len = view.getUint32(o, true);
    if (len > MAX_PAYLOAD_BYTES) return damage(`a record length of ${len} bytes`, false);
    const end = o + FRAME_BYTES + len;
    if (end > bytes.length) {
      // A torn write leaves the last thing in the file; a length field damaged in the middle
      // also runs past the end, but whole records follow it.
      const follows = recordFollows(bytes, view, o + 1, last || firstSeq - 1);
      return damage(
        follows ? "a record length that runs past the records after it" : "a record cut short",
        !follows,
      );
    }
    if (crc32c(bytes.subarray(o + 8, end)) !== view.getUint32(o + 4, true)) {
      return damage("a record whose checksum does not match", end === bytes.length);
    }
    const seq = view.getUint32(o + 8, true) + view.getUint32(o + 12, true) * 2 ** 32;
    if (seq <= last) return damage(`sequence ${seq} after ${last}`, false);
    try {
      records.push(decodePayload(bytes.subarray(o + FRAME_BYTES, end), seq));
    } catch (err) {
      return damage(`an undecodable record (${(err as Error).message})`, false);
    }
    ends.push(end);
    last = seq;
    o = end;
  }
  return { records, ends, end: { kind: "clean", offset: o } };
}

/**
 * True when a whole record (its length within the file, a sequence number just after `last`,
 * a matching checksum) starts at or after `from`. Only positions whose sequence number fits
 * are checksummed, so a long torn tail is searched in one cheap pass.
 */
function recordFollows(bytes: Uint8Array, view: DataView, from: number, last: number): boolean {
  for (let p = from; p + FRAME_BYTES <= bytes.length; p++) {
    const seq = view.getUint32(p + 8, true) + view.getUint32(p + 12, true) * 2 ** 32;
    if (seq <= last || seq > last + 1_000_000) continue;
    const len = view.getUint32(p, true);
    if (len > bytes.length - p - FRAME_BYTES) continue;
    const end = p + FRAME_BYTES + len;
    if (crc32c(bytes.subarray(p + 8, end)) === view.getUint32(p + 4, true)) return true;
  }
  return false;
}

function decodePayload(p: Uint8Array, seq: number): JournalRecord {
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const need = (o: number, n: number) => {
    if (o + n > p.length) throw new RangeError("payload too short");
  };
  need(0, 4);
  const kind = p[0];
  if (kind < RecordKind.OPEN || kind > RecordKind.PROJECT) throw new RangeError(`kind ${kind}`);
  const methodLen = view.getUint16(2, true);
  need(4, methodLen + 4);
  const method = dec.decode(p.subarray(4, 4 + methodLen));
  let o = 4 + methodLen;
  const steps = view.getUint32(o, true);
  const block = () => {
    need(o, 4);
    const n = view.getUint32(o, true);
    need(o + 4, n);
    const text = n ? dec.decode(p.subarray(o + 4, o + 4 + n)) : "";
    o += 4 + n;
    return text ? JSON.parse(text) : null;
  };
  o += 4;
  const project = block() as ProjectFacts | null;
  const meta = block() as MetaJson | null;
  need(o, 4);
  const count = view.getUint32(o, true);
  o += 4;
  const volumes: VolumePatch[] = [];
  for (let v = 0; v < count; v++) {
    need(o, 8);
    const id = view.getInt32(o, true), n = view.getUint32(o + 4, true);
    o += 8;
    const tiles: TilePatch[] = [];
    for (let t = 0; t < n; t++) {
      need(o, 17);
      const len = view.getUint32(o + 13, true);
      need(o + 17, len);
      tiles.push({
        origin: [view.getInt32(o, true), view.getInt32(o + 4, true), view.getInt32(o + 8, true)],
        encoding: p[o + 12],
        data: p.slice(o + 17, o + 17 + len),
      });
      o += 17 + len;
    }
    need(o, 4);
    const orderCount = view.getUint32(o, true);
    o += 4;
    need(o, orderCount * 12);
    const order: [number, number, number][] = [];
    for (let k = 0; k < orderCount; k++, o += 12) {
      order.push([view.getInt32(o, true), view.getInt32(o + 4, true), view.getInt32(o + 8, true)]);
    }
    volumes.push(orderCount ? { id, tiles, order } : { id, tiles });
  }
  if (o !== p.length) throw new RangeError(`${p.length - o} unread bytes`);
  return { seq, kind, method, steps, project, delta: { meta, volumes } };
}
