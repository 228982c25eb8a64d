/** Output helpers: JSON pretty on a terminal and compact otherwise; NO_COLOR honoured. */
import process from "node:process";
import { isatty } from "node:tty";

/** Where the CLI writes. */
export class Output {
  exitCode = 0;
  readonly isTty: boolean;
  readonly color: boolean;

  /** `isTerminal(fd)` tells whether a descriptor is a terminal (tests pass their own). */
  constructor(
    env: Record<string, string | undefined>,
    isTerminal: (fd: number) => boolean = isatty,
  ) {
    // isatty, not process.stdout.isTTY: creating the stream objects costs start-up time, and a
    // run that prints nothing on stderr should not pay for stderr's.
    this.isTty = isTerminal(1);
    this.color = isTerminal(2) && !env.NO_COLOR;
  }

  /** Writes to stdout. */
  stdout(text: string): void {
    process.stdout.write(text);
  }

  /** Writes to stderr. */
  stderr(text: string): void {
    process.stderr.write(text);
  }

  /** Prints a line on stdout. */
  line(text: string): void {
    this.stdout(text + "\n");
  }

  /** Prints an error line on stderr ("goxel: message", red on a colour terminal). */
  error(message: string): void {
    const prefix = this.color ? "\x1b[31mgoxel:\x1b[0m" : "goxel:";
    this.stderr(`${prefix} ${message}\n`);
  }

  /** Prints a value as JSON: indented on a terminal, one line otherwise. */
  json(value: unknown, pretty = this.isTty): void {
    this.line(pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value));
  }
}
