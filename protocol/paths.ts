/** Default runtime locations (ARCHITECTURE.md "Runtime layout"), computed from plain inputs. */

/** The environment variables and process facts the defaults depend on. */
export interface PathInputs {
  env: Record<string, string | undefined>;
  uid: number;
  home: string;
}

/** The daemon's default runtime files. */
export interface RuntimePaths {
  runtimeDir: string;
  /** The socket to use: GOXEL_SOCKET, else `defaultSocket`. */
  socket: string;
  /** The default socket in the runtime dir, whatever GOXEL_SOCKET says. */
  defaultSocket: string;
  pidFile: string;
  tokenFile: string;
  configFile: string;
  logFile: string;
}

/** Returns the default runtime dir, socket, pid, token, config and log paths. */
export function defaultPaths({ env, uid, home }: PathInputs): RuntimePaths {
  const runtimeDir = env.XDG_RUNTIME_DIR
    ? `${env.XDG_RUNTIME_DIR}/goxel`
    : `${(env.TMPDIR || "/tmp").replace(/\/+$/, "")}/goxel-${uid}`;
  const configHome = env.XDG_CONFIG_HOME || `${home}/.config`;
  const stateHome = env.XDG_STATE_HOME || `${home}/.local/state`;
  const defaultSocket = `${runtimeDir}/goxel.sock`;
  const socket = env.GOXEL_SOCKET || defaultSocket;
  return {
    runtimeDir,
    socket,
    defaultSocket,
    ...socketSiblings(socket),
    configFile: env.GOXEL_CONFIG || `${configHome}/goxel/config.yaml`,
    logFile: `${stateHome}/goxel/goxel.log`,
  };
}

/** Returns the pid and token files that belong to a socket (goxel.sock → goxel.pid, token). */
export function socketSiblings(socket: string): { pidFile: string; tokenFile: string } {
  const slash = socket.lastIndexOf("/");
  const dir = slash >= 0 ? socket.slice(0, slash) : ".";
  const base = socket.slice(slash + 1).replace(/\.sock$/, "");
  return {
    pidFile: `${dir}/${base}.pid`,
    tokenFile: base === "goxel" ? `${dir}/token` : `${dir}/${base}.token`,
  };
}
