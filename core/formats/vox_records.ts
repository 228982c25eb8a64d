/**
 * The chunk list of a `.vox` file as plain data, kept with the decoded image so writing `.vox`
 * again re-emits what the file held: scene-graph chunks parsed field by field (so they can be
 * edited), models (SIZE + XYZI or another voxel chunk) kept raw, everything else (MATL, rOBJ,
 * rCAM, NOTE, IMAP, MATT, unknown kinds) byte for byte. Strings are Latin-1 ("binary") so the
 * bytes come back exactly; `utf8Text` turns one into readable text.
 */

/** A DICT entry; key and value are Latin-1 strings holding the file's exact bytes. */
export type VoxPair = [string, string];

/** One child chunk of MAIN, in file order. */
export type VoxRecord =
  | { id: "SIZE"; model: number }
  | {
    id: "nTRN";
    node: number;
    attrs: VoxPair[];
    child: number;
    reserved: number;
    layer: number;
    frames: VoxPair[][];
  }
  | { id: "nGRP"; node: number; attrs: VoxPair[]; children: number[] }
  | { id: "nSHP"; node: number; attrs: VoxPair[]; models: [number, VoxPair[]][] }
  | { id: "LAYR"; layer: number; attrs: VoxPair[]; reserved: number }
  | { id: "RGBA"; content: Uint8Array }
  | { id: "PACK"; count: number }
  | { id: "raw"; kind: string; content: Uint8Array; children: Uint8Array };

/** A model: its SIZE and the chunk that holds its voxels (XYZI, or TDCZ which we cannot read). */
export interface VoxModelRecord {
  size: [number, number, number];
  /** Id of the voxel chunk that followed SIZE, or "" when none did. */
  kind: string;
  /** That chunk's content, as in the file. */
  content: Uint8Array;
}

/** Scene records (the node kinds). */
export type VoxNodeRecord = VoxRecord & { id: "nTRN" | "nGRP" | "nSHP" };

/** Returns the readable text of a Latin-1 string holding UTF-8 bytes. */
export function utf8Text(s: string): string {
  return new TextDecoder().decode(Uint8Array.from(s, (c) => c.charCodeAt(0)));
}

/** Returns the Latin-1 string holding the UTF-8 bytes of `text`. */
export function latin1Of(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

/** Returns a dict value, or undefined. */
export function pairGet(pairs: VoxPair[], key: string): string | undefined {
  return pairs.find((p) => p[0] === key)?.[1];
}

/** Returns `pairs` with `key` set to `value` (appended when absent) or removed (undefined). */
export function pairSet(pairs: VoxPair[], key: string, value: string | undefined): VoxPair[] {
  const out = pairs.filter((p) => p[0] !== key || value !== undefined)
    .map((p): VoxPair => p[0] === key ? [key, value!] : p);
  if (value !== undefined && !out.some((p) => p[0] === key)) out.push([key, value]);
  return out;
}

/** Little-endian reader over one chunk's content; callers validated the content already. */
class RecordReader {
  #view: DataView;
  pos = 0;
  constructor(readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  i32(): number {
    const v = this.#view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  str(): string {
    const n = this.i32();
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.bytes[this.pos + i]);
    this.pos += n;
    return s;
  }
  dict(): VoxPair[] {
    const n = this.i32();
    const out: VoxPair[] = [];
    for (let i = 0; i < n; i++) out.push([this.str(), this.str()]);
    return out;
  }
}

/**
 * Parses a scene, LAYR or PACK chunk (already validated by the scene parser) into a record;
 * every other kind becomes a raw record.
 */
export function parseRecord(kind: string, content: Uint8Array, children: Uint8Array): VoxRecord {
  const r = new RecordReader(content);
  const exact = (rec: VoxRecord) => r.pos === content.length && children.length === 0 ? rec : null;
  let rec: VoxRecord | null = null;
  if (kind === "nTRN") {
    const node = r.i32(), attrs = r.dict(), child = r.i32(), reserved = r.i32(), layer = r.i32();
    const frames = Array.from({ length: r.i32() }, () => r.dict());
    rec = exact({ id: kind, node, attrs, child, reserved, layer, frames });
  } else if (kind === "nGRP") {
    const node = r.i32(), attrs = r.dict();
    const children = Array.from({ length: r.i32() }, () => r.i32());
    rec = exact({ id: kind, node, attrs, children });
  } else if (kind === "nSHP") {
    const node = r.i32(), attrs = r.dict();
    const models = Array.from({ length: r.i32() }, (): [number, VoxPair[]] => [r.i32(), r.dict()]);
    rec = exact({ id: kind, node, attrs, models });
  } else if (kind === "LAYR") {
    const layer = r.i32(), attrs = r.dict();
    // A few writers omit the trailing reserved int; keep such chunks raw.
    if (r.pos + 4 <= content.length) rec = exact({ id: kind, layer, attrs, reserved: r.i32() });
  } else if (kind === "PACK" && content.length === 4) rec = exact({ id: kind, count: r.i32() });
  return rec ?? { id: "raw", kind, content: content.slice(), children: children.slice() };
}

/** A growable little-endian byte buffer for writing `.vox` chunks. */
export class VoxWriter {
  buf = new Uint8Array(1 << 16);
  len = 0;
  #view = new DataView(this.buf.buffer);

  #room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.#view = new DataView(next.buffer);
  }

  i32(v: number): void {
    this.#room(4);
    this.#view.setInt32(this.len, v, true);
    this.len += 4;
  }

  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Writes a Latin-1 string as a STRING (its char codes are the bytes). */
  str(s: string): void {
    this.i32(s.length);
    this.#room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }

  dict(pairs: VoxPair[]): void {
    this.i32(pairs.length);
    for (const [k, v] of pairs) this.str(k), this.str(v);
  }

  /** Writes 4 ASCII characters. */
  tag(id: string): void {
    this.#room(4);
    for (let i = 0; i < 4; i++) this.buf[this.len++] = id.charCodeAt(i);
  }

  /** Writes a chunk: header, the content produced by `body`, the children bytes; patches sizes. */
  chunk(id: string, body: () => void, children?: Uint8Array): void {
    this.tag(id);
    const at = this.len;
    this.i32(0);
    this.i32(0);
    body();
    this.#view.setInt32(at, this.len - at - 8, true);
    if (children?.length) {
      this.bytes(children);
      this.#view.setInt32(at + 4, children.length, true);
    }
  }

  /** Patches an int32 written earlier. */
  patch(at: number, v: number): void {
    this.#view.setInt32(at, v, true);
  }

  /** Returns the bytes written. */
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Writes one non-model record (models and the palette are written by the caller). */
export function writeRecord(w: VoxWriter, rec: VoxRecord): void {
  switch (rec.id) {
    case "nTRN":
      return w.chunk(rec.id, () => {
        w.i32(rec.node), w.dict(rec.attrs), w.i32(rec.child), w.i32(rec.reserved);
        w.i32(rec.layer), w.i32(rec.frames.length);
        for (const f of rec.frames) w.dict(f);
      });
    case "nGRP":
      return w.chunk(rec.id, () => {
        w.i32(rec.node), w.dict(rec.attrs), w.i32(rec.children.length);
        for (const c of rec.children) w.i32(c);
      });
    case "nSHP":
      return w.chunk(rec.id, () => {
        w.i32(rec.node), w.dict(rec.attrs), w.i32(rec.models.length);
        for (const [m, d] of rec.models) w.i32(m), w.dict(d);
      });
    case "LAYR":
      return w.chunk(rec.id, () => (w.i32(rec.layer), w.dict(rec.attrs), w.i32(rec.reserved)));
    case "PACK":
      return w.chunk(rec.id, () => w.i32(rec.count));
    case "raw":
      return w.chunk(rec.kind, () => w.bytes(rec.content), rec.children);
    default:
      throw new TypeError(`writeRecord cannot write ${rec.id}`);
  }
}

/** Writes a model's SIZE and voxel chunks. */
export function writeModel(w: VoxWriter, model: VoxModelRecord): void {
  w.chunk("SIZE", () => model.size.forEach((s) => w.i32(s)));
  if (model.kind) w.chunk(model.kind, () => w.bytes(model.content));
}
