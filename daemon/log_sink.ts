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

/** A sink formatting each record at once and writing them to `target` in batches. */
export function batchingSink(
  format: (record: LogRecord) => string,
  target: LineTarget,
  options: BatchOptions = BATCH,
): Sink & Disposable {
  let parts: string[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!parts.length) return;
    const text = parts.join("");
    parts = [];
    size = 0;
    target.write(text);
  };
  const sink = (record: LogRecord) => {
    const text = format(record);
    parts.push(text);
    size += text.length;
    if (size >= options.bytes || URGENT.has(record.level)) flush();
    else if (!timer) {
      timer = setTimeout(flush, options.delayMs);
      (timer as { unref?: () => void }).unref?.();
    }
  };
  return Object.assign(sink, {
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
  let lastMs = NaN, lastStamp = "";
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
    if (record.timestamp !== lastMs) {
      lastMs = record.timestamp;
      lastStamp = JSON.stringify(new Date(lastMs).toISOString());
    }
    const level = record.level === "warning" ? "WARN" : record.level.toUpperCase();
    const line = `{"@timestamp":${lastStamp},"level":"${level}","message":${
      JSON.stringify(message)
    },"logger":${JSON.stringify(record.category.join("."))},"properties":${JSON.stringify(props)}}`;
    return ESCAPED.test(line) ? fallback(record) : line + "\n";
  };
}

/** Characters LogTape's formatter escapes after JSON.stringify. */
const ESCAPED = /[\u007f-\u009f]/;

function isPlain(value: unknown): boolean {
  const t = typeof value;
  return value === null || t === "string" || (t === "number" && Number.isFinite(value)) ||
    t === "boolean";
}
