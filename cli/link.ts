/**
 * The byte stream under RpcClient. In the compiled binary (Bun) it is Bun's native socket:
 * loading node:net costs ~2 ms of every `goxel call`'s start-up, a third of a bare runtime's
 * start. Elsewhere (Deno, Node) it is node:net, loaded only then. Both queue what the kernel
 * does not take yet, so a caller may write any amount without waiting.
 */

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

/** Opens a link; rejects with NotRunningError when nothing listens or it takes too long. */
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
