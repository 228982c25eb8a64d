/**
 * Log sinks: lines are written in batches (when 64 KiB piled up, 100 ms after the first pending
 * line, or at once for warnings and worse), to stderr or to a size-rotated file, never with a
 * write per request and never with an fsync. And a JSON-lines formatter with LogTape's output
 * that skips its replacer-driven serialisation for the common record (flat primitive fields).
 */
import type { LogRecord, Sink } from "@logtape/logtape";
import { closeSync, fstatSync, openSync, renameSync, writeSync } from "node:fs";

/** Where batches go. */
export interface LineTarget {
  write(text: string): void;
  close(): void;
}

/** Batching options (tests shorten them). */
export interface BatchOptions {
  bytes: number;
  delayMs: number;
}

const BATCH: BatchOptions = { bytes: 65536, delayMs: 100 };

/** A line formatted only when its batch is written. */
export interface LazyLine {
  /** Roughly how many bytes it will take (for the batch size). */
  readonly size: number;
  line(): string;
}

/** A LogTape sink that also takes lazy lines (`push`), both written in batches. */
export interface BatchingSink extends Sink, Disposable {
  push(line: LazyLine): void;
}

/** A sink formatting each record at once and writing them to `target` in batches. */
export function batchingSink(
  format: (record: LogRecord) => string,
  target: LineTarget,
  options: BatchOptions = BATCH,
): BatchingSink {
  let parts: (string | LazyLine)[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!parts.length) return;
    let text = "";
    for (const part of parts) text += typeof part === "string" ? part : part.line();
    parts = [];
    size = 0;
    target.write(text);
  };
  const add = (part: string | LazyLine, bytes: number, urgent: boolean) => {
    parts.push(part);
    size += bytes;
    if (size >= options.bytes || urgent) flush();
    else if (!timer) {
      timer = setTimeout(flush, options.delayMs);
      (timer as { unref?: () => void }).unref?.();
    }
  };
  const sink = (record: LogRecord) => {
    const text = format(record);
    add(text, text.length, URGENT.has(record.level));
  };
  return Object.assign(sink, {
    push: (line: LazyLine) => add(line, line.size, false),
    [Symbol.dispose]() {
      flush();
      target.close();
    },
  });
}

const URGENT = new Set(["warning", "error", "fatal"]);

/** Writes to stderr (left open when the sink is replaced). */
export function stderrTarget(write: (text: string) => void): LineTarget {
  return { write, close() {} };
}

/**
 * Appends to `path`; before a batch would take it past `maxBytes`, the file is renamed to
 * `path.1` (older ones shift up) and a new one started, keeping at most `maxFiles` files.
 * The file is opened again on every setup, so SIGUSR2 after an external rotation starts a new one.
 */
export function rotatingFileTarget(path: string, maxBytes: number, maxFiles: number): LineTarget {
  let fd = openSync(path, "a", 0o600);
  let size = fstatSync(fd).size;
  const encoder = new TextEncoder();
  const rotate = () => {
    closeSync(fd);
    for (let i = maxFiles - 2; i >= 1; i--) {
      try {
        renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      } catch { /* not there yet */ }
    }
    if (maxFiles > 1) renameSync(path, `${path}.1`);
    fd = openSync(path, maxFiles > 1 ? "a" : "w", 0o600);
    size = 0;
  };
  return {
    write(text) {
      const bytes = encoder.encode(text);
      if (size > 0 && size + bytes.length > maxBytes) rotate();
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
      size += bytes.length;
    },
    close() {
      closeSync(fd);
    },
  };
}

/**
 * LogTape's default JSON-lines format (`getJsonLinesFormatter()`), byte for byte: records whose
 * message values and properties are strings, numbers, booleans or null are written here with
 * plain JSON.stringify and a timestamp string reused within a millisecond; anything else (errors,
 * objects, characters LogTape escapes) goes to `fallback`.
 */
export function fastJsonLines(fallback: (record: LogRecord) => string): (r: LogRecord) => string {
  return (record) => {
    const props = record.properties;
    for (const key in props) if (!isPlain(props[key])) return fallback(record);
    const parts = record.message;
    let message = parts[0] as string;
    for (let i = 1; i < parts.length; i++) {
      const part = parts[i];
      if (i % 2 === 0) message += part as string;
      else if (part === null || !isPlain(part)) return fallback(record);
      else message += JSON.stringify(part);
    }
    const level = record.level === "warning" ? "WARN" : record.level.toUpperCase();
    const line = jsonLine(record.timestamp, level, message, record.category.join("."), props);
    return ESCAPED.test(line) ? fallback(record) : line + "\n";
  };
}

let lastMs = NaN, lastStamp = "";

/** One JSON log line in LogTape's layout (without the newline); `props` must be plain. */
export function jsonLine(
  timestamp: number,
  level: string,
  message: string,
  logger: string,
  props: Record<string, unknown>,
): string {
  if (timestamp !== lastMs) {
    lastMs = timestamp;
    lastStamp = JSON.stringify(new Date(timestamp).toISOString());
  }
  return `{"@timestamp":${lastStamp},"level":"${level}","message":${
    JSON.stringify(message)
  },"logger":${JSON.stringify(logger)},"properties":${JSON.stringify(props)}}`;
}

/**
 * A request's access-log line, formatted when its batch is written: the line LogTape's JSON-lines
 * formatter gives `log.info("{method} ok in {ms} ms", { method, ms })` (or `failed with {code}`,
 * properties `{ method, code, ms }`) on logger `logger`.
 */
export function accessLine(
  logger: string,
  method: string,
  ms: number,
  code: number | undefined,
): LazyLine {
  const at = Date.now();
  return {
    size: 160 + method.length,
    line() {
      const m = JSON.stringify(method), t = JSON.stringify(ms);
      const line = code === undefined
        ? jsonLine(at, "INFO", `${m} ok in ${t} ms`, logger, { method, ms })
        : jsonLine(at, "INFO", `${m} failed with ${code} in ${t} ms`, logger, { method, code, ms });
      return line.replace(ESCAPED_ALL, escapeC1) + "\n";
    },
  };
}

/** LogTape's escape of the C1 control characters JSON.stringify leaves as they are. */
const escapeC1 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
const ESCAPED_ALL = /[\u007f-\u009f]/g;

/** Characters LogTape's formatter escapes after JSON.stringify. */
const ESCAPED = /[\u007f-\u009f]/;

function isPlain(value: unknown): boolean {
  const t = typeof value;
  return value === null || t === "string" || (t === "number" && Number.isFinite(value)) ||
    t === "boolean";
}
