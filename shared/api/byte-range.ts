import parseRange from 'range-parser';

/** What to answer a GET of a `size`-byte representation: all of it, one range of it, or 416. */
export type RangeAnswer =
  | { status: 200 }
  | { status: 206; start: number; end: number; contentRange: string }
  | { status: 416; contentRange: string };

/**
 * A suffix range longer than the representation selects all of it (RFC 9110 §14.1.3); range-parser (1.3.0)
 * drops such a range as unsatisfiable, so a ZIP reader asking for the last 64 KiB of a smaller file would get
 * 416. Each such suffix is cut to `size` before parsing.
 */
function clampSuffixes(range: string, size: number): string {
  const eq = range.indexOf('=');
  if (eq < 0 || size === 0) return range;
  const specs = range
    .slice(eq + 1)
    .split(',')
    .map((spec) => {
      const suffix = /^\s*-\s*(\d+)\s*$/.exec(spec);
      return suffix && Number(suffix[1]) > size ? `-${size}` : spec;
    });
  return `${range.slice(0, eq + 1)}${specs.join(',')}`;
}

/**
 * Byte ranges (RFC 9110 §14) for a representation of `size` bytes whose strong entity tag is `etag`
 * (quoted, e.g. `"<sha256>"`). `range` and `ifRange` are the request's `Range` and `If-Range` headers.
 * - no Range, a Range that does not parse (no `unit=`, a position that is not digits only, as `1e1` or
 *   `0x10`), a unit other than bytes (compared case-insensitively), or several ranges: 200, the whole
 *   representation (§14.2 lets a server ignore Range; multipart/byteranges is not written);
 * - an If-Range that is not this entity tag (a different tag, a weak one, or a date: no Last-Modified
 *   is sent, so no date validates): 200, the whole (§13.1.5);
 * - one satisfiable range (overlapping ranges merged first; a suffix longer than `size` is all of it):
 *   206 with `start`..`end` inclusive, byte offsets, and its Content-Range `bytes start-end/size`;
 * - none satisfiable (it starts at or past `size`, `size` is 0, or a first position above the last, as
 *   `bytes=5-1`): 416 with `bytes *\/size`.
 * Parsing is the `range-parser` package's (jshttp, as Express and `send` use it).
 */
export function byteRange(
  size: number,
  range: string | undefined,
  ifRange: string | undefined,
  etag: string,
): RangeAnswer {
  if (range === undefined || range.trim() === '') return { status: 200 };
  if (ifRange !== undefined && ifRange.trim() !== etag) return { status: 200 };
  const parsed = parseRange(size, clampSuffixes(range, size), { combine: true });
  if (parsed === -2) return { status: 200 };
  if (parsed === -1) return { status: 416, contentRange: `bytes */${size}` };
  if (parsed.type.trim().toLowerCase() !== 'bytes' || parsed.length !== 1) return { status: 200 };
  const { start, end } = parsed[0]!;
  return { status: 206, start, end, contentRange: `bytes ${start}-${end}/${size}` };
}
