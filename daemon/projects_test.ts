import assert from "node:assert/strict";
import { aabbFromBox } from "../core/box.ts";
import { NotFoundError } from "../core/errors.ts";
import { newImage } from "../core/image.ts";
import { newSizedImage, Project, ProjectRegistry } from "./projects.ts";

const RED = 0xff0000ff;

function newProject(): Project {
  return new Project("p1", "test", newImage(), 0);
}

function paint(project: Project, x: number, color = RED): void {
  project.image.layers[0].volume.set(x, 0, 0, color);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("ProjectRegistry.add() numbers projects p1, p2… and makes each current", () => {
  const reg = new ProjectRegistry(() => 1000);
  const a = reg.add("a", newImage());
  assert.equal(a.id, "p1");
  assert.equal(reg.current, a);
  const b = reg.add("b", newImage());
  assert.equal(b.id, "p2");
  assert.equal(reg.current, b);
  assert.equal(reg.size, 2);
  assert.deepEqual(reg.list().map((p) => p.id), ["p1", "p2"]);
  assert.equal(a.createdAt, 1000);
});

Deno.test("ProjectRegistry.find() matches an id first, then an exact name", async (t) => {
  const reg = new ProjectRegistry(() => 0);
  const house = reg.add("house", newImage());
  const tricky = reg.add("p1", newImage());
  const cases: [string, string, Project | undefined][] = [
    ["by id", "p2", tricky],
    ["by name", "house", house],
    ["id wins over a project named like it", "p1", house],
    ["name is case-sensitive", "House", undefined],
    ["unknown", "p9", undefined],
  ];
  for (const [name, ref, expected] of cases) {
    await t.step(name, () => assert.equal(reg.find(ref), expected));
  }
});

Deno.test("ProjectRegistry.resolve(undefined) creates a 64³ Untitled project only when none is open", () => {
  let now = 5;
  const reg = new ProjectRegistry(() => now);
  const created = reg.resolve(undefined);
  assert.equal(created.name, "Untitled");
  assert.equal(created.id, "p1");
  assert.deepEqual(aabbFromBox(created.image.box!), { min: [-32, -32, 0], max: [32, 32, 64] });
  assert.equal(reg.current, created);
  now = 9;
  assert.equal(reg.resolve(undefined), created);
  assert.equal(reg.size, 1);
  assert.equal(created.lastActivity, 9);
  const other = reg.add("other", newImage());
  assert.equal(reg.resolve(undefined), other);
  assert.equal(reg.size, 2);
});

Deno.test("ProjectRegistry.resolve() returns a named project and updates its activity time", () => {
  let now = 1;
  const reg = new ProjectRegistry(() => now);
  const a = reg.add("a", newImage());
  reg.add("b", newImage());
  now = 42;
  assert.equal(reg.resolve("a"), a);
  assert.equal(a.lastActivity, 42);
  assert.equal(reg.current?.name, "b");
});

Deno.test("ProjectRegistry rejects unknown references with NotFoundError", async (t) => {
  const reg = new ProjectRegistry(() => 0);
  reg.add("a", newImage());
  const calls: [string, () => unknown][] = [
    ["resolve", () => reg.resolve("missing")],
    ["select", () => reg.select("missing")],
    ["close", () => reg.close("missing")],
  ];
  for (const [name, call] of calls) {
    await t.step(name, () => {
      assert.throws(call, (err: unknown) => {
        assert.ok(err instanceof NotFoundError);
        assert.match(err.message, /"missing" is not open/);
        return true;
      });
      assert.equal(reg.size, 1);
    });
  }
});

Deno.test("ProjectRegistry.select() and close() move the current project", () => {
  const reg = new ProjectRegistry(() => 0);
  const a = reg.add("a", newImage());
  const b = reg.add("b", newImage());
  reg.add("c", newImage());
  const d = reg.add("d", newImage());
  assert.equal(reg.select("b"), b);
  assert.equal(reg.current, b);
  assert.equal(reg.close("a"), a);
  assert.equal(reg.current, b, "closing another project keeps the current one");
  reg.close("p2");
  assert.equal(reg.current, d, "closing the current one falls back to the newest");
  reg.close("c");
  reg.close("d");
  assert.equal(reg.current, null);
  assert.equal(reg.size, 0);
  const fresh = reg.resolve(undefined);
  assert.equal(fresh.name, "Untitled");
  assert.equal(fresh.id, "p5", "ids are never reused");
});

Deno.test("newSizedImage() centres the box on x/y and starts it at z = 0", async (t) => {
  const cases: [number, number, number, [number, number, number], [number, number, number]][] = [
    [64, 64, 64, [-32, -32, 0], [32, 32, 64]],
    [16, 32, 8, [-8, -16, 0], [8, 16, 8]],
    [5, 7, 3, [-2, -3, 0], [3, 4, 3]],
    [1, 1, 1, [0, 0, 0], [1, 1, 1]],
  ];
  for (const [width, height, depth, min, max] of cases) {
    await t.step(`${width}×${height}×${depth}`, () => {
      const box = aabbFromBox(newSizedImage({ width, height, depth }).box!);
      assert.deepEqual(box, { min, max });
      assert.deepEqual(box.max.map((v, i) => v - box.min[i]), [width, height, depth]);
    });
  }
});

Deno.test("Project.exclusive() runs queued functions in arrival order", async () => {
  const project = newProject();
  const order: string[] = [];
  const results = await Promise.all([
    project.exclusive(async () => {
      await sleep(30);
      order.push("slow");
      return 1;
    }),
    project.exclusive(() => {
      order.push("sync");
      return 2;
    }),
    project.exclusive(async () => {
      order.push("fast");
      await Promise.resolve();
      return 3;
    }),
  ]);
  assert.deepEqual(order, ["slow", "sync", "fast"]);
  assert.deepEqual(results, [1, 2, 3]);
});

Deno.test("Project.exclusive() keeps going after a rejection", async () => {
  const project = newProject();
  const order: string[] = [];
  const failing = project.exclusive(async () => {
    await sleep(10);
    order.push("failing");
    throw new Error("boom");
  });
  const throwing = project.exclusive(() => {
    order.push("throwing");
    throw new RangeError("sync boom");
  });
  const later = project.exclusive(() => {
    order.push("later");
    return "done";
  });
  await assert.rejects(failing, /boom/);
  await assert.rejects(throwing, RangeError);
  assert.equal(await later, "done");
  assert.deepEqual(order, ["failing", "throwing", "later"]);
});

Deno.test("Project.isBusy is true while the queue holds work, false once it drains", async () => {
  const project = newProject();
  assert.equal(project.isBusy, false);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const run = project.exclusive(() => gate);
  assert.equal(project.isBusy, true);
  release();
  await run;
  await sleep(0);
  assert.equal(project.isBusy, false);
});

Deno.test("Project.isDirty follows edits and markSaved()", () => {
  const project = newProject();
  assert.equal(project.isDirty, false);
  assert.equal(project.path, null);
  paint(project, 1);
  assert.equal(project.isDirty, true);
  project.markSaved("/tmp/a.gox");
  assert.equal(project.isDirty, false);
  assert.equal(project.path, "/tmp/a.gox");
});

Deno.test("Project.markSaved(path, snapshot) counts only what the snapshot held", () => {
  const project = newProject();
  paint(project, 1);
  const snapshot = project.snapshot();
  paint(project, 2);
  project.markSaved("/tmp/b.gox", snapshot);
  assert.equal(project.path, "/tmp/b.gox");
  assert.equal(project.isDirty, true, "the edit after the snapshot is unsaved");
  const fresh = project.snapshot();
  project.markSaved("/tmp/b.gox", fresh);
  assert.equal(project.isDirty, false, "a snapshot of the live image is all of it");
});
