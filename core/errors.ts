/** Expected failures, each with a stable `reason` string; bugs use the built-in errors. */

/** Base class of the expected failures. */
export class GoxelError extends Error {
  /** A stable machine-readable reason, e.g. "not_found". */
  readonly reason: string;
  constructor(reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.name = new.target.name;
  }
}

/** Something the request names does not exist (a layer, a project, a file). */
export class NotFoundError extends GoxelError {
  constructor(message: string, options?: ErrorOptions) {
    super("not_found", message, options);
  }
}

/** The request conflicts with the current state (e.g. editing a clone layer). */
export class ConflictError extends GoxelError {
  constructor(message: string, options?: ErrorOptions) {
    super("conflict", message, options);
  }
}

/** The request is well-formed but its values cannot be used (e.g. an unknown format name). */
export class InvalidInputError extends GoxelError {
  constructor(message: string, options?: ErrorOptions) {
    super("invalid_input", message, options);
  }
}

/** Bytes that do not decode: names the format and the byte offset where decoding failed. */
export class FormatError extends GoxelError {
  readonly format: string;
  readonly offset: number;
  /** The file the bytes came from, when the reader knows it (codecs never do). */
  readonly path?: string;
  constructor(
    format: string,
    offset: number,
    message: string,
    options?: ErrorOptions & { path?: string },
  ) {
    super("format", message, options);
    this.format = format;
    this.offset = offset;
    if (options?.path !== undefined) this.path = options.path;
  }
}

/** A file-system failure on a path. */
export class IoError extends GoxelError {
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super("io", message, options);
    this.path = path;
  }
}
