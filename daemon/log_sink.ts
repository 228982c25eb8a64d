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
  /** Writes what is pending now (at exit). */
  flush(): void;
}

/**
 * A sink formatting each record at once and writing them to `target` in batches. Logging never
 * throws into its caller: a batch that cannot be written is dropped and `onError` told (once per
 * failing streak). Once disposed, it drops what it is given.
 */
export function batchingSink(
  format: (record: LogRecord) => string,
  target: LineTarget,
  options: BatchOptions = BATCH,
  onError: (err: unknown) => void = () => {},
): BatchingSink {
  let parts: (string | LazyLine)[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false, failing = false;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!parts.length) return;
    const batch = parts;
    parts = [];
    size = 0;
    try {
      let text = "";
      for (const part of batch) text += typeof part === "string" ? part : part.line();
      target.write(text);
      failing = false;
    } catch (err) {
      if (!failing) onError(err);
      failing = true;
    }
  };
  const add = (part: string | LazyLine, bytes: number, urgent: boolean) => {
    if (disposed) return;
    parts.push(part);
    size += bytes;
    if (size >= options.bytes || urgent) flush();
    else if (!timer) {
      timer = setTimeout(flush, options.delayMs);
      (timer as { unref?: () => void }).unref?.();
    }
  };
  const sink = (record: LogRecord) => {
    if (disposed) return;
    const text = format(record);
    add(text, text.length, URGENT.has(record.level));
  };
  return Object.assign(sink, {
    push: (line: LazyLine) => add(line, line.size, false),
    flush,
    [Symbol.dispose]() {
      if (disposed) return;
      flush();
      disposed = true;
      try {
        target.close();
      } catch (err) {
        onError(err);
      }
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
 * `path.1` (older ones shift up) and a new one started, keeping at most `maxFiles` files (with 1,
 * the file starts over). The file is opened at the first write, so a target made on reload
 * (SIGHUP, SIGUSR2) opens the path as it is after the previous sink's last batch, and a file
 * moved away (logrotate) is replaced. A rotation that fails (a file that cannot be renamed) is
 * reported once per failing streak through `onError` and the lines go on into the current file:
 * nothing is dropped and no older file is shifted.
 */
export function rotatingFileTarget(
  path: string,
  maxBytes: number,
  maxFiles: number,
  onError: (err: unknown) => void = () => {},
): LineTarget {
  let fd = -1;
  let size = 0;
  let rotationFailing = false;
  const encoder = new TextEncoder();
  const open = (truncate: boolean) => {
    fd = openSync(path, truncate ? "w" : "a", 0o600);
    size = fstatSync(fd).size;
  };
  const close = () => {
    if (fd < 0) return;
    const old = fd;
    fd = -1;
    closeSync(old);
  };
  // The current file is moved aside first: when that fails, nothing else has moved. The open
  // descriptor follows its file until the new one is opened.
  const rotate = () => {
    if (maxFiles > 1) {
      const aside = `${path}.rotating`;
      let moved = true;
      try {
        renameSync(path, aside);
      } catch (err) {
        if ((err as { code?: string }).code !== "ENOENT") throw err;
        moved = false; // moved away already (logrotate): just start a new file
      }
      for (let i = maxFiles - 2; i >= 1; i--) {
        try {
          renameSync(`${path}.${i}`, `${path}.${i + 1}`);
        } catch { /* not there yet */ }
      }
      if (moved) renameSync(aside, `${path}.1`);
    }
    close();
    open(maxFiles === 1);
  };
  const rotateOrCarryOn = () => {
    try {
      rotate();
      rotationFailing = false;
    } catch (err) {
      if (!rotationFailing) onError(err);
      rotationFailing = true;
      if (fd < 0) open(false);
    }
  };
  const writeAll = (bytes: Uint8Array, from: number, to: number) => {
    for (let at = from; at < to;) {
      const n = writeSync(fd, bytes, at, to - at);
      at += n;
      size += n;
    }
  };
  return {
    write(text) {
      if (fd < 0) open(false);
      const bytes = encoder.encode(text);
      // A batch is split at line ends so that no file grows past maxBytes (a single longer
      // line gets a file of its own).
      for (let at = 0; at < bytes.length;) {
        let end = bytes.length;
        if (size + end - at > maxBytes) {
          const room = Math.max(0, maxBytes - size);
          const cut = room > 0 ? bytes.lastIndexOf(10, at + room - 1) : -1;
          end = cut >= at ? cut + 1 : size > 0 ? at : bytes.indexOf(10, at) + 1 || bytes.length;
        }
        if (end === at) {
          rotateOrCarryOn();
          if (rotationFailing) end = bytes.length; // lines go on into the current file
          else continue;
        }
        writeAll(bytes, at, end);
        at = end;
      }
    },
    close,
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
