/**
 * Logs with LogTape: JSON lines (text when stderr is a terminal), level from the config and
 * reloadable, size-based rotation for the log file.
 */
import {
  configure,
  getJsonLinesFormatter,
  getLogger,
  getTextFormatter,
  type Logger,
  type LogLevel,
} from "@logtape/logtape";
import { closeSync, mkdirSync, openSync } from "node:fs";
import type { Config } from "./config.ts";
import { dirname } from "node:path";
import process from "node:process";
import {
  accessLine,
  type BatchingSink,
  batchingSink,
  fastJsonLines,
  type LineTarget,
  rotatingFileTarget,
  stderrTarget,
} from "./log_sink.ts";

/** How logging is set up. */
export interface LogSettings {
  level: LogLevel;
  /** Log file path; null logs to stderr. */
  file: string | null;
  format: "auto" | "json" | "text";
  maxBytes: number;
  maxFiles: number;
}

/** The log settings of a config. */
export function logSettings(config: Pick<Config, "log">): LogSettings {
  const { level, file, format, max_bytes, max_files } = config.log;
  return { level, file, format, maxBytes: max_bytes, maxFiles: max_files };
}

/** Returns the logger of a category under "goxel". */
export function logger(...category: string[]): Logger {
  return getLogger(["goxel", ...category]);
}

/** The installed sink, and whether it writes JSON lines (then access lines go to it directly). */
let live: { sink: BatchingSink; json: boolean } | null = null;
let exitHooked = false;

/**
 * Logs a request's access line (info level, logger `goxel.<category>`), formatted only when its
 * batch is written; false when logging is not JSON lines (the caller then logs it through
 * LogTape). The caller checks the level.
 */
export function logAccess(
  category: string,
  method: string,
  ms: number,
  code: number | undefined,
): boolean {
  if (!live?.json) return false;
  live.sink.push(accessLine(`goxel.${category}`, method, ms, code));
  return true;
}

/** (Re)configures logging; also reopens the log file (SIGUSR2, reload). */
export async function setupLogging(settings: LogSettings): Promise<void> {
  const text = settings.format === "text" ||
    (settings.format === "auto" && !settings.file && process.stderr.isTTY === true);
  const formatter = text
    ? getTextFormatter({ timestamp: "date-time" })
    : fastJsonLines(getJsonLinesFormatter());
  // A log that cannot be written (disk full) must not stop the daemon: say so on stderr, once.
  const where = settings.file ?? "stderr";
  const report = (what: string) => (err: unknown) => {
    try {
      process.stderr.write(`goxel: cannot ${what} ${where}: ${(err as Error).message}\n`);
    } catch { /* nowhere left to say it */ }
  };
  const onError = report("write the log to");
  let target: LineTarget;
  if (settings.file) {
    try {
      mkdirSync(dirname(settings.file), { recursive: true });
      // Opened now, not at the first line: a log that cannot be written stops the start (or
      // the reload) with a message, instead of every line going nowhere.
      closeSync(openSync(settings.file, "a", 0o600));
    } catch (err) {
      throw new Error(`Cannot open the log file "${settings.file}": ${(err as Error).message}`);
    }
    target = rotatingFileTarget(
      settings.file,
      settings.maxBytes,
      settings.maxFiles,
      report("rotate the log (it grows past log.max_bytes meanwhile):"),
    );
  } else target = stderrTarget((t) => process.stderr.write(t));
  const sink = batchingSink((record) => formatter(record) as string, target, undefined, onError);
  await configure({
    reset: true,
    sinks: { main: sink },
    loggers: [
      { category: ["goxel"], lowestLevel: settings.level, sinks: ["main"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["main"] },
    ],
  });
  live = { sink, json: !text };
  // Lines still pending when the process exits (a failed start, process.exit) are written then:
  // LogTape's own exit handler reaches the sinks only after an await, too late.
  if (!exitHooked) {
    exitHooked = true;
    process.once("exit", () => live?.sink.flush());
  }
}
