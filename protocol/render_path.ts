/** Renders are PNG files: the one rule on a render's output path, for the API, daemon and CLI. */

/** What a render's output path must match. */
export const RENDER_PATH = /\.png$/i;

/** Why `path` cannot take a render, or null when it can. */
export function renderPathError(path: string): string | null {
  return RENDER_PATH.test(path)
    ? null
    : `Cannot render to "${path}": renders are written as PNG only; give a path ending in .png`;
}
