/**
 * Gives the kernel back the clean, read-only, file-backed pages an idle daemon still maps.
 *
 * Start-up runs far more of the runtime's own code (parser, compilers, module loading) than an
 * idle daemon or a request needs: 33 MB of the compiled binary's text stays resident after it,
 * about 55 % of an idle daemon's RSS. Those pages are exact copies of the file, so asking the
 * kernel to drop them (`madvise(MADV_DONTNEED)`) loses nothing: the next use faults the page back
 * in from the page cache, as it would after the kernel reclaimed it under memory pressure (which
 * Android does to idle apps the same way). Only the executable's own mappings that are private, not
 * writable and hold no copied-on-write page are touched, so no byte anyone wrote is lost (and a
 * running executable cannot be rewritten in place: writing it fails with ETXTBSY).
 *
 * The call needs a foreign-function interface: Bun's `bun:ffi` is used when present (the compiled
 * binary); elsewhere (Deno, Node) this is a no-op.
 */
import { readFileSync, readlinkSync } from "node:fs";

/** One address range to release: `[start, end)`. */
export interface PageRange {
  start: bigint;
  end: bigint;
}

/** What a release did. */
export interface PageReleaseResult {
  ranges: number;
  bytes: number;
}

const MADV_DONTNEED = 4;
const HEADER = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ (\d+)\s*(.*)$/;

/**
 * Picks from `/proc/PID/smaps` text the ranges safe to release: mappings of `executable` that are
 * private (`p`), not writable, with `Anonymous: 0 kB` and `Swap: 0 kB` (no page was copied on
 * write, resident or swapped out, so every page equals the file's bytes: a copied page swapped out
 * counts under Swap only, and dropping it would bring back the file's bytes, e.g. unrelocated
 * pointers of the relro segment).
 */
export function releasableRanges(smaps: string, executable: string): PageRange[] {
  const ranges: PageRange[] = [];
  let current: { range: PageRange; fields: Map<string, string> } | null = null;
  const close = () => {
    const f = current?.fields;
    if (f && /^0 kB$/.test(f.get("Anonymous") ?? "") && /^0 kB$/.test(f.get("Swap") ?? "")) {
      ranges.push(current!.range);
    }
    current = null;
  };
  for (const line of smaps.split("\n")) {
    const header = HEADER.exec(line);
    if (header) {
      close();
      const [, start, end, perms, inode, path] = header;
      if (perms[1] === "-" && perms[3] === "p" && inode !== "0" && path === executable) {
        const range = { start: BigInt(`0x${start}`), end: BigInt(`0x${end}`) };
        current = { range, fields: new Map() };
      }
      continue;
    }
    const field = /^(\w+):\s+(.*)$/.exec(line);
    if (current && field) current.fields.set(field[1], field[2].trim());
  }
  close();
  return ranges;
}

type Madvise = (start: bigint, length: bigint, advice: number) => number;

interface BunFfi {
  dlopen(
    path: string,
    symbols: { madvise: { args: string[]; returns: string } },
  ): { symbols: { madvise: Madvise } };
}

/** libc's madvise, bound once (binding compiles a stub); null where it cannot be had. */
let madvise: Promise<Madvise | null> | null = null;

/**
 * Releases this process's clean file-backed pages (see the module comment). Returns null where
 * it cannot (no `/proc`, no `bun:ffi`, no glibc); never throws.
 */
export async function releaseCleanFilePages(): Promise<PageReleaseResult | null> {
  if (process.platform !== "linux" || !("Bun" in globalThis)) return null;
  const advise = await (madvise ??= bindMadvise());
  if (!advise) return null;
  // Read after every await: the mappings are those of this moment.
  let ranges: PageRange[];
  try {
    ranges = releasableRanges(
      readFileSync("/proc/self/smaps", "utf8"),
      readlinkSync("/proc/self/exe"),
    );
  } catch {
    return null;
  }
  const result: PageReleaseResult = { ranges: 0, bytes: 0 };
  for (const range of ranges) {
    if (advise(range.start, range.end - range.start, MADV_DONTNEED) !== 0) continue;
    result.ranges++;
    result.bytes += Number(range.end - range.start);
  }
  return result;
}

async function bindMadvise(): Promise<Madvise | null> {
  // A specifier in a variable: neither Deno's checker nor a bundler should try to resolve it.
  const specifier = "bun:ffi";
  try {
    const ffi = (await import(specifier)) as BunFfi;
    const lib = ffi.dlopen("libc.so.6", {
      madvise: { args: ["u64", "u64", "i32"], returns: "i32" },
    });
    return lib.symbols.madvise;
  } catch {
    return null;
  }
}
