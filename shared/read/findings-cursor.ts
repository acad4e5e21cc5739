import type { FindingsCursor } from './findings-index-read.ts';

/*
 * The findings list's page cursor: opaque to clients (base64url of a JSON pair), naming the last finding
 * of the page before — its `at` and its id, the list's order (newest `at` first, then id). A cursor names a
 * position, not a row: a finding added since, or one gone, does not shift the next page.
 */

/** Longest accepted cursor, characters: an id of a few hundred characters and a timestamp fit many times. */
export const MAX_CURSOR_LENGTH = 2000;

/** The instants the API writes (`Date.prototype.toISOString`: UTC, milliseconds), and only those. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Longest accepted finding id (`<bodyId>:<year>:<rule>:<n>` is a few dozen characters). */
const MAX_ID_LENGTH = 500;

/** The cursor that continues after `last` (the last finding of a page). */
export function encodeFindingsCursor(last: FindingsCursor): string {
  return Buffer.from(JSON.stringify([last.at, last.id]), 'utf8').toString('base64url');
}

/**
 * The position a cursor names, or null when it is not one this API wrote: not base64url, not a JSON pair
 * of strings, an `at` that is not a UTC instant as `toISOString` writes it (a date that does not exist, an
 * offset), an empty id, an id over MAX_ID_LENGTH or with control characters, or over MAX_CURSOR_LENGTH.
 */
export function decodeFindingsCursor(cursor: string): FindingsCursor | null {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor))
    return null;
  let pair: unknown;
  try {
    pair = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(pair) || pair.length !== 2) return null;
  const [at, id] = pair as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string') return null;
  if (id.length === 0 || id.length > MAX_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(id)) return null;
  // A real instant written as the API writes it: 2026-02-30 or 24:00 do not come back the same.
  if (!ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at)) || new Date(at).toISOString() !== at) return null;
  return { at, id };
}
