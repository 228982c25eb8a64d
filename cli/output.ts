/** Output helpers: JSON pretty on a terminal and compact otherwise; NO_COLOR honoured. */
import process from "node:process";

/** Where the CLI writes. */
export class Output {
  exitCode = 0;
  readonly isTty: boolean;
  readonly color: boolean;

  constructor(env: Record<string, string | undefined>) {
    this.isTty = process.stdout.isTTY === true;
    this.color = process.stderr.isTTY === true && !env.NO_COLOR;
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
