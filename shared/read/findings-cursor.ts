import type { FindingsCursor } from './findings-index-read.ts';

/*
 * The findings list's page cursor: opaque to clients (base64url of a JSON pair), naming the last finding
 * of the page before — its `at` and its id, the list's order (newest `at` first, then id). A cursor names a
 * position, not a row: a finding added since, or one gone, does not shift the next page.
 */

/** Longest accepted cursor, characters: an id of a few hundred characters and a timestamp fit many times. */
export const MAX_CURSOR_LENGTH = 2000;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The cursor that continues after `last` (the last finding of a page). */
export function encodeFindingsCursor(last: FindingsCursor): string {
  return Buffer.from(JSON.stringify([last.at, last.id]), 'utf8').toString('base64url');
}

/**
 * The position a cursor names, or null when it is not one this API wrote: not base64url, not a JSON pair
 * of strings, an `at` that is not an ISO 8601 instant, an empty id, or longer than MAX_CURSOR_LENGTH.
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
  if (typeof at !== 'string' || typeof id !== 'string' || id.length === 0) return null;
  if (!ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at))) return null;
  return { at, id };
}
