/** `goxel status`: whether the daemon runs and answers, bounded in time (exit 0, 1 or 3). */
import { socketSiblings } from "../protocol/paths.ts";
import { NotRunningError, type RpcClient } from "./client.ts";
import { holdsLock, isLockHeld, readPidFile } from "./daemon_lock.ts";
import { EXIT } from "./errors.ts";
import type { Output } from "./output.ts";
import { callWithin, connect, NotAnsweringError } from "./socket.ts";

/** How long a lifecycle command waits for the daemon's answer before calling it not answering. */
export const ANSWER_MS = 3000;

/**
 * Prints the daemon's status and health. Not running: exit 3. Running but unhealthy, or holding
 * its lock without answering (frozen, stuck, still starting): exit 1.
 */
export async function showStatus(out: Output, socket: string, json: boolean): Promise<void> {
  let client: RpcClient;
  try {
    client = await connect(socket, ANSWER_MS);
  } catch (err) {
    if (!(err instanceof NotRunningError)) throw err;
    if (await isLockHeld(socket)) {
      const why = "it holds its lock, but its socket takes no connections (starting or stopping?)";
      return reportNotAnswering(out, socket, json, why);
    }
    if (json) out.json({ running: false, socket });
    else out.line(`goxel is not running on ${socket}`);
    out.exitCode = EXIT.NOT_RUNNING;
    return;
  }
  try {
    const [status, health] = await Promise.all([
      callWithin(client, socket, ANSWER_MS, "goxel.status"),
      callWithin(client, socket, ANSWER_MS, "goxel.health_check"),
    ]);
    printStatus(out, socket, json, status as Status, health as Record<string, unknown>);
  } catch (err) {
    if (err instanceof NotAnsweringError) {
      return reportNotAnswering(out, socket, json, err.message);
    }
    out.error(`The daemon on ${socket} does not answer properly: ${(err as Error).message}`);
    out.exitCode = EXIT.FAILURE;
  } finally {
    client.close();
  }
}

type Status = Record<string, unknown>;

function printStatus(
  out: Output,
  socket: string,
  json: boolean,
  s: Status,
  h: Record<string, unknown>,
): void {
  const healthy = h.daemon_status === "healthy";
  if (!healthy) out.exitCode = EXIT.FAILURE;
  if (json) return out.json({ running: true, healthy, ...s, health: h });
  out.line(`goxel ${s.version} is running (pid ${s.pid}) on ${socket}`);
  const rss = Number((s.memory as { rss_bytes?: number })?.rss_bytes ?? 0);
  out.line(
    `  uptime ${s.uptime_seconds} s, ${s.projects ?? 0} project(s), ` +
      `${s.connections} connection(s), rss ${Math.round(rss / 1048576)} MiB, ` +
      (healthy ? "healthy" : `UNHEALTHY: ${h.daemon_status}`),
  );
  for (const text of recoveryLines(s)) out.line(text);
}

/** A daemon holds its lock but does not answer: unhealthy (exit 1), with its pid when known. */
function reportNotAnswering(out: Output, socket: string, json: boolean, why: string): void {
  const pid = readPidFile(socketSiblings(socket).pidFile);
  const known = pid !== null && holdsLock(pid, socket) !== false ? pid : null;
  out.exitCode = EXIT.FAILURE;
  if (json) {
    out.json({ running: true, healthy: false, answering: false, pid: known, socket, error: why });
    return;
  }
  out.line(`goxel is running${known ? ` (pid ${known})` : ""} on ${socket} but is not answering`);
  out.line(`  UNHEALTHY: ${why}`);
}

/** Lines about the journal and what recovery restored (warnings for damaged projects). */
export function recoveryLines(s: Status): string[] {
  const r = s.recovery as
    | {
      projects_restored: number;
      records_replayed: number;
      ms: number;
      read_only: { project: string; reason: string; moved_to: string }[];
      failed: { dir: string; reason: string; moved_to?: string | null }[];
    }
    | null
    | undefined;
  const lines = [`  durability ${s.durability ?? "?"}, data in ${s.data_dir ?? "?"}`];
  if (!r) return lines;
  lines.push(
    `  recovered ${r.projects_restored} project(s), ${r.records_replayed} journal record(s) in ${r.ms} ms`,
  );
  // A read-only project keeps its files and a copy goes aside (`moved_to` is the wire's old
  // name); a project that could not be recovered at all is moved aside.
  for (const p of r.read_only) {
    lines.push(
      `  WARNING: project ${p.project} is read-only: ${p.reason} (files copied to ${p.moved_to})`,
    );
  }
  for (const f of r.failed) {
    const where = f.moved_to ? ` (files moved to ${f.moved_to})` : "";
    lines.push(`  WARNING: could not recover ${f.dir}: ${f.reason}${where}`);
  }
  return lines;
}
