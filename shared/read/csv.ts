/** UTF-8 byte order mark: spreadsheet programs then read the CSV's Chinese as UTF-8. */
export const BOM = '\uFEFF';

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled); null is empty. */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with its CRLF terminator (RFC 4180). */
export const csvLine = (fields: ReadonlyArray<string | number | boolean | null | undefined>): string =>
  `${fields.map(csvField).join(',')}\r\n`;
