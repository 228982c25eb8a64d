/**
 * Shell completion in real shells: bash (without the bash-completion package, sourced twice),
 * zsh (an interactive shell driven through zpty, pressing TAB) and fish (`complete -C`). Each
 * shell runs the generated script, which calls the real goxel program. CI installs zsh and fish
 * (.ci/run); a shell that is missing here is skipped with a message.
 */
import assert from "node:assert/strict";
import { goxelCommand, makeTestEnv, runGoxel, type TestEnv } from "./support_testing.ts";

function hasShell(name: string): boolean {
  try {
    return new Deno.Command(name, { args: ["-c", "exit 0"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** A bin dir with a `goxel` wrapper (what the scripts call), and the script for `shell`. */
async function setup(t: TestEnv, shell: string): Promise<{ path: string; script: string }> {
  const bin = `${t.dir}/bin`;
  await Deno.mkdir(bin, { recursive: true });
  const cmd = goxelCommand().map((a) => `'${a}'`).join(" ");
  await Deno.writeTextFile(`${bin}/goxel`, `#!/bin/sh\nexec ${cmd} "$@"\n`, { mode: 0o755 });
  const r = await runGoxel(["completions", shell], t);
  assert.equal(r.code, 0, r.stderr);
  const script = `${t.dir}/goxel.${shell}`;
  await Deno.writeTextFile(script, r.stdout);
  return { path: `${bin}:${t.env.PATH}`, script };
}

async function run(shell: string, args: string[], t: TestEnv, path: string) {
  const out = await new Deno.Command(shell, {
    args,
    env: { ...t.env, PATH: path },
    clearEnv: true,
    cwd: t.dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function withEnv(fn: (t: TestEnv) => Promise<void>): Promise<void> {
  const t = await makeTestEnv();
  try {
    await fn(t);
  } finally {
    await t.cleanup();
  }
}

Deno.test("bash completes methods and option values without bash-completion, sourced twice", async () => {
  await withEnv(async (t) => {
    const { path, script } = await setup(t, "bash");
    const probe = `source ${script}; source ${script}
complete -p goxel
COMP_WORDS=(goxel call add_v); COMP_CWORD=2; __goxel_complete; printf 'm:%s\\n' "\${COMPREPLY[@]}"
COMP_WORDS=(goxel render a.vox b.png --camera is); COMP_CWORD=5; __goxel_complete
printf 'c:%s\\n' "\${COMPREPLY[@]}"`;
    const r = await run("bash", ["--norc", "--noprofile", "-c", probe], t, path);
    assert.equal(r.stderr, "", "no errors, also when sourced a second time");
    assert.match(r.stdout, /complete -o default -F __goxel_complete goxel/);
    assert.deepEqual(r.stdout.match(/^m:.*$/gm), ["m:add_voxel", "m:add_voxels"]);
    assert.deepEqual(r.stdout.match(/^c:.*$/gm), ["c:isometric"]);
    assert.equal(r.code, 0);
  });
});

Deno.test({
  name: "zsh completes `goxel call add_v` on TAB in an interactive shell",
  ignore: !hasShell("zsh"),
  fn: () =>
    withEnv(async (t) => {
      const { path, script } = await setup(t, "zsh");
      await Deno.mkdir(`${t.dir}/fn`);
      await Deno.copyFile(script, `${t.dir}/fn/_goxel`);
      // Waits for the first TAB's effect (the common prefix) before the second lists the choices.
      const driver = `zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=(${t.dir}/fn \\$fpath); autoload -U compinit; compinit -u -D"
zpty -w -n z $'goxel call add_v\\t'
out=""; tabbed=0
for i in {1..300}; do
  zpty -r -t z chunk && out+=$chunk
  if (( ! tabbed )) && [[ $out == *add_voxel* ]]; then zpty -w -n z $'\\t'; tabbed=1; fi
  [[ $out == *add_voxels* ]] && break
  sleep 0.05
done
zpty -d z
print -r -- "$out"`;
      const r = await run("zsh", ["-f", "-c", driver], t, path);
      assert.match(r.stdout, /add_voxels/, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout, /remove_voxel/);
    }),
});

Deno.test({
  name: "fish completes methods and option values",
  ignore: !hasShell("fish"),
  fn: () =>
    withEnv(async (t) => {
      const { path, script } = await setup(t, "fish");
      const probe = `source ${script}; complete -C 'goxel call add_v'; ` +
        `complete -C 'goxel render a.vox b.png --camera '`;
      const r = await run("fish", ["--no-config", "-c", probe], t, path);
      assert.equal(r.stderr, "");
      const values = r.stdout.trim().split("\n").map((l) => l.split("\t")[0]);
      assert.deepEqual(values.slice(0, 2), ["add_voxel", "add_voxels"]);
      assert.ok(values.includes("isometric") && values.includes("front"), r.stdout);
    }),
});

if (!hasShell("zsh") || !hasShell("fish")) {
  console.warn(
    "zsh or fish is not installed: its completion test is skipped (.ci/run installs both)",
  );
}
