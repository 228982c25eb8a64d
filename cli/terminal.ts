/**
 * Whether a descriptor is a terminal, without loading node:tty where it can be told otherwise:
 * node:tty loads the socket streams, ~2.4 ms of a compiled `goxel call`'s start-up. A pipe, a
 * socket or a file is not; a character device is /dev/null (not) or a terminal device, which on
 * Linux the descriptor's /proc link names; anything else asks isatty.
 */
import { fstatSync, readlinkSync } from "node:fs";
import process from "node:process";

export function isTerminal(fd: number): boolean {
  let target = "";
  try {
    const stat = fstatSync(fd);
    if (stat.isFIFO() || stat.isSocket() || stat.isFile() || stat.isDirectory()) return false;
    if (stat.isCharacterDevice()) target = readlinkSync(`/proc/self/fd/${fd}`);
  } catch { /* a closed descriptor, or no /proc: ask isatty */ }
  if (target === "/dev/null") return false;
  if (/^\/dev\/(pts\/\d+|tty[^/]*|console)$/.test(target)) return true;
  return isatty(fd);
}

function isatty(fd: number): boolean {
  const tty = process.getBuiltinModule("node:tty") as typeof import("node:tty");
  return tty.isatty(fd);
}
