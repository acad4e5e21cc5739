import { describe, expect, it } from 'vitest';
import { byteRange } from '#shared/api/byte-range.ts';

const TAG = '"ab12"';

describe('byteRange (RFC 9110 §14)', () => {
  it('answers one satisfiable range with 206 and its Content-Range, suffix and open ranges included', () => {
    expect(byteRange(100, 'bytes=0-9', undefined, TAG)).toEqual({
      status: 206,
      start: 0,
      end: 9,
      contentRange: 'bytes 0-9/100',
    });
    expect(byteRange(100, 'bytes=90-', undefined, TAG)).toMatchObject({ start: 90, end: 99 });
    expect(byteRange(100, 'bytes=-5', undefined, TAG)).toMatchObject({ start: 95, end: 99 });
    // An end past the last byte is cut to it (§14.1.1).
    expect(byteRange(100, 'bytes=95-500', undefined, TAG)).toMatchObject({ start: 95, end: 99 });
    // A suffix longer than the object is all of it (§14.1.3): a ZIP reader's last 64 KiB of a smaller file.
    expect(byteRange(100, 'bytes=-200', undefined, TAG)).toMatchObject({ start: 0, end: 99 });
    // The unit's name is case-insensitive (§14.1).
    expect(byteRange(100, 'Bytes=0-9', undefined, TAG)).toMatchObject({ status: 206, start: 0, end: 9 });
    // Overlapping ranges are one range.
    expect(byteRange(100, 'bytes=0-9,5-19', undefined, TAG)).toMatchObject({ start: 0, end: 19 });
  });

  it('answers the whole for no Range, a malformed one, another unit, several ranges, or a stale If-Range', () => {
    // Positions are digits only (§14.1.2): `1e1`, `0x10`, `+5` or `1x` are no range, so Range is ignored.
    for (const range of [
      undefined,
      '',
      'garbage',
      'items=0-1',
      'bytes=0-1,50-60',
      'bytes=abc',
      'bytes=1e1-20',
      'bytes=0x10-20',
      'bytes=+5-9',
      'bytes=1x-5',
    ])
      expect(byteRange(100, range, undefined, TAG)).toEqual({ status: 200 });
    expect(byteRange(100, 'bytes=0-9', '"other"', TAG)).toEqual({ status: 200 });
    expect(byteRange(100, 'bytes=0-9', `W/${TAG}`, TAG)).toEqual({ status: 200 });
    expect(byteRange(100, 'bytes=0-9', 'Tue, 01 Dec 2026 07:00:00 GMT', TAG)).toEqual({ status: 200 });
    expect(byteRange(100, 'bytes=0-9', TAG, TAG)).toMatchObject({ status: 206 });
  });

  it('answers 416 with the size when no range is satisfiable, an empty object included', () => {
    expect(byteRange(100, 'bytes=100-', undefined, TAG)).toEqual({
      status: 416,
      contentRange: 'bytes */100',
    });
    expect(byteRange(0, 'bytes=0-', undefined, TAG)).toEqual({ status: 416, contentRange: 'bytes */0' });
    // A first position above the last is no satisfiable range (range-parser's reading, Express's answer).
    expect(byteRange(100, 'bytes=5-1', undefined, TAG)).toEqual({ status: 416, contentRange: 'bytes */100' });
  });
});
