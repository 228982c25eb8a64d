import assert from "node:assert/strict";
import { Output } from "./output.ts";

/** An Output whose writes are kept per descriptor (fds[1], fds[2]). */
function captured(
  env: Record<string, string> = {},
  isTerminal: (fd: number) => boolean = () => false,
): { out: Output; fds: Record<number, string> } {
  const fds: Record<number, string> = { 1: "", 2: "" };
  return { out: new Output(env, isTerminal, (fd, text) => fds[fd] += text), fds };
}

/** A terminal test: only descriptor `fd` is a terminal, or none when `isTty` is false. */
function terminal(fd: number, isTty: boolean): (fd: number) => boolean {
  return (asked) => isTty && asked === fd;
}

Deno.test("Output.json() prints indented or one-line JSON as asked", async (t) => {
  const value = { a: 1, b: [true, null] };
  const cases: [string, boolean, string][] = [
    ["pretty", true, '{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}\n'],
    ["compact", false, '{"a":1,"b":[true,null]}\n'],
  ];
  for (const [label, pretty, expected] of cases) {
    await t.step(label, () => {
      const { out, fds } = captured();
      out.json(value, pretty);
      assert.equal(fds[1], expected);
    });
  }
});

Deno.test("Output.json() defaults to pretty on a terminal and compact otherwise", async (t) => {
  for (
    const [label, isTty, expected] of [["tty", true, "[\n  1\n]\n"], [
      "pipe",
      false,
      "[1]\n",
    ]] as const
  ) {
    await t.step(label, () => {
      const { out, fds } = captured({}, terminal(1, isTty));
      out.json([1]);
      assert.equal(fds[1], expected);
    });
  }
});

Deno.test("Output.line() and stderr() write where they say", () => {
  const { out, fds } = captured();
  out.line("hi");
  out.stderr("raw");
  assert.deepEqual(fds, { 1: "hi\n", 2: "raw" });
});

Deno.test("Output.error() prefixes goxel: and colours it only when allowed", async (t) => {
  const cases: [string, boolean, Record<string, string>, string][] = [
    ["NO_COLOR on a terminal", true, { NO_COLOR: "1" }, "goxel: boom\n"],
    ["not a terminal", false, {}, "goxel: boom\n"],
    ["a colour terminal", true, {}, "\x1b[31mgoxel:\x1b[0m boom\n"],
  ];
  for (const [label, isTty, env, expected] of cases) {
    await t.step(label, () => {
      const { out, fds } = captured(env, terminal(2, isTty));
      out.error("boom");
      assert.equal(fds[2], expected);
    });
  }
});

Deno.test("writeFd() writes whole texts to a pipe and stops quietly when its reader is gone", async () => {
  const text = "é".repeat(100_000) + "\n"; // more than a pipe holds: partial writes, multi-byte
  const child = (code: string) =>
    new Deno.Command(Deno.execPath(), {
      args: ["eval", `import { writeFd } from "${import.meta.resolve("./output.ts")}"; ${code}`],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  const whole = await child(`writeFd(1, "é".repeat(100_000) + "\\n"); writeFd(2, "done");`)
    .output();
  assert.equal(new TextDecoder().decode(whole.stdout), text);
  assert.equal(new TextDecoder().decode(whole.stderr), "done");
  const gone = child(
    `for (let i = 0; i < 50; i++) writeFd(1, "x".repeat(65536)); writeFd(2, "ok");`,
  );
  await gone.stdout.cancel();
  const result = await gone.output();
  assert.equal(new TextDecoder().decode(result.stderr), "ok");
  assert.equal(result.code, 0);
});
