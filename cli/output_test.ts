import assert from "node:assert/strict";
import process from "node:process";
import { Output } from "./output.ts";

type Stream = typeof process.stdout | typeof process.stderr;

/** Runs fn with the stream's write captured; returns what was written. */
function capture(stream: Stream, fn: () => void): string {
  const target = stream as { write: unknown };
  const original = target.write;
  let text = "";
  target.write = (chunk: string | Uint8Array) => {
    text += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    return true;
  };
  try {
    fn();
  } finally {
    target.write = original;
  }
  return text;
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
      const out = new Output({});
      assert.equal(capture(process.stdout, () => out.json(value, pretty)), expected);
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
      const out = new Output({}, terminal(1, isTty));
      assert.equal(capture(process.stdout, () => out.json([1])), expected);
    });
  }
});

Deno.test("Output.line() and stderr() write where they say", () => {
  const out = new Output({});
  assert.equal(capture(process.stdout, () => out.line("hi")), "hi\n");
  assert.equal(capture(process.stderr, () => out.stderr("raw")), "raw");
});

Deno.test("Output.error() prefixes goxel: and colours it only when allowed", async (t) => {
  const cases: [string, boolean, Record<string, string>, string][] = [
    ["NO_COLOR on a terminal", true, { NO_COLOR: "1" }, "goxel: boom\n"],
    ["not a terminal", false, {}, "goxel: boom\n"],
    ["a colour terminal", true, {}, "\x1b[31mgoxel:\x1b[0m boom\n"],
  ];
  for (const [label, isTty, env, expected] of cases) {
    await t.step(label, () => {
      const out = new Output(env, terminal(2, isTty));
      assert.equal(capture(process.stderr, () => out.error("boom")), expected);
    });
  }
});
