/**
 * The journal's byte format (docs/journal.md): a file header, then records framed by length,
 * CRC-32C and sequence number, each carrying one committed change of a project as an
 * image delta. Pure: bytes in, records out.
 */
import { crc32c } from "./crc32c.ts";
import type { ImageDelta, TilePatch, VolumePatch } from "./image_delta.ts";
import type { MetaJson } from "./image_meta.ts";

/** The 8 bytes every journal file starts with: "GOXJ", format version 1 (u16 LE), 0 (u16). */
export const JOURNAL_MAGIC = Uint8Array.of(0x47, 0x4f, 0x58, 0x4a, 1, 0, 0, 0);
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
const dec = new TextDecoder("utf-8", { fatal: true });

/**
 * Encodes one record with its frame. With `sealed` false the CRC is left 0 for the caller to
 * compute in slices ({@link sealRecord}), so a large record never blocks for long.
 */
export function encodeRecord(rec: JournalRecord, sealed = true): Uint8Array {
  const method = enc.encode(rec.method);
  const project = rec.project ? enc.encode(JSON.stringify(rec.project)) : new Uint8Array(0);
  const meta = rec.delta.meta ? enc.encode(JSON.stringify(rec.delta.meta)) : new Uint8Array(0);
  let size = FRAME_BYTES + 4 + method.length + 4 + 4 + project.length + 4 + meta.length + 4;
  for (const v of rec.delta.volumes) {
    size += 8;
    for (const t of v.tiles) size += 17 + t.data.length;
  }
  const out = new Uint8Array(size), view = new DataView(out.buffer);
  let o = FRAME_BYTES;
  out[o] = rec.kind;
  out[o + 1] = 0;
  view.setUint16(o + 2, method.length, true);
  out.set(method, o += 4);
  view.setUint32(o += method.length, rec.steps, true);
  o = putBlock(out, view, o + 4, project);
  o = putBlock(out, view, o, meta);
  view.setUint32(o, rec.delta.volumes.length, true);
  o += 4;
  for (const v of rec.delta.volumes) o = putVolume(out, view, o, v);
  view.setUint32(0, size - FRAME_BYTES, true);
  view.setUint32(8, rec.seq >>> 0, true);
  view.setUint32(12, Math.floor(rec.seq / 2 ** 32), true);
  if (sealed) view.setUint32(4, crc32c(out.subarray(8)), true);
  return out;
}

/** Stores a record's CRC computed by the caller over `bytes.subarray(8)`. */
export function sealRecord(bytes: Uint8Array, crc: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(4, crc, true);
}

function putBlock(out: Uint8Array, view: DataView, o: number, bytes: Uint8Array): number {
  view.setUint32(o, bytes.length, true);
  out.set(bytes, o + 4);
  return o + 4 + bytes.length;
}

function putVolume(out: Uint8Array, view: DataView, o: number, v: VolumePatch): number {
  view.setInt32(o, v.id, true);
  view.setUint32(o + 4, v.tiles.length, true);
  o += 8;
  for (const t of v.tiles) {
    view.setInt32(o, t.origin[0], true);
    view.setInt32(o + 4, t.origin[1], true);
    view.setInt32(o + 8, t.origin[2], true);
    out[o + 12] = t.encoding;
    view.setUint32(o + 13, t.data.length, true);
    out.set(t.data, o + 17);
    o += 17 + t.data.length;
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

/** Reads every intact record of a journal file's bytes, stopping at the first damage. */
export function scanJournal(bytes: Uint8Array): Scan {
  const records: JournalRecord[] = [], ends: number[] = [];
  if (bytes.length < JOURNAL_MAGIC.length) {
    return {
      records,
      ends,
      end: { kind: "torn", offset: 0, reason: "the file header is incomplete" },
    };
  }
  if (!JOURNAL_MAGIC.every((b, i) => bytes[i] === b)) {
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
    if (bytes.length - o < FRAME_BYTES) return damage("an incomplete record frame", true);
    const len = view.getUint32(o, true);
    if (len > MAX_PAYLOAD_BYTES) return damage(`a record length of ${len} bytes`, false);
    const end = o + FRAME_BYTES + len;
    if (end > bytes.length) return damage("a record cut short", true);
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
    volumes.push({ id, tiles });
  }
  if (o !== p.length) throw new RangeError(`${p.length - o} unread bytes`);
  return { seq, kind, method, steps, project, delta: { meta, volumes } };
}
