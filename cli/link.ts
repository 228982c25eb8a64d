/**
 * The byte stream under RpcClient. In the compiled binary (Bun) it is Bun's native socket:
 * loading node:net costs ~2 ms of every `goxel call`'s start-up, a third of a bare runtime's
 * start. Elsewhere (Deno, Node) it is node:net, loaded only then. Both queue what the kernel
 * does not take yet, so a caller may write any amount without waiting.
 */
import { lstatSync, readFileSync } from "node:fs";
import process from "node:process";

/** Where to connect. */
export type Endpoint = { socket: string } | { host: string; port: number; token: string };

/** What a link reports; `close` comes once, however the connection ended. */
export interface LinkHandlers {
  data(chunk: Uint8Array): void;
  error(err: Error & { code?: string }): void;
  close(): void;
}

/** An open connection. */
export interface Link {
  /** Queues text; true when it all went to the kernel at once. */
  write(text: string): boolean;
  /**
   * Ends the connection once everything written was handed to the kernel (the close handler
   * follows); resolves then.
   */
  close(): Promise<void>;
}

/** The daemon could not be reached. */
export class NotRunningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotRunningError";
  }
}

/**
 * The socket is there but this user may not connect to it (EACCES/EPERM): the daemon may well be
 * running, so this is never "not running", and starting another one would not help.
 */
export class SocketPermissionError extends Error {
  /** A stable reason for callers that branch on it. */
  readonly reason = "permission_denied";
  /** The socket that was refused. */
  readonly path: string;
  constructor(path: string, options?: ErrorOptions) {
    super(`Cannot connect to goxel on ${path}: permission denied (${whyDenied(path)})`, options);
    this.name = "SocketPermissionError";
    this.path = path;
  }
}

/**
 * Opens a link; rejects with NotRunningError when nothing listens or it takes too long, and with
 * SocketPermissionError when this user may not connect.
 */
export async function openLink(
  endpoint: Endpoint,
  handlers: LinkHandlers,
  timeoutMs: number,
): Promise<Link> {
  const where = "socket" in endpoint ? endpoint.socket : `${endpoint.host}:${endpoint.port}`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new NotRunningError("Timed out connecting to the daemon"));
    }, timeoutMs);
  });
  const bun = (globalThis as { Bun?: BunNet }).Bun;
  const opening = bun ? openBun(bun, endpoint, handlers) : openNet(endpoint, handlers);
  // A link that opens after the time-out is closed rather than leaked.
  opening.then((link) => {
    if (timedOut) link.close();
  }, () => {});
  try {
    return await Promise.race([opening, timeout]);
  } catch (err) {
    if (err instanceof NotRunningError) throw err;
    const e = err as Error & { code?: string };
    if ("socket" in endpoint && (e.code === "EACCES" || e.code === "EPERM")) {
      throw new SocketPermissionError(endpoint.socket, { cause: err });
    }
    throw new NotRunningError(`goxel is not running on ${where} (${e.code ?? e.message})`);
  } finally {
    clearTimeout(timer);
  }
}

async function openNet(endpoint: Endpoint, h: LinkHandlers): Promise<Link> {
  const { default: net } = await import("node:net");
  const socket = "socket" in endpoint
    ? net.connect(endpoint.socket)
    : net.connect(endpoint.port, endpoint.host);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("data", (chunk: Uint8Array) => h.data(chunk));
  socket.on("error", (err) => h.error(err));
  socket.on("close", () => h.close());
  return {
    write: (text) => socket.write(text),
    // end() sends what is buffered first; the socket is destroyed once that is done.
    close: () =>
      new Promise<void>((done) => {
        if (socket.destroyed) return done();
        socket.once("close", () => done());
        socket.end(() => {
          socket.destroy();
          done();
        });
      }),
  };
}

/** The part of Bun's socket API used here. */
interface BunSocket {
  write(data: Uint8Array): number;
  end(): void;
}
interface BunNet {
  connect(options: {
    unix?: string;
    hostname?: string;
    port?: number;
    socket: {
      data(s: BunSocket, chunk: Uint8Array): void;
      drain(s: BunSocket): void;
      end(s: BunSocket): void;
      close(s: BunSocket): void;
      error(s: BunSocket, err: Error): void;
      connectError?(s: BunSocket, err: Error): void;
    };
  }): Promise<BunSocket>;
}

async function openBun(bun: BunNet, endpoint: Endpoint, h: LinkHandlers): Promise<Link> {
  const encoder = new TextEncoder();
  const queue: Uint8Array[] = [];
  let closed = false;
  /** Set by close(): end the socket once the queue is empty. */
  let ending: (() => void) | null = null;
  const flush = (s: BunSocket) => {
    while (queue.length) {
      const n = s.write(queue[0]);
      if (n < queue[0].length) {
        if (n > 0) queue[0] = queue[0].subarray(n);
        return;
      }
      queue.shift();
    }
    if (ending) {
      s.end();
      ending();
    }
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    queue.length = 0;
    ending?.();
    h.close();
  };
  const target = "socket" in endpoint
    ? { unix: endpoint.socket }
    : { hostname: endpoint.host, port: endpoint.port };
  const socket = await bun.connect({
    ...target,
    socket: {
      data: (_s, chunk) => h.data(chunk),
      drain: flush,
      // The daemon ended its side: end ours too, which closes the socket.
      end: (s) => s.end(),
      close: finish,
      error: (_s, err) => h.error(err),
    },
  });
  return {
    write(text) {
      if (closed || ending) return false;
      queue.push(encoder.encode(text));
      if (queue.length === 1) flush(socket);
      return queue.length === 0;
    },
    close() {
      if (closed) return Promise.resolve();
      return new Promise<void>((done) => {
        const previous = ending;
        ending = () => {
          previous?.();
          done();
        };
        if (queue.length === 0) flush(socket);
      });
    },
  };
}

/**
 * Says what refused the connection: the socket's owner and mode, or the directory on its path
 * that this user may not enter (then the socket itself cannot even be looked at).
 */
export function whyDenied(path: string): string {
  const uid = process.getuid?.();
  const me = uid === undefined ? "" : `; you are ${userName(uid)}`;
  let dir = path;
  for (;;) {
    try {
      const info = lstatSync(dir);
      const mode = (info.mode & 0o7777).toString(8).padStart(4, "0");
      const what = dir === path ? "the socket" : `the directory ${dir}`;
      return `${what} is owned by ${userName(info.uid)} with mode ${mode}${me}`;
    } catch {
      const slash = dir.lastIndexOf("/");
      const up = slash > 0 ? dir.slice(0, slash) : "/";
      if (slash < 0 || up === dir) return `cannot look at it${me}`;
      dir = up;
    }
  }
}

/** "uid 1000 (ann)", the name from /etc/passwd when it has one. */
function userName(uid: number): string {
  try {
    const line = readFileSync("/etc/passwd", "utf8").split("\n")
      .find((l) => l.split(":")[2] === String(uid));
    if (line) return `uid ${uid} (${line.split(":")[0]})`;
  } catch { /* no passwd file: the number alone */ }
  return `uid ${uid}`;
}
