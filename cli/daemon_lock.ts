/**
 * Whether a daemon serves a socket, and which process it is, told by the single-instance lock it
 * holds (daemon/runtime_files.ts acquireLock) rather than by the pid file: a lock cannot outlive
 * its process, while a pid file left by a crash may name a pid reused by anything.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import process from "node:process";

/** The abstract socket a daemon binds on Linux as its lock (same name as acquireLock's). */
export function lockName(socket: string): string {
  return `\0goxel-lock:${socket}`;
}

/** The lock file a daemon holds elsewhere (same path as acquireLock's). */
export function lockFile(socket: string): string {
  return `${socket}.lock`;
}

/**
 * True while a daemon holds the lock for a socket. On Linux it connects to the abstract lock
 * socket: the kernel accepts for a live holder even when it is frozen, and refuses once it is
 * gone. An answer it cannot read (a full backlog, a time-out) counts as held: that is the side on
 * which callers do nothing rash.
 */
export async function isLockHeld(socket: string, timeoutMs = 1000): Promise<boolean> {
  if (process.platform !== "linux") {
    const pid = readPidFile(lockFile(socket));
    return pid !== null && isAlive(pid);
  }
  const { default: net } = await import("node:net");
  return await new Promise<boolean>((resolve) => {
    const s = net.connect(lockName(socket));
    const done = (held: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(held);
    };
    const timer = setTimeout(() => done(true), timeoutMs);
    s.once("connect", () => done(true));
    s.once("error", (err: Error & { code?: string }) => done(err.code !== "ECONNREFUSED"));
  });
}

/**
 * Whether the process `pid` holds the lock for `socket`: true or false, or null when this user
 * may not look (another user's process). On Linux: one of its descriptors is the lock socket.
 */
export function holdsLock(pid: number, socket: string): boolean | null {
  if (process.platform !== "linux") return readPidFile(lockFile(socket)) === pid;
  const inodes = lockInodes(socket);
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === "EACCES" || code === "EPERM" ? null : false;
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m && inodes.has(m[1])) return true;
  }
  return false;
}

/** Inodes of the sockets named like the lock (the listener and any accepted probes). */
function lockInodes(socket: string): Set<string> {
  const want = `@goxel-lock:${socket}`;
  const found = new Set<string>();
  let table: string;
  try {
    table = readFileSync("/proc/net/unix", "utf8");
  } catch {
    return found;
  }
  for (const line of table.split("\n")) {
    // "Num: RefCount Protocol Flags Type St Inode Path"; the path may contain spaces.
    const m = /^\s*\S+: \S+ \S+ \S+ \S+ \S+ (\d+) (.*)$/.exec(line);
    if (m && m[2] === want) found.add(m[1]);
  }
  return found;
}

/** The command line of a process (empty when it is gone or this user may not read it). */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
  } catch {
    return [];
  }
}

/**
 * When a process started (clock ticks since boot, from /proc), or null without /proc. A pid and
 * its start time name one process: a pid reused by another process has another start time.
 */
export function startTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) S ppid …": comm may hold spaces and parentheses; starttime is field 22.
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
}

/** Reads a pid file; null when it is missing or does not hold a pid. */
export function readPidFile(path: string): number | null {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * True while a process exists and has not exited. A daemon started detached is reparented to
 * PID 1, and until PID 1 reaps it an exited daemon is a zombie that `kill(pid, 0)` still finds
 * (for over a second under some init processes), so on Linux its state is read as well.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
  return !isZombie(pid);
}

/** True when /proc says the process has exited and waits to be reaped (false without /proc). */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  return stat.charAt(stat.lastIndexOf(")") + 2) === "Z";
}
