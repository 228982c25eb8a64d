import assert from "node:assert/strict";

/** Runs a child through `sh -c` with its descriptors redirected by `shell`; returns its answers. */
async function answers(dir: string, shell: string, wrap = (cmd: string) => cmd): Promise<unknown> {
  const deno = Deno.execPath();
  await new Deno.Command("sh", {
    args: ["-c", wrap(`'${deno}' run -A '${dir}/probe.ts' ${shell}`)],
    stdin: "null",
  }).output();
  return JSON.parse(Deno.readTextFileSync(`${dir}/answer.json`));
}

Deno.test("isTerminal() agrees with isatty for pipes, files, /dev/null and a terminal", async (t) => {
  const dir = Deno.makeTempDirSync();
  // Each descriptor: [isTerminal, isatty]
  Deno.writeTextFileSync(
    `${dir}/probe.ts`,
    `import { isTerminal } from "${import.meta.resolve("./terminal.ts")}";
import { isatty } from "node:tty";
Deno.writeTextFileSync("${dir}/answer.json",
  JSON.stringify([1, 2].map((fd) => [isTerminal(fd), isatty(fd)])));
`,
  );
  const not = [[false, false], [false, false]];
  await t.step("pipes", async () => assert.deepEqual(await answers(dir, "2>&1 | cat"), not));
  await t.step("a file and /dev/null", async () => {
    assert.deepEqual(await answers(dir, `> '${dir}/file' 2>/dev/null`), not);
  });
  const script = ["/usr/bin/script", "/bin/script"].find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });
  await t.step({
    name: "a pseudo-terminal (script(1))",
    ignore: !script,
    fn: async () => {
      const wrap = (cmd: string) => `'${script}' -qec "${cmd}" /dev/null`;
      assert.deepEqual(await answers(dir, "", wrap), [[true, true], [true, true]]);
    },
  });
  Deno.removeSync(dir, { recursive: true });
});
