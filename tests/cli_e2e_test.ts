/**
 * The command line as a user meets it, with real processes: exit codes, help at every level,
 * stdin request streams and how relative file paths resolve in every call form.
 */
import assert from "node:assert/strict";
import { goxelCommand, makeTestEnv, RawClient, runGoxel, type TestEnv } from "./support_testing.ts";

Deno.test("exit codes: usage 2, failure 1, not running 3", async (t) => {
  const env = await makeTestEnv();
  try {
    const cases: [string[], number, RegExp][] = [
      [["frobnicate"], 2, /unknown command/],
      [["call"], 2, /Missing the method/],
      [["render", "a.vox", "b.png", "--background", "red"], 2, /Invalid --background "red"/],
      [["render", "a.vox", "b.png", "--camera", "diagonal"], 2, /Allowed choices are front/],
      [["stop", "--timeout", "soon"], 2, /Invalid --timeout/],
      [["start", "--log-level", "loud"], 2, /Allowed choices/],
      [["start", "--http", "127.0.0.1:99999"], 2, /Invalid --http "127\.0\.0\.1:99999"/],
      [["start", "--tcp", "nowhere"], 2, /Invalid --tcp/],
      [["mcp", "--http", "8080"], 2, /Invalid --http "8080": expected HOST:PORT/],
      [["help", "frobnicate"], 2, /No command or method "frobnicate"/],
      [["call", "--params", "{", "ping"], 2, /not valid JSON|either as arguments/],
      [["status"], 3, /not running/],
      [["call", "--no-spawn", "ping"], 1, /not running.*goxel start/],
      [["reload"], 1, /not running.*start it with: goxel start/],
      [["reload", "--json"], 1, /"code":-32000,"message":"goxel is not running/],
      [["info", "missing.vox"], 1, /no such file/],
      [["convert", "a.vox", "b.xyz"], 1, /Cannot/],
      [["render", "a.vox", "b.png", "--size", "0x5"], 2, /Invalid --size/],
      [["render", "a.vox", "b.jpg"], 2, /PNG only/],
    ];
    for (const [args, code, pattern] of cases) {
      await t.step(args.join(" "), async () => {
        const r = await runGoxel(args, env);
        assert.equal(r.code, code, r.stdout + r.stderr);
        assert.match(r.stdout + r.stderr, pattern);
      });
    }
    await t.step(
      "an RPC error prints its message and exits 1; --json prints the error object",
      async () => {
        const r = await runGoxel(["call", "add_voxel", "1.5", "0", "0"], env);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /x: .*integer/);
        const j = await runGoxel(["call", "--json", "add_voxel", "1.5", "0", "0"], env);
        assert.equal(JSON.parse(j.stdout).code, -32602);
        const unknown = await runGoxel(["call", "no_such_method"], env);
        assert.equal(unknown.code, 2);
        // Errors of the CLI itself are JSON objects too with --json (stdout was empty).
        const cases: [string[], number, number][] = [
          [["call", "--json", "no_such_method"], 2, -32601],
          [["call", "--json", "add_voxel", "x=1", "x=2", "0", "0"], 2, -32602],
          [["call", "--json", "--no-spawn", "--socket", `${env.dir}/none.sock`, "ping"], 1, -32000],
        ];
        for (const [args, exit, code] of cases) {
          const r = await runGoxel(args, env);
          assert.equal(r.code, exit, r.stderr);
          const e = JSON.parse(r.stdout);
          assert.equal(e.code, code, r.stdout);
          assert.equal(e.data.exit_code, exit);
          assert.ok(e.message.length > 0);
        }
      },
    );
    await t.step("mistyped methods, params and options get the nearest names", async () => {
      const cases: [string[], RegExp][] = [
        [["call", "add_voxle", "1", "2", "3"], /did you mean add_voxel or add_voxels\?/],
        [["help", "create_projcet"], /did you mean create_project\?/],
        [["help", "strat"], /did you mean start\?/],
        [["call", "add_voxel", "1", "2", "3", "colour=#ff0000"], /"colour".*did you mean color\?/],
      ];
      for (const [args, pattern] of cases) {
        const r = await runGoxel(args, env);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, pattern);
      }
    });
    await t.step(
      "a method taking any param takes name=value (goxel call echo hello=world)",
      async () => {
        const r = await runGoxel(["call", "echo", "hello=world", "n=3"], env);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), { hello: "world", n: 3 });
      },
    );
    await t.step("help works at every level and exits 0", async (t) => {
      const cases: [string[], RegExp[]][] = [
        [["--help"], [/Exit codes:/, /GOXEL_SOCKET/, /Examples:/]],
        [["help"], [/Exit codes:/]],
        [["call", "--help"], [/Usage: goxel call/, /Examples:/]],
        [["help", "call"], [/Usage: goxel call/, /Examples:/]],
        [["help", "render"], [/--camera <preset>/, /choices:\s+"front"/]],
        [["stop", "--help"], [/--timeout/]],
        [["call", "add_voxel", "--help"], [/\[layer_id\]/, /Colours: hex/, /goxel call add_voxel/]],
        [["help", "add_voxel"], [/Usage: goxel call add_voxel <x> <y> <z> \[r\]/]],
        [["help", "call", "add_voxel"], [/Usage: goxel call add_voxel <x> <y> <z> \[r\]/]],
      ];
      for (const [args, patterns] of cases) {
        await t.step(args.join(" "), async () => {
          const r = await runGoxel(args, env);
          assert.equal(r.code, 0, r.stderr);
          for (const p of patterns) assert.match(r.stdout, p);
        });
      }
    });
    await t.step(
      "--version names version, commit and runtime; -V, -v and version too",
      async () => {
        const r = await runGoxel(["--version"], env);
        assert.equal(r.code, 0);
        assert.match(r.stdout, /^goxel \d+\.\d+\.\d+ \(\w+, (deno|bun|node) [\d.]+\)/);
        for (const alias of ["-V", "-v", "version"]) {
          assert.equal((await runGoxel([alias], env)).stdout, r.stdout, alias);
        }
      },
    );
  } finally {
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});

Deno.test("goxel call reads params and NDJSON request streams from stdin", async () => {
  const env = await makeTestEnv();
  try {
    const lines = [
      { jsonrpc: "2.0", id: 1, method: "goxel.add_voxel", params: [1, 2, 3, "#ff0000"] },
      { jsonrpc: "2.0", method: "goxel.add_voxel", params: [5, 5, 5] },
      { jsonrpc: "2.0", id: 2, method: "goxel.get_voxel", params: [1, 2, 3] },
    ].map((m) => JSON.stringify(m)).join("\n") + "\nnot json\n";
    const r = await runGoxel(["call", "-"], env, lines);
    assert.equal(r.code, 1, "a reply carried an error");
    assert.match(r.stderr, /1 of 3 replies carried an error/);
    const replies = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(replies.length, 3, "the notification gets no reply");
    assert.deepEqual(replies[1].result.color, [255, 0, 0, 255]);
    assert.equal(replies[2].error.code, -32700);
    const p = await runGoxel(
      ["call", "add_voxel", "--params", "-"],
      env,
      '{"x":4,"y":4,"z":4,"color":"#00ff00"}',
    );
    assert.equal(p.code, 0, p.stderr);
    const named = await runGoxel(["call", "get_voxel", "4", "4", "z=4"], {
      ...env,
      env: { ...env.env, GOXEL_PROJECT: "p1" },
    });
    assert.deepEqual(JSON.parse(named.stdout).color, [0, 255, 0, 255]);
  } finally {
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});

Deno.test("goxel call sends megabytes whole: one large request and a long request stream", async () => {
  // More than a socket takes at once, so the client must queue what the kernel refuses and send
  // it when the socket drains (the compiled binary writes through Bun's socket, which does not).
  const env = await makeTestEnv();
  try {
    const voxels = Array.from(
      { length: 100_000 },
      (_, i) => [i % 100, (i / 100) % 100 | 0, i / 1e4 | 0, 9, 8, 7],
    );
    const big = await runGoxel(
      ["call", "add_voxels", "--params", "-"],
      env,
      JSON.stringify({ voxels }),
    );
    assert.equal(big.code, 0, big.stderr);
    assert.deepEqual(JSON.parse(big.stdout), { success: true, added: 100_000, failed: 0 });
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({ jsonrpc: "2.0", id: i, method: "goxel.get_voxel", params: [i % 100, 5, 9] }))
      .join("\n") + "\n";
    const stream = await runGoxel(["call", "-"], env, lines);
    assert.equal(stream.code, 0, stream.stderr);
    const replies = stream.stdout.trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.equal(replies.length, 20_000);
    assert.deepEqual(
      new Set(replies.map((r) =>
        r.id
      )).size,
      20_000,
    );
    assert.ok(
      replies.every((r) =>
        r.result?.color?.join() === "9,8,7,255"
      ),
      "every voxel is there",
    );
  } finally {
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});

Deno.test("goxel call - delivers every reply to a slow reader and every trailing notification", async () => {
  const env = await makeTestEnv();
  try {
    // 20 000 replies (~1.5 MB) read only after a pause, then 5 000 notifications (no reply to
    // wait for) as the stream's end: nothing may be cut off when the CLI exits.
    const ids = Array.from(
      { length: 20_000 },
      (_, i) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "goxel.ping" }),
    );
    const notes = Array.from(
      { length: 5_000 },
      (_, i) =>
        JSON.stringify({
          jsonrpc: "2.0",
          method: "goxel.add_voxel",
          params: [i % 50, i / 50 | 0, 0],
        }),
    );
    await Deno.writeTextFile(`${env.dir}/in.ndjson`, [...ids, ...notes].join("\n") + "\n");
    await assertSlowReaderLines(env, "", "call - < in.ndjson", "20000");
    const c = await RawClient.unix(env.socket);
    const info = await c.call("goxel.get_project_info") as { voxel_count: number };
    assert.equal(info.voxel_count, 5_000, "every notification was applied");
    c.close();
  } finally {
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});

/**
 * Runs `<prefix>goxel <args> | (sleep 1; wc -l)` in the test's directory (a reader that starts
 * only after a pause) and checks the number of lines it counted.
 */
async function assertSlowReaderLines(env: TestEnv, prefix: string, args: string, want: string) {
  const goxel = goxelCommand().map((a) => `'${a}'`).join(" ");
  const sh = await new Deno.Command("sh", {
    args: ["-c", `${prefix}${goxel} ${args} | (sleep 1; wc -l)`],
    cwd: env.dir,
    env: env.env,
    clearEnv: true,
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  assert.equal(decode(sh.stdout).trim(), want, decode(sh.stderr));
}

/** True when a program runs here (the non-blocking test sets O_NONBLOCK with perl's Fcntl). */
function have(program: string): boolean {
  try {
    return new Deno.Command(program, { args: ["-v"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "goxel call writes every reply to a non-blocking stdout whose reader is slow",
  ignore: !have("perl"),
  async fn() {
    // A parent such as Node.js may hand goxel a non-blocking pipe: writes then fail with EAGAIN
    // once the pipe is full, and Deno's process.stdout threw (897 of 20 000 lines, exit 1).
    const env = await makeTestEnv();
    try {
      const lines = Array.from(
        { length: 20_000 },
        (_, i) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "goxel.ping" }),
      );
      await Deno.writeTextFile(`${env.dir}/in.ndjson`, lines.join("\n") + "\n");
      const nonBlocking = "perl -e 'use Fcntl; fcntl(STDOUT, F_SETFL, fcntl(STDOUT, F_GETFL, 0) " +
        "| O_NONBLOCK) or die; exec @ARGV or die' ";
      // A stream of replies, and one reply larger than the pipe (rpc.discover: ~160 KB).
      for (const [args, want] of [["call - < in.ndjson", "20000"], ["call rpc.discover", "1"]]) {
        await assertSlowReaderLines(env, nonBlocking, args, want);
      }
    } finally {
      await runGoxel(["stop"], env);
      await env.cleanup();
    }
  },
});

Deno.test("relative file paths resolve against the caller's directory in every call form", async () => {
  const env = await makeTestEnv();
  const caller = `${env.dir}/caller`;
  await Deno.mkdir(caller);
  try {
    // The daemon starts in env.dir (its workspace); the calls below run in caller/.
    assert.equal((await runGoxel(["call", "create_project", "p", "8", "8", "8"], env)).code, 0);
    const forms: [string, string[], string | undefined][] = [
      ["positional.gox", ["call", "save_project", "positional.gox"], undefined],
      ["named.gox", ["call", "save_project", "path=named.gox"], undefined],
      ["params.gox", ["call", "save_project", "--params", '{"path":"params.gox"}'], undefined],
      ["stdin.gox", ["call", "save_project", "--params", "-"], '{"path":"stdin.gox"}'],
      [
        "stream.gox",
        ["call", "-"],
        '{"jsonrpc":"2.0","id":1,"method":"save_project","params":{"path":"stream.gox"}}\n',
      ],
    ];
    for (const [file, args, stdin] of forms) {
      const r = await runGoxel(args, env, stdin, caller);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(
        (await Deno.stat(`${caller}/${file}`)).isFile,
        `${args.join(" ")} wrote caller/${file}`,
      );
      await assert.rejects(Deno.stat(`${env.dir}/${file}`));
    }
  } finally {
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});

Deno.test("goxel call watch --help explains the change stream instead of calling it unknown", async () => {
  const env = await makeTestEnv();
  try {
    for (const args of [["call", "watch", "--help"], ["help", "watch"]]) {
      const r = await runGoxel(args, env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: goxel call watch \[project\] \[since\]/);
    }
  } finally {
    await env.cleanup();
  }
});
