/**
 * Request ids as their exact source text. `JSON.parse` turns an id such as 9007199254740993
 * into the nearest double (…992); JSON-RPC wants the same id back, so for numeric ids that a
 * double cannot hold exactly the text of the `id` member is read from the message itself.
 */
import { skipString } from "./framing.ts";

const QUOTE = 0x22;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const COLON = 0x3a, COMMA = 0x2c;

/** True when an id must be copied from the source text (a number that may have lost digits). */
export function needsRawId(id: unknown): boolean {
  return typeof id === "number" && !Number.isSafeInteger(id);
}

/**
 * Returns the source text of the `id` member of a message (an object) or of each element of a
 * batch (an array; `undefined` for elements without one). `text` must be valid JSON.
 */
export function rawIds(text: string): (string | undefined)[] {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) === OPEN_BRACE) return [objectId(text, i)];
  const ids: (string | undefined)[] = [];
  i = skipSpace(text, i + 1);
  while (i < text.length && text.charCodeAt(i) !== CLOSE_BRACKET) {
    const end = skipValue(text, i);
    ids.push(text.charCodeAt(i) === OPEN_BRACE ? objectId(text, i) : undefined);
    i = skipSpace(text, end);
    if (text.charCodeAt(i) === COMMA) i = skipSpace(text, i + 1);
  }
  return ids;
}

/** The text of the `id` member of the object starting at `start`, if any. */
function objectId(text: string, start: number): string | undefined {
  let id: string | undefined;
  let i = skipSpace(text, start + 1);
  while (i < text.length && text.charCodeAt(i) === QUOTE) {
    const keyEnd = skipString(text, i + 1) + 1;
    const key = text.slice(i, keyEnd);
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) === COLON) i = skipSpace(text, i + 1);
    const end = skipValue(text, i);
    if (key === '"id"' || (key.includes("\\") && JSON.parse(key) === "id")) {
      id = text.slice(i, end).trimEnd();
    }
    i = skipSpace(text, end);
    if (text.charCodeAt(i) === COMMA) i = skipSpace(text, i + 1);
  }
  return id;
}

/** Returns the index just after the JSON value that starts at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i + 1) + 1;
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    let j = i;
    while (j < text.length && !isDelimiter(text.charCodeAt(j))) j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === QUOTE) j = skipString(text, j + 1);
    else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --depth === 0) return j + 1;
  }
  return text.length;
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c <= 0x20;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && text.charCodeAt(i) <= 0x20) i++;
  return i;
}
