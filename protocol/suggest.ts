/**
 * "Did you mean" for names a user mistyped: methods, params and config keys. A candidate is
 * close when few single-character edits (insert, delete, replace, swap two neighbours) turn
 * one into the other, `-` and `_` and case counting as the same.
 */

/** Returns the candidates closest to `name` (at most `max`), nearest first; none is far off. */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const wanted = normalise(name);
  // One or two letters are near every short name: no guess.
  if (wanted.length < 3) return [];
  // About one edit per four characters, at least one: "add_voxle" → add_voxel, not "ping".
  const limit = Math.max(1, Math.floor(wanted.length / 4));
  const scored: [number, string][] = [];
  for (const c of new Set(candidates)) {
    const n = normalise(c);
    if (Math.abs(n.length - wanted.length) > limit) continue;
    const d = editDistance(wanted, n);
    if (d <= limit) scored.push([d, c]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  return scored.slice(0, max).map(([, c]) => c);
}

/** Returns " (did you mean X?)" or " (did you mean X or Y?)", or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const close = closestNames(name, candidates);
  if (close.length === 0) return "";
  const last = close.pop()!;
  return ` (did you mean ${close.length ? `${close.join(", ")} or ` : ""}${last}?)`;
}

function normalise(s: string): string {
  return s.toLowerCase().replaceAll("-", "_");
}

/** Optimal string alignment distance: Levenshtein plus swaps of neighbouring characters. */
export function editDistance(a: string, b: string): number {
  let prev2: number[] = [], prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      row.push(d);
    }
    prev2 = prev, prev = row;
  }
  return prev[b.length];
}
