/**
 * Confines the file paths that MCP tools read or write to one workspace root: relative paths
 * resolve against it, and `..`, absolute paths outside it and symlinks leading out are refused.
 */
import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** A path was refused: it leads outside the workspace root or is malformed. */
export class PathRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathRefusedError";
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** Resolves symlinks of the longest existing prefix of `path` (the rest may not exist yet). */
function realPathOfPrefix(path: string): string {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(basename(current));
      current = parent;
    }
  }
}

/** The workspace root of `goxel mcp`. */
export class WorkspaceRoot {
  readonly dir: string;
  readonly #real: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.#real = realPathOfPrefix(this.dir);
  }

  /** Returns the absolute path `path` names inside the root, or throws PathRefusedError. */
  resolve(path: string): string {
    if (path.includes("\0")) throw new PathRefusedError("Refused path: it contains a NUL byte");
    if (path.trim() === "") throw new PathRefusedError("Refused path: it is empty");
    const full = resolve(this.dir, path);
    if (!isInside(this.dir, full)) {
      throw new PathRefusedError(
        `Refused path "${path}": it is outside the workspace root ${this.dir} ` +
          "(goxel mcp --root DIR sets the root)",
      );
    }
    if (!isInside(this.#real, realPathOfPrefix(full))) {
      throw new PathRefusedError(
        `Refused path "${path}": a symbolic link leads outside the workspace root ${this.dir}`,
      );
    }
    return full;
  }
}
