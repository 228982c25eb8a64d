import assert from "node:assert/strict";
import { packRgba } from "../color.ts";
import { copyImage, type Image, imageFingerprint, newImage } from "../image.ts";
import { addLayer, deleteLayer, duplicateLayer, renameLayer } from "../ops/layers.ts";
import { applyDelta, diffImage, fullDelta, isEmptyDelta, TileEncoding } from "./image_delta.ts";
import {
  encodeRecord,
  JOURNAL_MAGIC,
  type JournalRecord,
  RecordKind,
  scanJournal,
} from "./record.ts";
import { metaToJson } from "./image_meta.ts";

function fill(image: Image, n: number, color: number): void {
  const v = image.activeLayer!.volume;
  for (let i = 0; i < n; i++) v.set(i % 40 - 20, (i * 7) % 33, i % 5, color);
}

function sameImage(a: Image, b: Image): void {
  assert.deepEqual(metaToJson(a), metaToJson(b));
  assert.deepEqual(a.layers.map((l) => l.volume.crc32()), b.layers.map((l) => l.volume.crc32()));
  assert.deepEqual(
    a.layers.map((l) => l.volume.tileCount),
    b.layers.map((l) => l.volume.tileCount),
  );
}

function record(
  seq: number,
  before: Image,
  after: Image,
  kind: number = RecordKind.EDIT,
): JournalRecord {
  return { seq, kind, method: "test", steps: 0, project: null, delta: diffImage(before, after) };
}

function journal(records: JournalRecord[]): Uint8Array {
  const parts = [JOURNAL_MAGIC, ...records.map((r) => encodeRecord(r))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A sequence of edits, each snapshot taken the way the daemon takes them. */
function edits(): Image[] {
  const states: Image[] = [];
  let live = newImage();
  states.push(copyImage(live));
  fill(live, 1, packRgba(255, 0, 0, 255));
  states.push(copyImage(live));
  fill(live, 3000, packRgba(0, 255, 0, 255));
  states.push(copyImage(live));
  const layer = addLayer(live, "second");
  layer.volume.set(100, 100, 100, packRgba(1, 2, 3, 4));
  states.push(copyImage(live));
  renameLayer(live, layer, "renamed");
  live.activeLayer!.volume.deleteTile(96, 96, 96);
  states.push(copyImage(live));
  deleteLayer(live, live.layers[0]);
  states.push(copyImage(live));
  live = copyImage(live);
  return states;
}

Deno.test("diffImage() then applyDelta() rebuilds every step of an edit sequence", () => {
  const states = edits();
  let replay = copyImage(states[0]);
  for (let i = 1; i < states.length; i++) {
    replay = applyDelta(replay, diffImage(states[i - 1], states[i]));
    sameImage(replay, states[i]);
  }
});

Deno.test("diffImage() of an unchanged snapshot is empty and a one-voxel edit is a few bytes", () => {
  const image = newImage();
  fill(image, 5000, packRgba(9, 9, 9, 255));
  const before = copyImage(image);
  assert.ok(isEmptyDelta(diffImage(before, image)));
  image.activeLayer!.volume.set(0, 0, 0, packRgba(1, 1, 1, 255));
  const delta = diffImage(before, image);
  assert.equal(delta.meta, null);
  assert.equal(delta.volumes.length, 1);
  assert.equal(delta.volumes[0].tiles[0].data.length, 6);
});

Deno.test("fullDelta() rebuilds an image from nothing", () => {
  const states = edits();
  const last = states.at(-1)!;
  const rebuilt = applyDelta(copyImage(states[0]), fullDelta(last));
  sameImage(rebuilt, last);
});

Deno.test("scanJournal() reads back what encodeRecord() wrote", () => {
  const states = edits();
  const recs = states.slice(1).map((s, i) => record(i + 1, states[i], s));
  recs[0].project = { id: "p1", name: "x", path: null, savedSeq: null, createdAt: 5 };
  const scan = scanJournal(journal(recs));
  assert.equal(scan.end.kind, "clean");
  assert.equal(scan.records.length, recs.length);
  assert.deepEqual(scan.records.map((r) => r.seq), recs.map((r) => r.seq));
  assert.deepEqual(scan.records[0].project, recs[0].project);
  let replay = copyImage(states[0]);
  for (const r of scan.records) replay = applyDelta(replay, r.delta);
  sameImage(replay, states.at(-1)!);
  assert.deepEqual(imageFingerprint(replay).length, imageFingerprint(states.at(-1)!).length);
});

Deno.test("carried file data is journaled once: later meta records keep it by name", () => {
  // What a loaded .vox keeps for a lossless save: here 1 MB of chunk bytes.
  const chunk = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 255);
  const loaded = newImage();
  loaded.carried = { format: "vox", chunks: [{ id: "XTRA", content: chunk }] } as never;
  const live = copyImage(loaded);
  renameLayer(live, live.layers[0], "renamed");
  const renamed = copyImage(live);
  const open = fullDelta(loaded), rename = diffImage(loaded, renamed);
  assert.ok(open.meta?.extra.carried, "the opening record has the carried data");
  assert.deepEqual(rename.meta?.kept, ["carried"]);
  assert.equal(rename.meta?.extra.carried, undefined);
  const recs = [
    { seq: 1, kind: RecordKind.OPEN, method: "t", steps: 0, project: null, delta: open },
    { seq: 2, kind: RecordKind.EDIT, method: "t", steps: 0, project: null, delta: rename },
  ];
  assert.ok(encodeRecord(recs[1]).length < 4096, "the rename record is small");
  let replay = newImage();
  for (const r of scanJournal(journal(recs)).records) replay = applyDelta(replay, r.delta);
  sameImage(replay, renamed);
  assert.deepEqual(replay.carried, loaded.carried);
  // A meta that keeps a field its base lacks is refused, never silently dropped.
  assert.throws(() => applyDelta(newImage(), rename), /keeps field "carried"/);
});

Deno.test("scanJournal() reads format versions 1 to 3 and refuses others", () => {
  const states = edits();
  const bytes = journal(states.slice(1).map((s, i) => record(i + 1, states[i], s)));
  assert.equal(bytes[4], 3, "new journals are version 3");
  const versions = [[1, "clean"], [2, "clean"], [3, "clean"], [4, "corrupt"], [0, "corrupt"]];
  for (const [version, kind] of versions) {
    const copy = bytes.slice();
    copy[4] = version as number;
    const scan = scanJournal(copy);
    assert.equal(scan.end.kind, kind, `version ${version}`);
    assert.equal(scan.records.length, kind === "clean" ? states.length - 1 : 0);
  }
});

Deno.test("scanJournal() cuts a torn tail at every byte and stops before a corrupt middle", async (t) => {
  const states = edits();
  const recs = states.slice(1).map((s, i) => record(i + 1, states[i], s));
  const bytes = journal(recs);
  const ends = scanJournal(bytes).ends;
  await t.step("every truncation gives a clean prefix", () => {
    const from = ends.at(-4)!;
    for (let cut = from; cut < bytes.length; cut++) {
      const scan = scanJournal(bytes.subarray(0, cut));
      const whole = ends.filter((e) => e <= cut).length;
      assert.equal(scan.records.length, whole, `cut at ${cut}`);
      assert.equal(scan.end.kind, ends.includes(cut) ? "clean" : "torn", `cut at ${cut}`);
    }
  });
  await t.step("a flipped byte in a middle record is corruption, not a torn tail", () => {
    const bad = bytes.slice();
    bad[ends[1] + 20] ^= 0xff;
    const scan = scanJournal(bad);
    assert.equal(scan.records.length, 2);
    assert.equal(scan.end.kind, "corrupt");
    assert.equal(scan.end.offset, ends[1]);
  });
  await t.step("a flipped byte in the last record is a torn tail", () => {
    const bad = bytes.slice();
    bad[bytes.length - 3] ^= 0xff;
    assert.equal(scanJournal(bad).end.kind, "torn");
  });
});

Deno.test("a tile removed and added again keeps its new place in the order after replay", () => {
  const live = newImage();
  const v = live.activeLayer!.volume;
  for (const x of [0, 16, 32]) v.set(x, 0, 0, packRgba(x, 1, 1, 255));
  const before = copyImage(live);
  v.deleteTile(0, 0, 0);
  v.set(0, 0, 0, packRgba(9, 9, 9, 255));
  const delta = diffImage(before, live);
  assert.deepEqual(delta.volumes[0].order, [[16, 0, 0], [32, 0, 0], [0, 0, 0]]);
  const scan = scanJournal(
    journal([{ seq: 1, kind: RecordKind.EDIT, method: "t", steps: 0, project: null, delta }]),
  );
  const replayed = applyDelta(copyImage(before), scan.records[0].delta);
  assert.deepEqual(replayed.activeLayer!.volume.tileOrder(), v.tileOrder());
  assert.equal(replayed.activeLayer!.volume.crc32(), v.crc32());
});

Deno.test("diffImage() with exactOrder records an order an older snapshot brings back", () => {
  const image = newImage();
  const v = image.activeLayer!.volume;
  for (const x of [0, 16, 32]) v.set(x, 0, 0, packRgba(x, 1, 1, 255));
  const old = copyImage(image);
  v.deleteTile(0, 0, 0);
  v.set(0, 0, 0, packRgba(0, 1, 1, 255));
  // "Undo" to the oldest state: its order has (0,0,0) first again.
  const undone = copyImage(old);
  const delta = diffImage(image, undone, true);
  const replayed = applyDelta(copyImage(image), delta);
  assert.deepEqual(
    replayed.activeLayer!.volume.tileOrder(),
    undone.activeLayer!.volume.tileOrder(),
  );
  assert.equal(replayed.activeLayer!.volume.crc32(), undone.activeLayer!.volume.crc32());
});

Deno.test("a duplicated layer's shared tiles go through a record as SHARE and come back shared", () => {
  const before = newImage();
  fill(before, 3000, packRgba(255, 0, 0, 255));
  const after = copyImage(before);
  const copy = duplicateLayer(after, after.layers[0]);
  const delta = diffImage(before, after);
  const patch = delta.volumes.find((v) => v.id === copy.id)!;
  assert.ok(patch.tiles.length > 1);
  assert.ok(patch.tiles.every((t) => t.encoding === TileEncoding.SHARE && t.data.length === 4));
  const [decoded] = scanJournal(journal([record(1, before, after)])).records;
  const rebuilt = applyDelta(copyImage(before), decoded.delta);
  sameImage(rebuilt, after);
  const [a, b] = rebuilt.layers.map((l) => l.volume);
  for (const origin of b.tileOrder()) {
    assert.equal(b.tileDataId(...origin), a.tileDataId(...origin));
  }
});
