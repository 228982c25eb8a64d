/**
 * Checkpoint files: a project snapshot encoded as the journal header and one OPEN record (see
 * docs/journal.md), yielding to the event loop every few milliseconds so a big project's
 * checkpoint never holds up requests, then written atomically over the journals it covers.
 */
import fs from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Image } from "../core/image.ts";
import { crc32c } from "../core/journal/crc32c.ts";
import { SharedTiles, type VolumePatch, wholeTilePatches } from "../core/journal/image_delta.ts";
import type { Layer } from "../core/layer.ts";
import type { Volume } from "../core/volume.ts";
import { metaToJson } from "../core/journal/image_meta.ts";
import {
  encodeRecord,
  JOURNAL_MAGIC,
  type ProjectFacts,
  RecordKind,
  sealRecord,
} from "../core/journal/record.ts";
import { writeFileAtomic } from "./files.ts";
import { CHECKPOINT_NAME, journalStartSeq } from "./journal_types.ts";

/** Encodes a checkpoint file, yielding to the event loop every few milliseconds. */
export async function encodeSnapshot(
  image: Image,
  seq: number,
  facts: ProjectFacts,
): Promise<Uint8Array> {
  let slice = performance.now();
  const pause = async () => {
    if (performance.now() - slice < 4) return;
    await new Promise((r) => setImmediate(r));
    slice = performance.now();
  };
  const volumes: VolumePatch[] = [];
  // A layer's tiles that an earlier layer's hold too (a duplicate's) are written as SHARE, so a
  // restart from the checkpoint keeps them shared (and a .gox save writes them once).
  const sources = new SharedTiles();
  const all: [number, Volume, Layer | null][] = image.layers.map((l) => [l.id, l.volume, l]);
  if (image.selectionMask) all.push([-1, image.selectionMask, null]);
  for (const [id, volume, layer] of all) {
    const tiles = [];
    for (const t of wholeTilePatches(volume)) {
      tiles.push(t);
      await pause();
    }
    if (layer) {
      sources.mark(tiles, volume);
      sources.add(layer);
    }
    if (tiles.length) volumes.push({ id, tiles });
  }
  const record = encodeRecord({
    seq,
    kind: RecordKind.OPEN,
    method: "checkpoint",
    steps: 0,
    project: facts,
    delta: { meta: metaToJson(image), volumes },
  }, false);
  let crc = 0;
  for (let o = 8; o < record.length; o += 1 << 20) {
    crc = crc32c(record.subarray(o, Math.min(record.length, o + (1 << 20))), crc);
    await pause();
  }
  sealRecord(record, crc);
  const out = new Uint8Array(JOURNAL_MAGIC.length + record.length);
  out.set(JOURNAL_MAGIC);
  out.set(record, JOURNAL_MAGIC.length);
  return out;
}

/**
 * Writes the checkpoint of `image` at `seq` into a project directory (temp file, fsync, rename,
 * directory fsync) and deletes the journal files it covers. Returns its size, or null when
 * `wanted()` turned false while it was encoded (the project was closed).
 */
export async function writeCheckpoint(
  dir: string,
  image: Image,
  seq: number,
  facts: ProjectFacts,
  wanted: () => boolean,
): Promise<number | null> {
  const bytes = await encodeSnapshot(image, seq, facts);
  if (!wanted()) return null;
  await writeFileAtomic(join(dir, CHECKPOINT_NAME), bytes, { mode: 0o600, exactMode: true });
  for (const name of fs.readdirSync(dir)) {
    const start = journalStartSeq(name);
    if (start !== null && start <= seq) await rm(join(dir, name), { force: true });
  }
  return bytes.length;
}
