import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time comparison of a presented token with the expected one. Both sides are hashed first so
 * the comparison runs over equal lengths and leaks neither the token's content nor its length. With no
 * token configured every request is refused (fail closed).
 */
export function tokenMatches(presented: string | undefined, expected: string | undefined): boolean {
  if (!expected || presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}
