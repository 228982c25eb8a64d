/**
 * README's runnable blocks, run as written: the quick start (every `./goxel` line, against a
 * private runtime dir), the Python client and the JavaScript client (under Node.js and Deno).
 * The blocks are found by the `<!-- tested: NAME -->` comment before them, so README and test
 * cannot drift apart.
 */
import assert from "node:assert/strict";
import { goxelCommand, makeTestEnv, rootPath, runGoxel, type TestEnv } from "./support_testing.ts";

/** The fenced code block that follows `<!-- tested: name -->` in README.md. */
function readmeBlock(name: string): string {
  const text = Deno.readTextFileSync(rootPath("README.md"));
  const m = new RegExp(`<!-- tested: ${name} -->\\n+\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(text);
  assert.ok(m, `README has a block marked "tested: ${name}"`);
  return m[1] + "\n";
}

function hasCommand(name: string): boolean {
  try {
    return new Deno.Command(name, { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[], t: TestEnv, stdin?: string) {
  const child = new Deno.Command(cmd, {
    args,
    env: t.env,
    clearEnv: true,
    cwd: t.dir,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function withEnv(fn: (t: TestEnv) => Promise<void>): Promise<void> {
  const t = await makeTestEnv();
  try {
    await fn(t);
  } finally {
    await runGoxel(["stop"], t);
    await t.cleanup();
  }
}

Deno.test("README's quick start builds the snowman and writes three distinct files", async () => {
  await withEnv(async (t) => {
    const goxel = goxelCommand().map((a) => `'${a}'`).join(" ");
    const script = `set -e\ngoxel() { ${goxel} "$@"; }\n` +
      readmeBlock("quick start").replaceAll("./goxel ", "goxel ");
    const r = await run("bash", ["-c", script], t);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const file of ["snowman-front.png", "snowman.gox", "snowman-export.vox"]) {
      assert.ok((await Deno.stat(`${t.dir}/${file}`)).size > 0, file);
    }
    const info = JSON.parse((await runGoxel(["info", "snowman.gox", "--json"], t)).stdout);
    assert.ok(info.voxels > 1500, `${info.voxels} voxels`);
    const exported = JSON.parse(
      (await runGoxel(["info", "snowman-export.vox", "--json"], t)).stdout,
    );
    assert.equal(exported.voxels, info.voxels);
  });
});

Deno.test("README's Python client works against a real daemon", {
  ignore: !hasCommand("python3"),
}, async () => {
  await withEnv(async (t) => {
    assert.equal((await runGoxel(["start"], t)).code, 0);
    const r = await run("python3", ["-"], t, readmeBlock("python"));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "[255, 0, 0, 255]");
  });
});

Deno.test("README's JavaScript client works under Node.js and Deno", async (ctx) => {
  await withEnv(async (t) => {
    assert.equal((await runGoxel(["start"], t)).code, 0);
    const file = `${t.dir}/client.mjs`;
    await Deno.writeTextFile(file, readmeBlock("javascript"));
    const runtimes: [string, string[]][] = [[Deno.execPath(), ["run", "-A", file]]];
    if (hasCommand("node")) runtimes.push(["node", [file]]);
    else console.warn("node is not installed: the JavaScript client runs under Deno only");
    for (const [cmd, args] of runtimes) {
      await ctx.step(cmd.split("/").pop()!, async () => {
        const r = await run(cmd, args, t);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.trim(), "[0,255,0,255]");
      });
    }
  });
});
