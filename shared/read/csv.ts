/** UTF-8 byte order mark: spreadsheet programs then read the CSV's Chinese as UTF-8. */
export const BOM = '\uFEFF';

/** A text that a spreadsheet would read as a formula: it starts with = + - @ TAB or CR (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain signed number (`-5`, `+3.2`, `-1.5%`): left as it is so it stays a number in the sheet. */
const SIGNED_NUMBER = /^[+-]?\d+(\.\d+)?%?$/;

/**
 * One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled), and also a semicolon or
 * TAB, the separators spreadsheet programs use in locales where the comma is the decimal mark (a `a;@SUM(A1)`
 * would otherwise split there into a cell that starts a formula); null is empty. A text
 * that would start a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`; body names and report text are
 * untrusted) gets a leading apostrophe, the mark spreadsheet programs read as "text, not a formula", per
 * OWASP's CSV-injection guidance; numbers, and texts that are plain signed numbers, are left alone.
 */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && FORMULA_START.test(s) && !SIGNED_NUMBER.test(s)) s = `'${s}`;
  return /[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with its CRLF terminator (RFC 4180). */
export const csvLine = (fields: ReadonlyArray<string | number | boolean | null | undefined>): string =>
  `${fields.map(csvField).join(',')}\r\n`;
