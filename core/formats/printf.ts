/** C `printf` number conversions (`%g`, `%.9g`, `%f`) that text exporters must match byte for byte. */

/** Formats like C's `%.<precision>g` (default 6): shortest of fixed/exponent, trailing zeros cut. */
export function formatG(value: number, precision = 6): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const p = Math.max(precision, 1);
  const exp = value.toExponential(p - 1);
  const e = Number(exp.slice(exp.indexOf("e") + 1));
  if (e < -4 || e >= p) {
    const mantissa = stripZeros(exp.slice(0, exp.indexOf("e")));
    const sign = e < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return stripZeros(value.toFixed(p - 1 - e));
}

/** Formats like C's `%.<decimals>f` (default 6). */
export function formatF(value: number, decimals = 6): string {
  const text = value.toFixed(decimals);
  return Object.is(value, -0) || (value < 0 && /^[0.]+$/.test(text)) ? `-${text}` : text;
}

/** Removes trailing fractional zeros and a dangling decimal point. */
function stripZeros(text: string): string {
  if (!text.includes(".")) return text;
  return text.replace(/\.?0+$/, "");
}
