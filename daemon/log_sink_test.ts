import assert from "node:assert/strict";
import { getJsonLinesFormatter, type LogLevel, type LogRecord } from "@logtape/logtape";
import {
  accessLine,
  batchingSink,
  fastJsonLines,
  type LineTarget,
  rotatingFileTarget,
} from "./log_sink.ts";

function record(
  level: LogLevel,
  message: unknown[],
  properties: Record<string, unknown> = {},
  category = ["goxel", "daemon"],
): LogRecord {
  return {
    category,
    level,
    message,
    rawMessage: "",
    timestamp: 1796040000123,
    properties,
  };
}

Deno.test("fastJsonLines() writes exactly what LogTape's JSON-lines formatter writes", () => {
  const logtape = getJsonLinesFormatter();
  let fallbacks = 0;
  const fast = fastJsonLines((r) => {
    fallbacks++;
    return logtape(r);
  });
  const cases: [LogRecord, boolean][] = [
    [
      record("info", ["", "goxel.ping", " ok in ", 0.332, " ms"], {
        method: "goxel.ping",
        ms: 0.332,
      }),
      false,
    ],
    [record("warning", ["Stopped"]), false],
    [
      record("error", ["x ", 'quote " back \\ slash \n tab \t é 😀', ""], { a: true, b: null }),
      false,
    ],
    [record("debug", ["n ", -0, " and ", 1e21, ""], { neg: -5, big: 1e300 }), false],
    [record("fatal", ["plain"], {}, ["goxel"]), false],
    [record("info", ["v ", null, ""]), true],
    [record("info", ["bad ", "\u0085 next line", ""]), true],
    [record("info", ["obj ", { a: 1 }, ""]), true],
    [record("info", ["m"], { err: new Error("boom") }), true],
    [record("info", ["m"], { list: [1, 2] }), true],
    [record("info", ["m"], { nan: NaN }), true],
  ];
  for (const [r, falls] of cases) {
    const before = fallbacks;
    assert.equal(fast(r), logtape(r), JSON.stringify(r.message));
    assert.equal(fallbacks - before, falls ? 1 : 0, `fallback for ${JSON.stringify(r.message)}`);
  }
});

/** A target that keeps every write. */
function recorder(): LineTarget & { writes: string[]; closed: boolean } {
  const t = {
    writes: [] as string[],
    closed: false,
    write: (text: string) => void t.writes.push(text),
    close: () => void (t.closed = true),
  };
  return t;
}

Deno.test("batchingSink() writes once per batch: by delay, by size, at once for warnings", async () => {
  const target = recorder();
  const sink = batchingSink((r) => `${r.message[0]}\n`, target, { bytes: 20, delayMs: 30 });
  sink(record("info", ["a"]));
  sink(record("info", ["b"]));
  assert.deepEqual(target.writes, [], "nothing written per line");
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(target.writes, ["a\nb\n"], "one write after the delay");
  sink(record("info", ["c"]));
  sink(record("warning", ["w"]));
  assert.deepEqual(target.writes.at(-1), "c\nw\n", "a warning writes what is pending at once");
  for (const m of ["0123456789", "0123456789"]) sink(record("info", [m]));
  assert.deepEqual(target.writes.at(-1), "0123456789\n0123456789\n", "a full batch goes at once");
  sink(record("info", ["last"]));
  sink[Symbol.dispose]();
  assert.deepEqual(target.writes.at(-1), "last\n", "disposing writes what is pending");
  assert.ok(target.closed);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(target.writes.length, 4, "no write after disposal");
});

Deno.test("rotatingFileTarget() rotates before a write would pass the size, keeping maxFiles files", () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/goxel.log`;
  Deno.writeTextFileSync(path, "old\n");
  const t = rotatingFileTarget(path, 10, 3);
  for (const line of ["aaaa\n", "bbbb\n", "cccc\n", "dddd\n", "eeee\n", "ffff\n"]) t.write(line);
  t.close();
  const read = (p: string) => Deno.readTextFileSync(p);
  assert.equal(read(path), "ffff\n");
  assert.equal(read(`${path}.1`), "dddd\neeee\n");
  assert.equal(read(`${path}.2`), "bbbb\ncccc\n");
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
    "goxel.log",
    "goxel.log.1",
    "goxel.log.2",
  ]);
  assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  // A file moved away (logrotate) is replaced by a new one when the target is made again.
  Deno.renameSync(path, `${dir}/moved`);
  const again = rotatingFileTarget(path, 10, 3);
  again.write("new\n");
  again.close();
  assert.equal(read(path), "new\n");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("rotatingFileTarget() splits a batch at line ends so that no file passes the size", () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/goxel.log`;
  const t = rotatingFileTarget(path, 12, 5);
  t.write("aaaa\nbbbb\n");
  // One batch of four lines (18 bytes) after a 10-byte file: split over two new files.
  t.write("cc\ndddd\neeee\nffff\n");
  // A line longer than the size gets a file of its own.
  t.write("gggggggggggggggggg\nhh\n");
  t.close();
  const read = (p: string) => Deno.readTextFileSync(p);
  assert.deepEqual(
    [`${path}.4`, `${path}.3`, `${path}.2`, `${path}.1`, path].map(read),
    ["aaaa\nbbbb\n", "cc\ndddd\n", "eeee\nffff\n", "gggggggggggggggggg\n", "hh\n"],
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("accessLine() is LogTape's line for the same info record, formatted only when written", () => {
  const logtape = getJsonLinesFormatter();
  const cases: [string, number, number | undefined][] = [
    ["goxel.ping", 0.332, undefined],
    ["goxel.add_voxel", 12, -32602],
    ["(unknown)", 0.001, -32601],
    ['od"d\u0085', 1e-7, undefined],
  ];
  for (const [method, ms, code] of cases) {
    const line = accessLine("goxel.daemon", method, ms, code).line();
    const timestamp = Date.parse(JSON.parse(line)["@timestamp"]);
    const expected = code === undefined
      ? record("info", ["", method, " ok in ", ms, " ms"], { method, ms })
      : record("info", ["", method, " failed with ", code, " in ", ms, " ms"], {
        method,
        code,
        ms,
      });
    assert.equal(line, logtape({ ...expected, timestamp }), method);
  }
  // Lazy: nothing is formatted until the batch is written, and the order is kept.
  const target = recorder();
  const sink = batchingSink((r) => `${r.message[0]}\n`, target, { bytes: 1 << 20, delayMs: 1000 });
  let formatted = 0;
  sink(record("info", ["first"]));
  sink.push({ size: 10, line: () => (formatted++, "lazy\n") });
  sink(record("info", ["third"]));
  assert.equal(formatted, 0);
  sink[Symbol.dispose]();
  assert.equal(formatted, 1);
  assert.deepEqual(target.writes, ["first\nlazy\nthird\n"]);
});

Deno.test("a log that cannot be written never throws into its caller and says so once", () => {
  let fail = true, errors = 0;
  const written: string[] = [];
  const target: LineTarget = {
    write(text) {
      if (fail) throw new Error("ENOSPC: no space left on device");
      written.push(text);
    },
    close() {
      throw new Error("EBADF");
    },
  };
  const sink = batchingSink(
    (r) => `${r.message[0]}\n`,
    target,
    { bytes: 1, delayMs: 10 },
    () => errors++,
  );
  sink(record("info", ["a"]));
  sink(record("error", ["b"]));
  assert.equal(errors, 1, "one report for a failing streak");
  fail = false;
  sink(record("info", ["c"]));
  assert.deepEqual(written, ["c\n"], "the failed batches were dropped, later ones written");
  fail = true;
  sink(record("info", ["d"]));
  assert.equal(errors, 2, "a new streak is reported again");
  sink[Symbol.dispose](); // close throws: reported, not thrown
  assert.equal(errors, 3);
  sink(record("error", ["after"]));
  sink[Symbol.dispose]();
  assert.equal(errors, 3, "a disposed sink drops records and disposes once");
});

Deno.test("rotatingFileTarget() survives its file being moved away and opens at the first write", () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/goxel.log`;
  const t = rotatingFileTarget(path, 12, 3);
  assert.equal([...Deno.readDirSync(dir)].length, 0, "nothing is opened before the first write");
  t.write("aaaa\n");
  Deno.removeSync(path); // logrotate (or a user) took the file away
  t.write("bbbbbbbb\n"); // past the size: rotation finds no file to rename
  const other = Deno.openSync(`${dir}/other`, { create: true, write: true, read: true });
  t.write("cc\n");
  other.close();
  assert.equal(Deno.readTextFileSync(path), "bbbbbbbb\ncc\n");
  assert.equal(Deno.readTextFileSync(`${dir}/other`), "", "no line went to another file");
  t.close();
  t.close(); // closing twice is harmless
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("rotatingFileTarget() with max_files 1 keeps the file across reloads and starts over when full", () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/goxel.log`;
  const first = rotatingFileTarget(path, 14, 1);
  first.write("before\n");
  first.close();
  const again = rotatingFileTarget(path, 14, 1); // a reload makes a new target
  again.write("after\n");
  assert.equal(Deno.readTextFileSync(path), "before\nafter\n", "a new target appends");
  again.write("full\n");
  again.close();
  assert.equal(Deno.readTextFileSync(path), "full\n", "past the size the one file starts over");
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["goxel.log"]);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("a rotation that fails is reported once and the lines go on into the current file", () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/goxel.log`;
  Deno.writeTextFileSync(`${path}.1`, "older\n");
  // A non-empty directory where the file would be moved aside: the rename fails (not ENOENT).
  Deno.mkdirSync(`${path}.rotating`);
  Deno.writeTextFileSync(`${path}.rotating/x`, "");
  const errors: unknown[] = [];
  const t = rotatingFileTarget(path, 10, 3, (e) => errors.push(e));
  for (const line of ["aaaa\n", "bbbb\n", "cccc\n", "dddd\n"]) t.write(line);
  assert.equal(Deno.readTextFileSync(path), "aaaa\nbbbb\ncccc\ndddd\n", "nothing dropped");
  assert.equal(Deno.readTextFileSync(`${path}.1`), "older\n", "no older file shifted");
  assert.equal(errors.length, 1, "one report for the failing streak");
  Deno.removeSync(`${path}.rotating`, { recursive: true }); // fixed: the next rotation works
  t.write("eeee\n");
  t.close();
  assert.equal(Deno.readTextFileSync(path), "eeee\n");
  assert.equal(Deno.readTextFileSync(`${path}.1`), "aaaa\nbbbb\ncccc\ndddd\n");
  assert.equal(Deno.readTextFileSync(`${path}.2`), "older\n");
  Deno.removeSync(dir, { recursive: true });
});
