/**
 * The MCP server's connection to the daemon: same socket resolution as `goxel call`, starts the
 * daemon when none runs (unless told not to), reconnects after a restart, and gives up on an
 * unreachable daemon within {@link CONNECT_TIMEOUT_MS} so no tool call ever hangs on it.
 */
import { NotRunningError, RpcClient } from "../cli/client.ts";
import { resolveSocket } from "../cli/socket.ts";
import { spawnDaemon } from "../cli/spawn.ts";

/** How long a connection attempt may take before the tool call fails. */
export const CONNECT_TIMEOUT_MS = 1500;

/** The daemon could not be reached (or started): the message says what to do. */
export class DaemonUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DaemonUnavailableError";
  }
}

/** Resolves the daemon socket as the CLI does (cli/socket.ts): flag, env, config file, default. */
export function resolveDaemonSocket(
  env: Record<string, string | undefined>,
  cwd: string,
  socket?: string,
): Promise<string> {
  return resolveSocket({ env, cwd }, socket);
}

/** Options of {@link DaemonLink}. */
export interface DaemonLinkOptions {
  socket: string;
  /** Start the daemon when none answers. */
  spawn: boolean;
  env: Record<string, string | undefined>;
  /** Directory the started daemon resolves relative paths against. */
  workspace: string;
}

/** A lazily (re)connected JSON-RPC client of the daemon. */
export class DaemonLink {
  #client: RpcClient | null = null;
  /** Connection attempts in flight, one per spawn mode (a poll must not make a call not spawn). */
  #connecting = new Map<boolean, Promise<RpcClient>>();

  constructor(readonly options: DaemonLinkOptions) {}

  /**
   * Calls a daemon method; rejects with DaemonUnavailableError or the daemon's RpcError.
   * `spawn: false` never starts the daemon (background polls must not start one); `signal`
   * cancels the request in the daemon (the MCP client cancelled the tool call).
   */
  async call(
    method: string,
    params?: unknown,
    opts: { spawn?: boolean; signal?: AbortSignal } = {},
  ): Promise<unknown> {
    const client = await this.#connected(opts.spawn ?? this.options.spawn);
    try {
      return await client.call(method, params, opts.signal);
    } catch (err) {
      if (!(err instanceof NotRunningError)) throw err;
      this.#client = null;
      throw new DaemonUnavailableError(
        `The connection to the goxel daemon was lost during ${method}: ${err.message}`,
        { cause: err },
      );
    }
  }

  /** Closes the connection. */
  close(): void {
    this.#client?.close();
    this.#client = null;
  }

  #connected(spawn: boolean): Promise<RpcClient> {
    if (this.#client && !this.#client.isClosed) return Promise.resolve(this.#client);
    this.#client = null;
    let pending = this.#connecting.get(spawn);
    if (!pending) {
      pending = this.#connect(spawn).then((c) => {
        if (this.#client && !this.#client.isClosed) {
          c.close();
          return this.#client;
        }
        return this.#client = c;
      }).finally(() => this.#connecting.delete(spawn));
      this.#connecting.set(spawn, pending);
    }
    return pending;
  }

  async #connect(spawn: boolean): Promise<RpcClient> {
    const { socket } = this.options;
    try {
      return await RpcClient.connect({ socket }, CONNECT_TIMEOUT_MS);
    } catch (err) {
      // A socket we may not use belongs to a daemon that runs: starting another cannot help.
      if ((err as { reason?: string }).reason === "permission_denied") {
        throw new DaemonUnavailableError((err as Error).message, { cause: err });
      }
      if (!spawn) {
        throw new DaemonUnavailableError(
          `${(err as Error).message}; start it with: goxel start` +
            (this.options.spawn ? "" : " (goxel mcp runs with --no-spawn)"),
          { cause: err },
        );
      }
    }
    const outcome = await spawnDaemon(
      ["--socket", socket, "--workspace", this.options.workspace],
      this.options.env,
    );
    if (outcome.kind === "failed") {
      throw new DaemonUnavailableError(`Cannot start the goxel daemon: ${outcome.message}`);
    }
    try {
      return await RpcClient.connect({ socket }, CONNECT_TIMEOUT_MS);
    } catch (err) {
      throw new DaemonUnavailableError(
        `The goxel daemon was started but does not answer on ${socket}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}
