import assert from "node:assert/strict";
import { join } from "node:path";
import { FormatError, IoError } from "../core/errors.ts";
import {
  readFileBytes,
  resolvePath,
  withFileContext,
  writeEncodedFiles,
  writeFileAtomic,
  writeFileAtomicWith,
} from "./files.ts";
import { BLOCKING_IO, POOLED_IO, type WriteIo } from "./write_io.ts";

/** Both forms of an atomic write: on the thread pool with fsync, and blocking (small, no fsync). */
const FORMS = [
  { name: "durable", options: { durable: true } },
  { name: "not durable, blocking calls", options: { durable: false } },
];

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "goxel_files_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function listNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("resolvePath() keeps absolute paths and resolves relative ones in the workspace", async (t) => {
  const cases: [string, string, string][] = [
    ["absolute path is kept", "/data/a.gox", "/data/a.gox"],
    ["absolute path is normalised", "/data/x/../a.gox", "/data/a.gox"],
    ["relative path joins the workspace", "a.gox", "/work/space/a.gox"],
    ["relative path with a folder", "sub/b.vox", "/work/space/sub/b.vox"],
    ["relative path climbing out", "../c.png", "/work/c.png"],
  ];
  for (const [name, input, expected] of cases) {
    await t.step(name, () => assert.equal(resolvePath("/work/space", input), expected));
  }
});

Deno.test("resolvePath() rejects NUL bytes and empty paths with IoError", async (t) => {
  const cases: [string, string, RegExp][] = [
    ["NUL byte", "a\0b.gox", /NUL byte/],
    ["empty", "", /empty/],
    ["only spaces", "   ", /empty/],
  ];
  for (const [name, input, message] of cases) {
    await t.step(name, () => {
      assert.throws(() => resolvePath("/work", input), (err: unknown) => {
        assert.ok(err instanceof IoError);
        assert.equal(err.path, input);
        assert.equal(err.reason, "io");
        assert.match(err.message, message);
        return true;
      });
    });
  }
});

Deno.test("readFileBytes() returns a file's exact bytes", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "data.bin");
    const bytes = new Uint8Array([0, 1, 2, 255, 254]);
    await Deno.writeFile(path, bytes);
    assert.deepEqual(await readFileBytes(path), bytes);
  });
});

Deno.test("readFileBytes() explains missing files and directories with IoError", async (t) => {
  await withTempDir(async (dir) => {
    const cases: [string, string, string][] = [
      ["missing file", join(dir, "nope.gox"), "no such file or directory"],
      ["directory", dir, "it is a directory"],
    ];
    for (const [name, path, detail] of cases) {
      await t.step(name, async () => {
        await assert.rejects(readFileBytes(path), (err: unknown) => {
          assert.ok(err instanceof IoError);
          assert.equal(err.path, path);
          assert.ok(err.message.includes(detail), err.message);
          return true;
        });
      });
    }
  });
});

for (const form of FORMS) {
  Deno.test(`writeFileAtomic() writes exactly the bytes and leaves no temp file (${form.name})`, async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "out.gox");
      const bytes = new Uint8Array(70_000).map((_, i) => i * 7);
      await writeFileAtomic(path, bytes, form.options);
      // By hand: deepEqual of two large arrays that differ takes minutes to describe them.
      const got = await Deno.readFile(path);
      assert.equal(got.length, bytes.length);
      assert.equal(got.findIndex((b, i) => b !== bytes[i]), -1);
      assert.deepEqual(await listNames(dir), ["out.gox"]);
    });
  });
}

for (const form of FORMS) {
  Deno.test(`writeFileAtomic() replaces an existing file (${form.name})`, async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "out.txt");
      await Deno.writeTextFile(path, "an older and much longer content");
      await writeFileAtomic(path, new TextEncoder().encode("new"), form.options);
      assert.equal(await Deno.readTextFile(path), "new");
      assert.deepEqual(await listNames(dir), ["out.txt"]);
    });
  });
}

Deno.test("writeEncodedFiles() writes the named file through symbolic links, not its sidecars", async (t) => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "real"));
    const real = join(dir, "real", "model.gox");
    await Deno.writeTextFile(real, "old");
    await Deno.symlink(real, join(dir, "abs.gox"));
    await Deno.symlink("real/model.gox", join(dir, "rel.gox"));
    await Deno.symlink("rel.gox", join(dir, "chain.gox"));
    const text = (s: string) => new TextEncoder().encode(s);
    for (const link of ["abs.gox", "rel.gox", "chain.gox"]) {
      await t.step(link, async () => {
        await writeEncodedFiles(join(dir, link), [{ suffix: "", data: text(link) }]);
        assert.equal(await Deno.readTextFile(real), link, "the real file got the data");
        assert.ok((await Deno.lstat(join(dir, link))).isSymlink, "the link stays a link");
      });
    }
    await t.step("through a link with blocking calls (a render: small, no fsync)", async () => {
      await writeEncodedFiles(join(dir, "chain.gox"), [{ suffix: "", data: text("fast") }], {
        durable: false,
      });
      assert.equal(await Deno.readTextFile(real), "fast");
      assert.ok((await Deno.lstat(join(dir, "chain.gox"))).isSymlink);
    });
    assert.deepEqual(await listNames(join(dir, "real")), ["model.gox"], "no temp file left");
    await t.step("a link to a missing file is refused and left alone", async () => {
      await Deno.symlink(join(dir, "nowhere", "x.gox"), join(dir, "dangling.gox"));
      await assert.rejects(
        writeEncodedFiles(join(dir, "dangling.gox"), [{ suffix: "", data: text("x") }]),
        (err: Error) =>
          err instanceof IoError && /symbolic link to a file that does not exist/.test(err.message),
      );
      assert.ok((await Deno.lstat(join(dir, "dangling.gox"))).isSymlink);
    });
    await t.step("a sidecar's link is replaced, its target untouched", async () => {
      const outside = join(dir, "real", "outside.txt");
      await Deno.writeTextFile(outside, "keep me");
      await Deno.writeTextFile(join(dir, "m.obj"), "old obj");
      await Deno.symlink(outside, join(dir, "m.mtl"));
      await writeEncodedFiles(join(dir, "m.obj"), [
        { suffix: "", data: text("obj") },
        { suffix: ".mtl", data: text("mtl") },
      ]);
      assert.equal(await Deno.readTextFile(outside), "keep me");
      assert.ok(!(await Deno.lstat(join(dir, "m.mtl"))).isSymlink);
      assert.equal(await Deno.readTextFile(join(dir, "m.mtl")), "mtl");
    });
  });
});

for (const form of FORMS) {
  Deno.test(`writeFileAtomic() keeps an existing file's mode (${form.name})`, async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "secret.gox");
      await Deno.writeTextFile(path, "old");
      await Deno.chmod(path, 0o600);
      await writeFileAtomic(path, new Uint8Array([1, 2]), form.options);
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      assert.deepEqual(await Deno.readFile(path), new Uint8Array([1, 2]));
    });
  });
}

Deno.test("readFileBytes() refuses FIFOs, devices and files over the limit", async (t) => {
  await withTempDir(async (dir) => {
    await t.step("FIFO (would block forever)", async () => {
      const fifo = join(dir, "pipe.vox");
      await new Deno.Command("mkfifo", { args: [fifo] }).output();
      await assert.rejects(readFileBytes(fifo), /it is not a regular file/);
    });
    await t.step("/dev/zero (endless)", async () => {
      await assert.rejects(readFileBytes("/dev/zero"), /it is not a regular file/);
    });
    await t.step("over maxBytes", async () => {
      const big = join(dir, "big.bin");
      await Deno.writeFile(big, new Uint8Array(5000));
      await assert.rejects(
        readFileBytes(big, 4096),
        /it is 5000 bytes, more than the limit of 4096 \(limits.max_file_bytes\)/,
      );
      assert.equal((await readFileBytes(big, 5000)).length, 5000);
    });
  });
});

Deno.test("writeEncodedFiles() refuses to replace a sidecar the request did not name", async () => {
  await withTempDir(async (dir) => {
    const mtl = join(dir, "model.mtl");
    await Deno.writeTextFile(mtl, "precious");
    const files = [
      { suffix: "", data: new TextEncoder().encode("obj") },
      { suffix: ".mtl", data: new TextEncoder().encode("mtl") },
    ];
    await assert.rejects(
      writeEncodedFiles(join(dir, "model.obj"), files),
      /model\.mtl": it already exists and the request did not name it/,
    );
    assert.equal(await Deno.readTextFile(mtl), "precious");
    assert.deepEqual(await listNames(dir), ["model.mtl"]);
    await writeEncodedFiles(join(dir, "model.obj"), files, { overwriteSidecars: true });
    assert.equal(await Deno.readTextFile(mtl), "mtl");
    // Re-saving the same export (its main file exists) replaces its own sidecar.
    await writeEncodedFiles(join(dir, "model.obj"), files);
  });
});

for (const form of FORMS) {
  Deno.test(`writeFileAtomic() refuses a missing directory or a file in the way, creating nothing (${form.name})`, async (t) => {
    await withTempDir(async (dir) => {
      await Deno.writeTextFile(join(dir, "plain"), "x");
      const cases: [string, string, RegExp][] = [
        [
          "missing directories",
          join(dir, "a", "b", "out.bin"),
          /directory ".*\/a\/b" does not exist/,
        ],
        [
          "a file as parent",
          join(dir, "plain", "out.bin"),
          /".*\/plain" is a file, not a directory/,
        ],
        ["a file as grandparent", join(dir, "plain", "x", "out.bin"), /".*\/plain" is a file/],
      ];
      for (const [name, path, message] of cases) {
        await t.step(name, async () => {
          await assert.rejects(
            writeFileAtomic(path, new Uint8Array([1]), form.options),
            (err: unknown) => {
              assert.ok(err instanceof IoError);
              assert.equal(err.path, path);
              assert.match(err.message, message);
              return true;
            },
          );
        });
      }
      await assert.rejects(Deno.stat(join(dir, "a")));
    });
  });
}

for (const form of FORMS) {
  Deno.test(`writeFileAtomic() applies the requested file mode (${form.name})`, async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "private.bin");
      await writeFileAtomic(path, new Uint8Array([1]), { ...form.options, mode: 0o600 });
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    });
  });
}

for (const form of FORMS) {
  Deno.test(`writeFileAtomic() fails with IoError and leaves no temp file (${form.name})`, async (t) => {
    await withTempDir(async (dir) => {
      const blocker = join(dir, "plain.txt");
      await Deno.writeTextFile(blocker, "not a directory");
      const target = join(dir, "existing");
      await Deno.mkdir(target);
      const cases: [string, string][] = [
        ["target under a regular file", join(blocker, "out.gox")],
        ["target is a directory", target],
      ];
      for (const [name, path] of cases) {
        await t.step(name, async () => {
          await assert.rejects(
            writeFileAtomic(path, new Uint8Array([1, 2, 3]), form.options),
            (err: unknown) => {
              assert.ok(err instanceof IoError);
              assert.equal(err.path, path);
              assert.match(err.message, /^Cannot write /);
              return true;
            },
          );
          const names = await listNames(dir);
          assert.ok(!names.some((n) => n.endsWith(".tmp")), names.join(", "));
          assert.deepEqual(await listNames(target), []);
        });
      }
      assert.equal(await Deno.readTextFile(blocker), "not a directory");
    });
  });
}

Deno.test("withFileContext() names the file, format and byte offset of a decoding failure", () => {
  const inner = new FormatError(
    "vox",
    20,
    "Cannot decode .vox: chunk MAIN is truncated at byte 20",
  );
  const err = withFileContext("/m/a.vox", "vox", inner) as FormatError;
  assert.equal(err.message, 'Cannot read "/m/a.vox" as vox: chunk MAIN is truncated at byte 20');
  assert.equal(err.path, "/m/a.vox");
  assert.equal(err.offset, 20);
  assert.equal(err.cause, inner);
  const bare = withFileContext("/m/a.gox", "gox", new FormatError("gox", 7, "bad magic")) as Error;
  assert.equal(bare.message, 'Cannot read "/m/a.gox" as gox: bad magic (at byte 7)');
  const io = new IoError("/m/b.vox", 'Cannot write "/m/b.vox": directory "/m" does not exist');
  const named = withFileContext("/m/b.vox", "vox", io) as IoError;
  assert.equal(named.message, 'Cannot write "/m/b.vox" as vox: directory "/m" does not exist');
  assert.equal(named.path, "/m/b.vox");
  assert.equal(named.cause, io);
  const other = new RangeError("x");
  assert.equal(withFileContext("/m/a.gox", "gox", other), other);
});

Deno.test("writeFileAtomic() removes temp files a killed writer left, not a live one's", async () => {
  await withTempDir(async (dir) => {
    // A pid no process has: past the kernel's pid_max.
    const dead = `.model.gox.${2 ** 22 + 7}.1764500000000.tmp`;
    // A live process's write in progress (pid 1 always runs).
    const live = `.model.gox.1.1764500000000.tmp`;
    const other = `.other.gox.${2 ** 22 + 7}.1764500000000.tmp`;
    for (const name of [dead, live, other]) await Deno.writeTextFile(join(dir, name), "partial");
    await writeFileAtomic(join(dir, "model.gox"), new Uint8Array([1, 2, 3]));
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(left, [live, other, "model.gox"].sort());
  });
});

for (const form of FORMS) {
  Deno.test(`writeFileAtomic() lets concurrent writes of one file all succeed, the last one winning (${form.name})`, async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "shared.gox");
      for (let round = 0; round < 20; round++) {
        const a = new Uint8Array([1, round]), b = new Uint8Array([2, round]);
        // Started in the same millisecond: they once shared a temp name and both failed.
        await Promise.all([
          writeFileAtomic(path, a, form.options),
          writeFileAtomic(path, b, form.options),
        ]);
        const got = Deno.readFileSync(path);
        assert.ok(got[1] === round && (got[0] === 1 || got[0] === 2), `round ${round}: ${got}`);
      }
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["shared.gox"]);
    });
  });
}

Deno.test("writeFileAtomic() removes its temp file when a call fails after creating it", async (t) => {
  const failing = (what: string) => Object.assign(new Error(`${what} failed`), { code: "EIO" });
  for (const [name, io] of [["blocking", BLOCKING_IO], ["thread pool", POOLED_IO]] as const) {
    const cases: [string, WriteIo][] = [
      ["the write", {
        ...io,
        async create(path, mode) {
          const file = await io.create(path, mode);
          return { ...file, write: () => Promise.reject(failing("write")) };
        },
      }],
      ["the rename", { ...io, rename: () => Promise.reject(failing("rename")) }],
    ];
    for (const [step, broken] of cases) {
      await t.step(`${name}: ${step}`, async () => {
        await withTempDir(async (dir) => {
          const path = join(dir, "model.gox");
          await Deno.writeTextFile(path, "old");
          await assert.rejects(
            writeFileAtomicWith(broken, path, new Uint8Array([1, 2, 3])),
            (err: unknown) => err instanceof IoError && /failed/.test(String(err.cause)),
          );
          assert.equal(await Deno.readTextFile(path), "old");
          assert.deepEqual(await listNames(dir), ["model.gox"], "no temp file left");
        });
      });
    }
  }
});

for (const form of FORMS) {
  Deno.test(`writeFileAtomic() writes a file whose name is near the 255-byte limit (${form.name})`, async () => {
    await withTempDir(async (dir) => {
      const name = `${"n".repeat(246)}.gox`;
      await writeFileAtomic(join(dir, name), new Uint8Array([7]), form.options);
      await writeFileAtomic(join(dir, name), new Uint8Array([8]), form.options);
      assert.deepEqual(await Deno.readFile(join(dir, name)), new Uint8Array([8]));
      assert.deepEqual(await listNames(dir), [name]);
    });
  });
}
