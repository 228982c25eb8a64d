/**
 * The viewer bundle inside a compiled binary. This source copy is empty; scripts/compile.ts
 * replaces it in its staging copy with the built page and script.
 */
export const EMBEDDED_VIEWER: { html: string; js: string } | null = null;
