/**
 * Encodes a project snapshot as a checkpoint file (the journal header and one OPEN record, see
 * docs/journal.md), yielding to the event loop every few milliseconds so a big project's
 * checkpoint never holds up requests.
 */
import type { Image } from "../core/image.ts";
import { crc32c } from "../core/journal/crc32c.ts";
import { type VolumePatch, wholeTilePatches } from "../core/journal/image_delta.ts";
import { metaToJson } from "../core/journal/image_meta.ts";
import {
  encodeRecord,
  JOURNAL_MAGIC,
  type ProjectFacts,
  RecordKind,
  sealRecord,
} from "../core/journal/record.ts";

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
  const all = image.layers.map((l) => [l.id, l.volume] as const);
  if (image.selectionMask) all.push([-1, image.selectionMask]);
  for (const [id, volume] of all) {
    const tiles = [];
    for (const t of wholeTilePatches(volume)) {
      tiles.push(t);
      await pause();
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
