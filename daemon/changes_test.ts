import assert from "node:assert/strict";
import type { ChangeEvent } from "../protocol/mod.ts";
import { ChangeHub, MAX_RING_TILES, type Peer } from "./changes.ts";
import { Metrics } from "./metrics.ts";
import { ProjectRegistry } from "./projects.ts";

/** A peer that records notifications and whose buffer the test fills or drains. */
class FakePeer implements Peer {
  events: ChangeEvent[] = [];
  bufferedBytes = 0;
  #drain: (() => void)[] = [];
  #close: (() => void)[] = [];
  send(text: string): void {
    this.events.push(JSON.parse(text).params);
  }
  onDrain(fn: () => void): void {
    this.#drain.push(fn);
  }
  onClose(fn: () => void): void {
    this.#close.push(fn);
  }
  drain(): void {
    this.bufferedBytes = 0;
    this.#drain.splice(0).forEach((f) => f());
  }
  close(): void {
    this.#close.splice(0).forEach((f) => f());
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function setup(ringSize = 1024, coalesceMs = 0) {
  const registry = new ProjectRegistry(() => 0);
  const metrics = new Metrics();
  const hub = new ChangeHub(registry, metrics, () => ({
    coalesce_ms: coalesceMs,
    ring_size: ringSize,
    subscriber_buffer_bytes: 100,
  }));
  const project = registry.resolve(undefined);
  hub.afterRequest();
  // What daemon/commits.ts reports for an add_voxel at (x, 0, 0) on layer 2.
  const edit = (x: number) => {
    project.seq++;
    hub.onCommit({
      project,
      seq: project.seq,
      kind: 0,
      method: "goxel.add_voxel",
      delta: {
        meta: null,
        volumes: [{
          id: 2,
          tiles: [{ origin: [x & ~15, 0, 0], encoding: 0, data: new Uint8Array() }],
        }],
      },
    });
  };
  return { registry, metrics, hub, project, edit };
}

Deno.test("ChangeHub numbers committed changes and reports each burst once", async () => {
  const { hub, project, edit } = setup();
  const peer = new FakePeer();
  assert.equal(hub.subscribe(peer, project), 0);
  await tick();
  edit(0);
  edit(16);
  await tick();
  edit(1);
  await tick();
  assert.equal(hub.seqOf(project), 3);
  assert.deepEqual(peer.events, [
    { project: "p1", seq: 2, kind: "edit", from_seq: 1, tiles: [[2, 0, 0, 0], [2, 16, 0, 0]] },
    { project: "p1", seq: 3, kind: "edit", tiles: [[2, 0, 0, 0]] },
  ]);
});

Deno.test("ChangeHub resumes from since out of its ring, or sends one resync", async (t) => {
  const { hub, project, edit } = setup(3);
  hub.watch(project);
  for (let i = 0; i < 5; i++) {
    edit(i * 16);
    await tick();
  }
  await t.step("inside the ring", async () => {
    const peer = new FakePeer();
    hub.subscribe(peer, project, 3);
    await tick();
    assert.deepEqual(peer.events.map((e) => e.seq), [4, 5]);
  });
  await t.step("before the ring", async () => {
    const peer = new FakePeer();
    hub.subscribe(peer, project, 1);
    await tick();
    assert.deepEqual(peer.events, [{ project: "p1", seq: 5, kind: "resync" }]);
  });
  await t.step("ahead of the project, or since without a project", () => {
    assert.throws(() => hub.subscribe(new FakePeer(), project, 6), /Cannot resume from 6/);
    assert.throws(() => hub.subscribe(new FakePeer(), null, 0), /give a project/);
  });
});

Deno.test("ChangeHub skips a full subscriber and resyncs it once it drains", async () => {
  const { hub, project, edit, metrics } = setup();
  const slow = new FakePeer(), fast = new FakePeer();
  hub.subscribe(slow, project);
  hub.subscribe(fast, project);
  await tick();
  slow.bufferedBytes = 1000;
  for (let i = 0; i < 4; i++) {
    edit(i);
    await tick();
  }
  assert.equal(fast.events.length, 4);
  assert.equal(slow.events.length, 0);
  assert.equal(metrics.get("goxel_subscriber_resyncs_total"), 1);
  slow.drain();
  assert.deepEqual(slow.events, [{ project: "p1", seq: 4, kind: "resync" }]);
  edit(9);
  await tick();
  assert.equal(slow.events.at(-1)!.seq, 5);
});

Deno.test("ChangeHub reports projects opened, selected and closed, and forgets closed peers", async () => {
  const { hub, registry, project } = setup();
  const peer = new FakePeer();
  hub.subscribe(peer, null);
  await tick();
  registry.add("b", project.image);
  hub.afterRequest();
  registry.close("p2");
  hub.afterRequest();
  assert.deepEqual(peer.events.map((e) => `${e.kind} ${e.project}`), [
    "opened p2",
    "selected p2",
    "closed p2",
    "selected p1",
  ]);
  peer.close();
  assert.equal(hub.unsubscribe(peer, undefined), 0);
});

Deno.test("ChangeHub reports edits within coalesce_ms of a report as one event", async () => {
  const { hub, project, edit } = setup(1024, 40);
  const peer = new FakePeer();
  hub.subscribe(peer, project);
  await tick();
  edit(0);
  await tick();
  edit(16);
  await tick();
  edit(32);
  await tick();
  assert.deepEqual(peer.events.map((e) => e.seq), [1], "the first edit is reported at once");
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(peer.events.slice(1), [
    { project: "p1", seq: 3, from_seq: 2, kind: "edit", tiles: [[2, 16, 0, 0], [2, 32, 0, 0]] },
  ]);
});

Deno.test("ChangeHub's ring also drops old events past MAX_RING_TILES listed tiles", async () => {
  const { hub, project } = setup(1024);
  hub.watch(project);
  const per = 3000, events = Math.ceil(MAX_RING_TILES / per) + 5;
  for (let e = 0; e < events; e++) {
    project.seq++;
    const tiles = Array.from({ length: per }, (_, i) => ({
      origin: [i * 16, e * 16, 0] as [number, number, number],
      encoding: 0,
      data: new Uint8Array(),
    }));
    hub.onCommit({
      project,
      seq: project.seq,
      kind: 0,
      method: "goxel.paint",
      delta: { meta: null, volumes: [{ id: 2, tiles }] },
    });
    await tick();
  }
  const kept = Math.floor(MAX_RING_TILES / per), last = project.seq;
  const inside = new FakePeer();
  hub.subscribe(inside, project, last - kept);
  await tick();
  assert.deepEqual(
    inside.events.map((e) => e.seq),
    Array.from({ length: kept }, (_, i) => last - kept + 1 + i),
  );
  const before = new FakePeer();
  hub.subscribe(before, project, last - kept - 1);
  await tick();
  assert.deepEqual(before.events, [{ project: "p1", seq: last, kind: "resync" }]);
});
