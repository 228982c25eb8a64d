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

/** Files the file-name cases complete (in the test dir, where the shells run). */
async function addFiles(t: TestEnv): Promise<void> {
  for (const f of ["snowman.gox", "snowball.vox"]) await Deno.writeTextFile(`${t.dir}/${f}`, "");
}

/** Lines typed before TAB, and what the line or the listing must show after it. */
const INTERACTIVE: [string, string][] = [
  ["goxel info snowm", "snowman.gox"],
  ["goxel convert snowman.gox snowb", "snowball.vox"],
  ["goxel start --config=snowm", "--config=snowman.gox"],
  ["goxel call load_project snowb", "load_project snowball.vox"],
  ["goxel call save_project path=snowm", "path=snowman.gox"],
  ["goxel render a.vox b.png --camera=to", "--camera=top"],
  ["goxel help add_v", "help add_voxel"],
  ["goxel call goxel.add_vo", "call goxel.add_voxel"],
];

/**
 * A zsh script that starts `shell` on a pseudo-terminal (zpty; -e keeps echo on, which bash's
 * readline needs to show the line), runs `setup`, then per case types the line and TAB, waits
 * until the expected text shows (or 15 s pass) and prints what the terminal showed.
 */
function ptyDriver(shell: string, setup: string, cases: [string, string][]): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const steps = cases.map(([typed, want], i) =>
    `zpty -w -n s ${q(typed)}$'\\t'; wait_for ${q(want)}; print -r -- "<<${i}>>$clean"
zpty -w -n s $'\\C-u'; zpty -w s "echo DO''NE${i}"; wait_for DONE${i}`
  );
  return `zmodload zsh/zpty; setopt extendedglob
out=""; clean=""
wait_for() {
  local chunk deadline=$(( SECONDS + 15 ))
  while (( SECONDS < deadline )); do
    zpty -r -t s chunk && out+=$chunk
    clean=\${out//$'\\e'\\[[0-9;?]#[A-Za-z]/}
    clean=\${clean//[$'\\r\\b']/}
    [[ $clean == *"$1"* ]] && break
    sleep 0.05
  done
  [[ $1 == DONE* ]] && out=""
}
zpty -e s ${shell}
zpty -w s ${q(setup)}
zpty -w s "echo DO''NE"; wait_for DONE
${steps.join("\n")}
zpty -d s`;
}

/** Asserts that every case showed what it expects, listing each one that did not. */
function assertShown(shown: string[]): void {
  const missing = INTERACTIVE.flatMap(([typed, want], i) =>
    shown[i].includes(want) ? [] : [`${typed}<TAB> shows ${want}; it showed: ${shown[i]}`]
  );
  assert.deepEqual(missing, []);
}

/** Runs the driver and returns, per case, what the terminal showed after TAB. */
async function drive(t: TestEnv, path: string, driver: string): Promise<string[]> {
  const r = await run("zsh", ["-f", "-c", driver], t, path);
  return INTERACTIVE.map((_, i) => r.stdout.split(`<<${i}>>`)[1]?.split(/<<\d+>>/)[0] ?? "");
}

Deno.test({
  name: "bash, typing TAB: file names where paths go, methods after help and goxel., --opt=value",
  ignore: !hasShell("zsh"),
  fn: () =>
    withEnv(async (t) => {
      const { path, script } = await setup(t, "bash");
      await addFiles(t);
      const setupLine = `PS1='> '; bind 'set bell-style none'; source ${script}`;
      const shown = await drive(
        t,
        path,
        ptyDriver("bash --norc --noprofile -i", setupLine, INTERACTIVE),
      );
      assertShown(shown);
    }),
});

Deno.test({
  name: "zsh, typing TAB: file names where paths go, methods after help and goxel., --opt=value",
  ignore: !hasShell("zsh"),
  fn: () =>
    withEnv(async (t) => {
      const { path, script } = await setup(t, "zsh");
      await addFiles(t);
      await Deno.mkdir(`${t.dir}/fn`);
      await Deno.copyFile(script, `${t.dir}/fn/_goxel`);
      const setupLine =
        `PS1='> '; unsetopt beep; fpath=(${t.dir}/fn $fpath); autoload -U compinit; compinit -u -D`;
      const shown = await drive(t, path, ptyDriver("zsh -f -i", setupLine, INTERACTIVE));
      assertShown(shown);
    }),
});

Deno.test("bash joins --opt=value split at = and completes the value", async () => {
  await withEnv(async (t) => {
    const { path, script } = await setup(t, "bash");
    const probe = `source ${script}
COMP_WORDS=(goxel render a.vox b.png --camera = to); COMP_CWORD=6; __goxel_complete
printf 'v:%s\\n' "\${COMPREPLY[@]}"
COMP_WORDS=(goxel render a.vox b.png --camera =); COMP_CWORD=5; __goxel_complete
printf 'e:%s\\n' "\${COMPREPLY[@]}"
COMP_WORDS=(goxel render a.vox b.png --camera=to); COMP_CWORD=4; __goxel_complete
printf 'w:%s\\n' "\${COMPREPLY[@]}"
COMP_WORDS=(goxel help add_v); COMP_CWORD=2; __goxel_complete
printf 'h:%s\\n' "\${COMPREPLY[@]}"`;
    const r = await run("bash", ["--norc", "--noprofile", "-c", probe], t, path);
    assert.equal(r.stderr, "");
    assert.deepEqual(r.stdout.match(/^v:.*$/gm), ["v:top"]);
    assert.equal(r.stdout.match(/^e:.*$/gm)?.length, 7, r.stdout);
    assert.deepEqual(r.stdout.match(/^w:.*$/gm), ["w:--camera=top"], "when = does not split");
    assert.deepEqual(r.stdout.match(/^h:.*$/gm), ["h:add_voxel", "h:add_voxels"]);
  });
});

Deno.test({
  name: "fish completes file names where paths go, methods after help and goxel., --opt=value",
  ignore: !hasShell("fish"),
  fn: () =>
    withEnv(async (t) => {
      const { path, script } = await setup(t, "fish");
      await addFiles(t);
      const probe = [`source ${script}`, ...INTERACTIVE.map(([typed]) => `complete -C '${typed}'`)]
        .map((c, i) => i === 0 ? c : `echo '<<${i - 1}>>'; ${c}`).join("; ");
      const r = await run("fish", ["--no-config", "-c", probe], t, path);
      assert.equal(r.stderr, "");
      const missing = INTERACTIVE.flatMap(([typed, want], i) => {
        const shown = r.stdout.split(`<<${i}>>`)[1]?.split(/<<\d+>>/)[0] ?? "";
        const values = shown.trim().split("\n").map((l) => l.split("\t")[0]);
        const last = want.split(" ").at(-1)!;
        return values.includes(last) ? [] : [`${typed}<TAB> offers ${last}; it offered: ${values}`];
      });
      assert.deepEqual(missing, []);
    }),
});

if (!hasShell("zsh") || !hasShell("fish")) {
  console.warn(
    "zsh or fish is not installed: its completion test is skipped (.ci/run installs both)",
  );
}
