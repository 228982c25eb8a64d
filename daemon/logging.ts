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
      bufferSize: 0,
    }) as Sink;
  } else {
    sink = (record: LogRecord) => {
      process.stderr.write(formatter(record) as string);
    };
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
