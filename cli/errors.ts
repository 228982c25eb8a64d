/** The one place CLI failures become exit codes. */
import { NotRunningError, RpcError } from "./client.ts";
import { SocketPermissionError } from "./link.ts";
import { NotAnsweringError } from "./socket.ts";

/**
 * Exit codes: 0 ok, 1 failure, 2 usage error, 3 daemon not running (status), 130 interrupted
 * (Ctrl-C: the shell's 128 + SIGINT).
 */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, NOT_RUNNING: 3, INTERRUPTED: 130 } as const;

/** A failure with a chosen exit code; an empty message means "already reported". */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.FAILURE, options?: ErrorOptions) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** A command-line usage error (exit 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

/** A method name the index does not know (exit 2; JSON-RPC's −32601 with --json). */
export class UnknownMethodError extends UsageError {
  /** `close`: the method names nearest the one typed (see closestMethods). */
  constructor(name: string, close: string[] = []) {
    const list = close.length ? `did you mean ${close.join(" or ")}? ` : "";
    super(`Unknown method "${name}" (${list}list them with: goxel methods)`);
  }
}

/** Returns the exit code for an error. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof NotRunningError) return EXIT.FAILURE;
  // Refused or frozen: a daemon is (probably) there, so never "not running" (3).
  if (err instanceof SocketPermissionError) return EXIT.FAILURE;
  if (err instanceof NotAnsweringError) return EXIT.FAILURE;
  if (err instanceof RpcError) return EXIT.FAILURE;
  return EXIT.FAILURE;
}
