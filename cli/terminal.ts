/**
 * Whether a descriptor is a terminal, without loading node:tty where it can be told otherwise:
 * node:tty loads the socket streams, ~2.4 ms of a compiled `goxel call`'s start-up. On Linux the
 * descriptor's /proc link names what it is (a pipe, a socket, a file, /dev/null or a terminal
 * device); anything else, or no /proc, asks isatty.
 */
import { readlinkSync } from "node:fs";
import process from "node:process";

export function isTerminal(fd: number): boolean {
  let target: string;
  try {
    target = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return isatty(fd);
  }
  if (/^\/dev\/(pts\/\d+|tty[^/]*|console)$/.test(target)) return true;
  if (/^(pipe|socket|anon_inode):/.test(target) || target === "/dev/null") return false;
  if (target.startsWith("/") && !target.startsWith("/dev/")) return false;
  return isatty(fd);
}

function isatty(fd: number): boolean {
  const tty = process.getBuiltinModule("node:tty") as typeof import("node:tty");
  return tty.isatty(fd);
}
