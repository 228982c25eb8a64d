/**
 * The file operations the journal uses, behind one small interface so tests can inject
 * failures (a failing disk) and observe fsyncs (the order of fsyncs and replies). The default
 * is node:fs; `GOXEL_JOURNAL_TEST_SHIM` (JSON, tests only) wraps it.
 */
import fs from "node:fs";

/** The journal's view of the file system. */
export interface JournalFs {
  openAppend(path: string): number;
  /** The file's size in bytes. */
  size(fd: number): number;
  write(fd: number, bytes: Uint8Array): void;
  truncate(fd: number, size: number): void;
  /** `note` names what the fsync makes durable ("p1:42"), for the test shim's log. */
  fsync(fd: number, note: string): Promise<void>;
  fsyncSync(fd: number, note: string): void;
  close(fd: number): void;
}

/** The real file system. */
export const nodeJournalFs: JournalFs = {
  openAppend: (path) =>
    fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o600),
  size: (fd) => fs.fstatSync(fd).size,
  write(fd, bytes) {
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
  },
  truncate: (fd, size) => fs.ftruncateSync(fd, size),
  fsync: (fd) =>
    new Promise((resolve, reject) => fs.fsync(fd, (err) => err ? reject(err) : resolve())),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  close: (fd) => fs.closeSync(fd),
};

/** Test shim settings (see docs/journal.md, "Testing"). */
interface ShimSettings {
  /** Every completed fsync appends "fsync <project>:<seq>" here, before replies waiting on it. */
  fsyncLog?: string;
  /** Delay added to every fsync, in ms (makes ordering bugs visible). */
  fsyncDelayMs?: number;
  /** While this file exists, journal writes fail with EIO. */
  failWritesWhileExists?: string;
}

/** Returns the file layer: node:fs, wrapped by the test shim when `shim` (JSON) is given. */
export function journalFs(shim: string | undefined): JournalFs {
  if (!shim) return nodeJournalFs;
  const s = JSON.parse(shim) as ShimSettings;
  const base = nodeJournalFs;
  return {
    ...base,
    write(fd, bytes) {
      if (s.failWritesWhileExists && fs.existsSync(s.failWritesWhileExists)) {
        // Half the record reaches the file, as a full disk would leave it.
        base.write(fd, bytes.subarray(0, bytes.length >> 1));
        throw Object.assign(new Error("EIO: injected write failure"), { code: "EIO" });
      }
      base.write(fd, bytes);
    },
    async fsync(fd, note) {
      if (s.fsyncDelayMs) await new Promise((r) => setTimeout(r, s.fsyncDelayMs));
      await base.fsync(fd, note);
      if (s.fsyncLog) fs.appendFileSync(s.fsyncLog, `fsync ${note}\n`);
    },
    fsyncSync(fd, note) {
      base.fsyncSync(fd, note);
      if (s.fsyncLog) fs.appendFileSync(s.fsyncLog, `fsync ${note}\n`);
    },
  };
}

/**
 * Removes a closed project's directory. A checkpoint being written into it can make the
 * removal fail (ENOTEMPTY); that checkpoint removes the directory when it ends.
 */
export function removeDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // See above.
  }
}

/**
 * Opens a journal file for appending and returns its descriptor, its header written. A file an
 * earlier session left holding only its header (a session without edits, a checkpoint with none
 * after it) is taken as it is: a second header after the first read as damage at the next start
 * and lost the edits after it. One cut inside its header, or with an older version's header, is
 * started again; one holding records is refused. On failure the descriptor is closed and a file this call created is removed.
 */
export function openJournalFile(files: JournalFs, path: string, header: Uint8Array): number {
  const fd = files.openAppend(path);
  let created = false;
  try {
    const size = files.size(fd);
    if (size > header.length) {
      throw new Error(`${path} already holds records (a journal is never appended to twice)`);
    }
    // A header-only file of an older format version gets this version's header: records of
    // this version under an older header would be misread by that version's reader.
    const stale = size === header.length && !fs.readFileSync(path).equals(header);
    if (size < header.length || stale) {
      created = size === 0;
      if (size > 0) files.truncate(fd, 0);
      files.write(fd, header);
    }
    return fd;
  } catch (err) {
    files.close(fd);
    if (created) fs.rmSync(path, { force: true });
    throw err;
  }
}
