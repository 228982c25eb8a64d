/**
 * Logs with LogTape: JSON lines (text when stderr is a terminal), level from the config and
 * reloadable, size-based rotation for the log file.
 */
import { getRotatingFileSink } from "@logtape/file";
import {
  configure,
  getJsonLinesFormatter,
  getLogger,
  getTextFormatter,
  type Logger,
  type LogLevel,
  type LogRecord,
  type Sink,
} from "@logtape/logtape";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import process from "node:process";

/** How logging is set up. */
export interface LogSettings {
  level: LogLevel;
  /** Log file path; null logs to stderr. */
  file: string | null;
  format: "auto" | "json" | "text";
  maxBytes: number;
  maxFiles: number;
}

/** Returns the logger of a category under "goxel". */
export function logger(...category: string[]): Logger {
  return getLogger(["goxel", ...category]);
}

/**
 * A sink that formats each record at once but writes to stderr in batches: when 64 KiB piled
 * up, 100 ms after the first pending line, or at once for warnings and errors.
 */
function bufferedStderr(format: (record: LogRecord) => string): Sink {
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
    process.stderr.write(text);
  };
  process.once("exit", flush);
  return (record: LogRecord) => {
    const text = format(record);
    parts.push(text);
    size += text.length;
    if (
      size >= 65536 || record.level === "warning" || record.level === "error" ||
      record.level === "fatal"
    ) flush();
    else if (!timer) {
      timer = setTimeout(flush, 100);
      (timer as { unref?: () => void }).unref?.();
    }
  };
}

/** (Re)configures logging; also reopens the log file (SIGUSR2, reload). */
export async function setupLogging(settings: LogSettings): Promise<void> {
  const text = settings.format === "text" ||
    (settings.format === "auto" && !settings.file && process.stderr.isTTY === true);
  const formatter = text ? getTextFormatter({ timestamp: "date-time" }) : getJsonLinesFormatter();
  let sink: Sink;
  if (settings.file) {
    mkdirSync(dirname(settings.file), { recursive: true });
    sink = getRotatingFileSink(settings.file, {
      maxSize: settings.maxBytes,
      maxFiles: settings.maxFiles,
      formatter,
      // Lines are written in batches (one write per 64 KiB or 100 ms), never one per request.
      bufferSize: 65536,
      flushInterval: 100,
    }) as Sink;
  } else {
    sink = bufferedStderr((record) => formatter(record) as string);
  }
  await configure({
    reset: true,
    sinks: { main: sink },
    loggers: [
      { category: ["goxel"], lowestLevel: settings.level, sinks: ["main"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["main"] },
    ],
  });
}
