import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { NotFoundError } from "../core/errors.ts";
import { RenderStore } from "./renders.ts";

interface Fixture {
  store: RenderStore;
  root: string;
  dir: string;
  limits: { ttlSeconds: number; maxBytes: number };
  setTime(ms: number): void;
  /** Writes `size` bytes to a fresh render path and records it. */
  render(size: number, session?: string): string;
}

async function withStore(fn: (f: Fixture) => Promise<void> | void): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "goxel_renders_test_" });
  let now = 1_700_000_000_000;
  const limits = { ttlSeconds: 60, maxBytes: 1_000_000 };
  const dir = join(root, "renders");
  const store = new RenderStore(dir, () => now, () => limits);
  const render = (size: number, session?: string) => {
    const path = store.newPath();
    const data = new Uint8Array(size).fill(7);
    Deno.writeFileSync(path, data);
    store.add(path, data, 4, 3, session);
    return path;
  };
  try {
    await fn({ store, root, dir, limits, setTime: (ms) => now = ms, render });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("RenderStore.newPath() creates the render directory 0700 and gives distinct PNG paths", async () => {
  await withStore(({ store, dir }) => {
    const a = store.newPath();
    const b = store.newPath();
    assert.notEqual(a, b);
    for (const p of [a, b]) {
      assert.equal(dirname(p), dir);
      assert.match(p, /\/render_1700000000_[0-9a-f]{8}\.png$/);
    }
    assert.equal(Deno.statSync(dir).mode! & 0o777, 0o700);
  });
});

Deno.test("RenderStore.add() records size, checksum, dimensions and times", async (t) => {
  await withStore(async ({ store, limits, setTime }) => {
    setTime(1_700_000_000_900);
    limits.ttlSeconds = 90;
    const path = store.newPath();
    const data = new TextEncoder().encode("not really a png");
    Deno.writeFileSync(path, data);
    const record = store.add(path, data, 320, 200, "s-1");
    const digest = createHash("sha256").update(data).digest("hex");
    const cases: [string, unknown, unknown][] = [
      ["path", record.path, path],
      ["size", record.size, data.length],
      ["format", record.format, "png"],
      ["dimensions", record.dimensions, { width: 320, height: 200 }],
      ["checksum", record.checksum, `sha256:${digest}`],
      ["created_at in whole seconds", record.created_at, 1_700_000_000],
      ["expires_at after the TTL", record.expires_at, 1_700_000_090],
      ["session_id", record.session_id, "s-1"],
    ];
    for (const [name, actual, expected] of cases) {
      await t.step(name, () => assert.deepEqual(actual, expected));
    }
    assert.match(record.checksum, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(store.get(path), record);
  });
});

Deno.test("RenderStore.add() leaves session_id out when no session is given", async () => {
  await withStore(({ store, render }) => {
    const record = store.get(render(10));
    assert.equal("session_id" in record, false);
  });
});

Deno.test("RenderStore.get() and remove() refuse paths the store did not create", async (t) => {
  await withStore(async ({ store, dir, render }) => {
    render(10);
    const foreign = join(dir, "render_1_deadbeef.png");
    Deno.writeFileSync(foreign, new Uint8Array([1, 2, 3]));
    const cases: [string, string][] = [
      ["a file in the render directory", foreign],
      ["a missing file", join(dir, "render_2_00000000.png")],
      ["a file elsewhere", "/etc/passwd"],
    ];
    for (const [name, path] of cases) {
      await t.step(name, () => {
        assert.throws(() => store.get(path), NotFoundError);
        assert.throws(() => store.remove(path), NotFoundError);
      });
    }
    assert.ok(existsSync(foreign), "remove() must not delete a foreign file");
    assert.equal(store.list().length, 1);
  });
});

Deno.test("RenderStore.get() accepts an unnormalised spelling of a live path", async () => {
  await withStore(({ store, dir, render }) => {
    const path = render(10);
    for (const spelled of [`${dir}/./${basename(path)}`, `${dir}/../renders/${basename(path)}`]) {
      assert.equal(store.get(spelled).path, path);
    }
  });
});

Deno.test("RenderStore.remove() deletes the file and forgets it", async () => {
  await withStore(({ store, render }) => {
    const keep = render(10);
    const gone = render(20);
    store.remove(gone);
    assert.equal(existsSync(gone), false);
    assert.throws(() => store.get(gone), NotFoundError);
    assert.deepEqual(store.list().map((r) => r.path), [keep]);
    assert.ok(existsSync(keep));
  });
});

Deno.test("RenderStore.prune() deletes expired renders from disk", async () => {
  await withStore(({ store, limits, setTime, render }) => {
    limits.ttlSeconds = 10;
    setTime(1_000_000);
    const old = render(10);
    setTime(1_005_000);
    const young = render(10);
    setTime(1_009_999);
    store.prune();
    assert.ok(existsSync(old), "not expired one millisecond before its TTL");
    setTime(1_010_000);
    store.prune();
    assert.equal(existsSync(old), false);
    assert.ok(existsSync(young));
    assert.deepEqual(store.list().map((r) => r.path), [young]);
    setTime(1_015_000);
    assert.deepEqual(store.list(), []);
    assert.equal(existsSync(young), false);
  });
});

Deno.test("RenderStore size cap removes the oldest renders first", async () => {
  await withStore(({ store, limits, render }) => {
    limits.maxBytes = 250;
    const first = render(100);
    const second = render(100);
    assert.equal(store.list().length, 2);
    const third = render(100);
    assert.equal(existsSync(first), false, "the oldest goes when the total exceeds the cap");
    assert.deepEqual(store.list().map((r) => r.path), [second, third]);
    const big = render(200);
    assert.deepEqual(store.list().map((r) => r.path), [big]);
    assert.equal(existsSync(second) || existsSync(third), false);
  });
});

Deno.test("RenderStore size cap keeps a total exactly at the cap", async () => {
  await withStore(({ store, limits, render }) => {
    limits.maxBytes = 200;
    const a = render(100);
    const b = render(100);
    assert.deepEqual(store.list().map((r) => r.path), [a, b]);
  });
});

Deno.test("RenderStore.clear() deletes every render", async () => {
  await withStore(({ store, dir, render }) => {
    const paths = [render(1), render(2), render(3)];
    store.clear();
    assert.deepEqual(store.list(), []);
    for (const p of paths) assert.equal(existsSync(p), false);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});
