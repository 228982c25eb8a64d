import assert from "node:assert/strict";
import {
  BufferBudget,
  type ConnectionHandler,
  type ConnectionLimits,
  MessageConnection,
  type Transport,
} from "./connection.ts";

class FakeTransport implements Transport {
  written: string[] = [];
  writableLength = 0;
  paused = false;
  ended = false;
  destroyed = false;
  write(text: string): boolean {
    this.written.push(text);
    return true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  get lines(): string[] {
    return this.written.join("").split("\n").filter(Boolean);
  }
}

const LIMITS: ConnectionLimits = {
  maxMessageBytes: 1024,
  maxQueuedMessages: 4,
  maxQueuedBytes: 1000,
  maxUnsentBytes: 100,
};
const enc = new TextEncoder();

function setup(
  message: ConnectionHandler["message"],
  opts: { budget?: BufferBudget; limits?: Partial<ConnectionLimits> } = {},
) {
  const t = new FakeTransport();
  const failures: unknown[] = [];
  const conn = new MessageConnection(
    t,
    {
      message,
      oversize: (n) => `oversize ${n}`,
      overBudget: (n) => `over budget ${n}`,
      failed: (err) => failures.push(err),
    },
    { ...LIMITS, ...opts.limits },
    opts.budget ?? new BufferBudget(1 << 20),
    () => 0,
  );
  return { t, conn, failures };
}

Deno.test("MessageConnection decodes a character split across reads and answers in order", () => {
  const { t, conn } = setup((text) => `got ${text}`);
  const bytes = enc.encode('{"n":"é✓"}\n{"n":2}\n');
  for (const b of bytes) conn.receive(Uint8Array.of(b));
  assert.deepEqual(t.lines, ['got {"n":"é✓"}', 'got {"n":2}']);
});

Deno.test("MessageConnection writes a run of synchronous replies at once", () => {
  const { t, conn } = setup((text) => text === "skip" ? null : `r${text}`);
  conn.receive(enc.encode("1\nskip\n2\n3\n"));
  assert.deepEqual(t.written, ["r1\nr2\nr3\n"]);
});

Deno.test("MessageConnection answers -32603 when a handler throws or rejects, and goes on", async () => {
  let n = 0;
  const { t, conn, failures } = setup((text) => {
    n++;
    if (text.includes('"a"')) throw new TypeError("boom");
    if (text.includes('"b"')) return Promise.reject(new Error("late boom"));
    return "fine";
  });
  conn.receive(enc.encode('{"id":"a"}\n{"id":9007199254740993,"b":1}\n{"id":3}\n'));
  for (let i = 0; i < 10 && t.lines.length < 3; i++) await Promise.resolve();
  const [a, b, c] = t.lines;
  assert.equal(JSON.parse(a).error.code, -32603);
  assert.equal(JSON.parse(a).id, "a");
  assert.match(b, /"id":9007199254740993\}$/);
  assert.equal(c, "fine");
  assert.equal(failures.length, 2);
  assert.equal(n, 3);
  assert.equal(conn.isBusy, false);
});

Deno.test("MessageConnection stops reading while requests queue behind a slow one", async () => {
  let release: () => void = () => {};
  const slow = new Promise<string>((r) => release = () => r("slow done"));
  const { t, conn } = setup((text) => text === "slow" ? slow : `r${text}`);
  conn.receive(enc.encode("slow\n1\n2\n3\n"));
  assert.equal(t.paused, false, "3 queued is under the limit of 4");
  conn.receive(enc.encode("4\n5\n"));
  assert.equal(t.paused, true);
  assert.equal(conn.isReading, false);
  release();
  await slow;
  await Promise.resolve();
  assert.equal(t.paused, false);
  assert.deepEqual(t.lines, ["slow done", "r1", "r2", "r3", "r4", "r5"]);
});

Deno.test("MessageConnection stops serving and reading while its replies are not read", () => {
  const { t, conn } = setup((text) => `r${text}`);
  t.writableLength = 500;
  conn.receive(enc.encode("1\n2\n"));
  assert.deepEqual(t.written, []);
  assert.equal(t.paused, true);
  t.writableLength = 0;
  conn.writable();
  assert.deepEqual(t.lines, ["r1", "r2"]);
  assert.equal(t.paused, false);
});

Deno.test("MessageConnection hands over big replies mid-run and stops while they are unsent", () => {
  // Each reply is 60 bytes: two pass the 100-byte limit.
  const { t, conn } = setup((text) => `r${text}`.padEnd(60, "."));
  let held = 0;
  t.write = (text) => {
    t.written.push(text);
    t.writableLength = held;
    return held === 0;
  };
  conn.receive(enc.encode("1\n2\n3\n4\n5\n"));
  // The transport took them at once: the run went on, two replies per write.
  assert.equal(t.lines.length, 5);
  assert.equal(t.written.length, 3);
  held = 500; // now the peer stops reading
  conn.receive(enc.encode("6\n7\n8\n"));
  assert.equal(t.lines.length, 7, "two more replies, then it waits");
  assert.equal(t.paused, true);
  held = 0;
  t.writableLength = 0;
  conn.writable();
  assert.equal(t.lines.length, 8);
  assert.equal(t.paused, false);
});

Deno.test("MessageConnection drops an unfinished line the shared budget cannot hold", () => {
  const budget = new BufferBudget(64);
  const a = setup((text) => `a${text}`, { budget });
  const b = setup((text) => `b${text}`, { budget });
  a.conn.receive(enc.encode("x".repeat(40)));
  assert.equal(budget.used, 40);
  b.conn.receive(enc.encode("y".repeat(40)));
  assert.deepEqual(b.t.lines, ["over budget 40"]);
  assert.equal(budget.used, 40, "the dropped line is not held");
  b.conn.receive(enc.encode("yyy\n1\n"));
  assert.deepEqual(b.t.lines, ["over budget 40", "b1"], "the rest of the dropped line is skipped");
  a.conn.dispose();
  assert.equal(budget.used, 0);
  assert.equal(a.t.destroyed, true);
});

Deno.test("MessageConnection answers an over-long line and ends after the peer does", () => {
  const { t, conn } = setup((text) => `r${text}`, { limits: { maxMessageBytes: 8 } });
  conn.receive(enc.encode("123456789012\n1\n2"));
  conn.endOfInput();
  assert.deepEqual(t.lines, ["oversize 12", "r1", "r2"]);
  assert.equal(t.ended, true);
});

Deno.test("closeAfterReplies() answers nothing queued behind it", () => {
  const { t, conn } = setup((text) => {
    if (text === "bye") conn.closeAfterReplies();
    return `r${text}`;
  });
  conn.receive(enc.encode("1\nbye\n2\n3\n"));
  assert.deepEqual(t.lines, ["r1", "rbye"]);
  assert.equal(t.ended, true);
});

Deno.test("MessageConnection hands each message to `early` as it is read, ahead of the queue", async () => {
  const t = new FakeTransport();
  let release: (r: string) => void = () => {};
  const seenEarly: string[] = [];
  const conn: MessageConnection = new MessageConnection(
    t,
    {
      message: (text) => text === "slow" ? new Promise((r) => release = r) : `ran ${text}`,
      oversize: (n) => `oversize ${n}`,
      overBudget: (n) => `over budget ${n}`,
      failed: () => {},
      early: (text) => {
        seenEarly.push(text);
        if (!text.startsWith("drop ")) return undefined;
        const target = text.slice(5);
        const found = conn.answerQueued(target, (q) => q, (q) => `dropped ${q}`);
        return `drop ${target}: ${found}`;
      },
    },
    LIMITS,
    new BufferBudget(1 << 20),
    () => 0,
  );
  conn.receive(enc.encode("slow\na\nb\ndrop b\ndrop zz\n"));
  assert.deepEqual(seenEarly, ["slow", "a", "b", "drop b", "drop zz"], "seen while slow runs");
  release("slow done");
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(t.lines, [
    "slow done",
    "ran a",
    "dropped b",
    "drop b: true",
    "drop zz: false",
  ], "the queued message never ran, and every answer kept its place");
});
