/** A dispatcher over a real handler table and an in-memory context (no sockets, no journal files). */
import { loadConfig } from "./config.ts";
import { ChangeHub } from "./changes.ts";
import type { DaemonContext } from "./context.ts";
import { type CallInfo, Dispatcher } from "./dispatch.ts";
import { createHandlers } from "./handlers/mod.ts";
import { testJournal } from "./journal_testing.ts";
import { Metrics } from "./metrics.ts";
import { ProjectRegistry } from "./projects.ts";

const CALL: CallInfo = { connectionId: 1, transport: "unix" };

/** A dispatcher with what it recorded. */
export interface Harness {
  dispatcher: Dispatcher;
  ctx: DaemonContext;
  metrics: Metrics;
  requests: [string, number | undefined][];
  bugs: [string, unknown][];
  /** Sends one message and returns the parsed reply (null when none is due). */
  send(message: unknown): Promise<unknown>;
}

export async function harness(options: { conformance?: boolean } = {}): Promise<Harness> {
  const metrics = new Metrics();
  const requests: [string, number | undefined][] = [];
  const bugs: [string, unknown][] = [];
  const projects = new ProjectRegistry(() => Date.now());
  const ctx = {
    config: await loadConfig({}),
    build: { version: "0.0.0-test", commit: "test", runtime: "deno" },
    conformance: options.conformance ?? true,
    projects,
    changes: new ChangeHub(projects, metrics),
    journal: testJournal("/nonexistent", "off"),
    onCommit() {},
    metrics,
    clock: () => Date.now(),
    startedAt: Date.now(),
    lastRequestAt: Date.now(),
    workspace: "/tmp",
    reload: () =>
      Promise.resolve({ changed: ["log.level"], applied: ["log.level"], restart_required: [] }),
    onRequest(method: string, _seconds: number, code: number | undefined) {
      requests.push([method, code]);
    },
    logBug(method: string, err: unknown) {
      bugs.push([method, err]);
    },
  } as unknown as DaemonContext;
  const dispatcher = new Dispatcher(ctx, createHandlers());
  const send = async (message: unknown) => {
    const text = typeof message === "string" ? message : JSON.stringify(message);
    const reply = await dispatcher.handleText(text, CALL);
    return reply === null ? null : JSON.parse(reply);
  };
  return { dispatcher, ctx, metrics, requests, bugs, send };
}
