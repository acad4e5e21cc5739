import { type Body, bodyInScope } from '../domain/body.ts';
import { findingsIndexComplete } from '../store/findings-backfill.ts';
import type { Repository } from '../store/repository.ts';
import type { ReadContext } from './context.ts';
import { type FindingsCursor, indexedFindings, isAfter, newestFirst } from './findings-index-read.ts';
import type { PublicFinding } from './types.ts';
import { yearsOfBodies } from './years.ts';

export type { FindingsCursor } from './findings-index-read.ts';

/**
 * At most this many bodies in a scope: read body by body (one Query each and one BatchGetItem), which
 * costs less than a province's partition of the index filtered down to them.
 */
export const PER_BODY_MAX = 16;

/** Tables whose findings index was seen complete (the marker never goes back once written). */
const indexed = new WeakSet<Repository>();

async function indexReady(repo: Repository): Promise<boolean> {
  if (indexed.has(repo)) return true;
  if (!(await findingsIndexComplete(repo))) return false;
  indexed.add(repo);
  return true;
}

/**
 * The public findings of every body in `scope` (`*`, a division code or a body id), newest first (by
 * when each was first known, then by id for a stable order), at most `limit`, and only those after
 * `cursor` (the last one of the previous page) when given. Report findings and the sweep's public
 * decisions (deadline.missing and its follow-ups); admin-only findings are never listed.
 * Read from the findings index (findings-index-read.ts: a Query per province, whatever the number of
 * bodies) once its marker says every item is indexed; before that (a store from before the index, until
 * `nianbao reindex-findings` has run), and for scopes of at most PER_BODY_MAX bodies, body by body.
 */
export async function scopeFindings(
  ctx: ReadContext,
  scope: string,
  limit = 100,
  cursor?: FindingsCursor,
): Promise<PublicFinding[]> {
  const bodies = [...ctx.registry.values()].filter((b) => bodyInScope(b, scope));
  if (bodies.length === 0) return [];
  if (bodies.length <= PER_BODY_MAX || !(await indexReady(ctx.repo))) {
    return perBodyFindings(ctx, bodies, limit, cursor);
  }
  return indexedFindings(ctx, scope, bodies, limit, cursor);
}

/**
 * The same findings read body by body: every year of every body (yearsOfBodies: one Query per body and
 * a BatchGetItem per 100 keys), sorted in memory.
 */
export async function perBodyFindings(
  ctx: ReadContext,
  bodies: readonly Body[],
  limit = 100,
  cursor?: FindingsCursor,
): Promise<PublicFinding[]> {
  const years = await yearsOfBodies(ctx, bodies);
  const all = [...years.values()].flatMap((b) => b.years.flatMap((y) => y.findings));
  return all
    .filter((f) => isAfter(f, cursor))
    .sort(newestFirst)
    .slice(0, limit);
}
