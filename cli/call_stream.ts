/**
 * `goxel call -`: NDJSON requests from stdin are sent as they arrive (pipelined) and every reply
 * is printed. Lines are framed by bytes like the daemon frames them, and relative file paths in
 * them resolve against the caller's directory, as in every other call form. Like `goxel call
 * METHOD`, it fails (exit 1) when any reply carries an error, after printing every reply.
 */
import { type FrameEvent, NdjsonDecoder } from "../protocol/framing.ts";
import { METHOD_INDEX } from "../protocol/method_index.ts";
import { methodResolver, resolvePathParams } from "../protocol/method_lookup.ts";
import { needsRawId, rawIds } from "../protocol/raw_ids.ts";
import type { RpcClient } from "./client.ts";
import { CliError } from "./errors.ts";
import type { Output } from "./output.ts";

const findEntry = methodResolver(METHOD_INDEX);

/**
 * Sends every request read from `input` and prints the replies; resolves after the last one and
 * throws a CliError naming how many replies carried an error, if any did.
 */
export async function streamRequests(
  client: RpcClient,
  out: Output,
  input: AsyncIterable<Uint8Array | string>,
  resolvePath: (path: string) => string,
): Promise<void> {
  let pending = 0, ended = false, replies = 0, failed = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => done = r);
  client.onUnmatched = (line) => {
    out.line(line);
    replies++;
    failed += errorsIn(line);
    pending--;
    if (ended && pending <= 0) done();
  };
  let closed = false;
  client.onClose = () => {
    closed = true;
    done();
  };
  const decoder = new NdjsonDecoder({ maxMessageBytes: Number.MAX_SAFE_INTEGER });
  const send = (events: FrameEvent[]) => {
    for (const ev of events) {
      if (ev.kind === "message") pending += sendLine(client, ev.text, resolvePath);
    }
  };
  for await (const chunk of input) {
    send(decoder.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk));
  }
  send(decoder.end());
  ended = true;
  if (pending > 0 && !closed) await finished;
  if (closed && pending > 0) {
    throw new CliError(`The daemon closed the connection with ${pending} request(s) unanswered`);
  }
  if (failed > 0) {
    throw new CliError(`${failed} of ${replies} replies carried an error`);
  }
}

/** Counts the error responses in one reply line (a batch's reply counts each of its members). */
function errorsIn(line: string): number {
  if (!line.includes('"error"')) return 0;
  let reply: unknown;
  try {
    reply = JSON.parse(line);
  } catch {
    return 0;
  }
  const isError = (r: unknown) => r !== null && typeof r === "object" && "error" in r;
  return Array.isArray(reply) ? reply.filter(isError).length : isError(reply) ? 1 : 0;
}

/** Sends one request line; returns how many replies it will get (0 or 1). */
function sendLine(client: RpcClient, text: string, resolvePath: (p: string) => string): number {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    client.writeRaw(text + "\n");
    return 1;
  }
  client.writeRaw(withPaths(text, msg, resolvePath) + "\n");
  // Only a request object without an id is a notification; anything else is answered.
  const answered = (m: unknown) =>
    !(m !== null && typeof m === "object" && !Array.isArray(m)) || "id" in m;
  if (Array.isArray(msg)) return msg.length === 0 || msg.some(answered) ? 1 : 0;
  return answered(msg) ? 1 : 0;
}

/** Returns the line with relative file paths resolved; unchanged text when there are none. */
function withPaths(text: string, msg: unknown, resolvePath: (p: string) => string): string {
  const list = Array.isArray(msg) ? msg : [msg];
  let changed = false;
  const fixed = list.map((m) => {
    if (m === null || typeof m !== "object" || typeof m.method !== "string") return m;
    const entry = findEntry(m.method, { conformance: true });
    if (!entry || m.params === undefined) return m;
    const params = resolvePathParams(entry, m.params, resolvePath);
    if (params === m.params) return m;
    changed = true;
    return { ...m, params };
  });
  if (!changed) return text;
  // Re-encoding would round ids beyond 2^53: put their source text back.
  const ids = rawIds(text);
  const marks: string[] = [];
  const out = fixed.map((m, i) => {
    if (m === null || typeof m !== "object" || !needsRawId(m.id) || ids[i] === undefined) return m;
    marks.push(ids[i]!);
    return { ...m, id: `\u0000id${marks.length - 1}\u0000` };
  });
  let json = JSON.stringify(Array.isArray(msg) ? out : out[0]);
  marks.forEach((raw, i) => json = json.replace(`"\\u0000id${i}\\u0000"`, raw));
  return json;
}
