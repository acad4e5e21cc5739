import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Body, BodyLevel } from '../domain/body.ts';
import { reachable } from '../stages/sweep-stage.ts';
import { checkEntriesOf } from '../store/check-resolve.ts';
import type { BodyState, CheckSummary } from '../store/records.ts';
import { NotFoundError, type ReadContext } from './context.ts';
import type { BodyDetail, BodySummary, CheckLogEntry, CrawlHealth, Page } from './types.ts';

export function bodySummary(b: Body): BodySummary {
  return {
    id: b.id,
    name: b.name,
    level: b.level,
    divisionCode: b.divisionCode,
    parents: b.parents,
    listingUrl: b.listingUrl,
  };
}

export interface BodyQuery {
  /** Part of the name (中文 as registered), or the start of the id / division code. */
  q?: string | undefined;
  level?: BodyLevel | undefined;
  /** A division code: bodies whose jurisdiction lies inside it (a province, city or county). */
  parent?: string | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

/** Whether `body` lies inside division `code` (its own division or one of its parents). */
export function insideDivision(body: Body, code: string): boolean {
  const trimmed = code.replace(/(00)+$/, '') || code;
  return body.divisionCode.startsWith(trimmed) || body.parents.some((p) => p.code === code);
}

/**
 * The registry's bodies in id order, sorted once and reused while the map holds the same entries (checked
 * by identity on every call, so an entry added or replaced in place — an admin's registry update — is seen).
 */
const sortedBodies = new WeakMap<ReadonlyMap<string, Body>, { entries: Body[]; byId: Body[] }>();
function bodiesById(registry: ReadonlyMap<string, Body>): Body[] {
  const known = sortedBodies.get(registry);
  if (known && known.entries.length === registry.size) {
    let i = 0;
    let same = true;
    for (const b of registry.values()) if (known.entries[i++] !== b) same = false;
    if (same) return known.byId;
  }
  const entries = [...registry.values()];
  const byId = [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  sortedBodies.set(registry, { entries, byId });
  return byId;
}

/**
 * Bodies of the registry matching the query, in id order, paginated (`offset` from 0, `limit` 1–500,
 * default 50). Pure over the registry: no store read; one pass over the bodies (sorted once per registry).
 */
export function searchBodies(registry: ReadonlyMap<string, Body>, query: BodyQuery): Page<BodySummary> {
  const q = query.q?.trim();
  const matches = bodiesById(registry).filter(
    (b) =>
      (!q || b.name.includes(q) || b.id.startsWith(q) || b.divisionCode.startsWith(q)) &&
      (!query.level || b.level === query.level) &&
      (!query.parent || insideDivision(b, query.parent)),
  );
  return pageOf(matches, query, bodySummary);
}

/** The page of `all` from `offset` (default 0), `limit` long (default 50), each item mapped; `total` counts all. */
export function pageOf<T, U>(
  all: readonly T[],
  at: { offset?: number | undefined; limit?: number | undefined },
  map: (item: T) => U,
): Page<U> {
  const offset = at.offset ?? 0;
  const limit = at.limit ?? 50;
  return { total: all.length, offset, limit, items: all.slice(offset, offset + limit).map(map) };
}

export function crawlHealth(state: BodyState): CrawlHealth {
  return {
    lastCheckedAt: state.lastCheckedAt ?? null,
    lastSuccessAt: state.lastSuccessAt ?? null,
    lastStatus: state.lastStatus ?? null,
    lastErrorClass: state.lastErrorClass ?? null,
    lastError: state.lastError ?? null,
    consecutiveFailures: state.consecutiveFailures,
    failingSince: state.failingSince ?? null,
    failingLinks: state.failingLinks ?? 0,
    reachable: reachable(state),
  };
}

export function checkLogEntry(
  c: CheckSummary & {
    outcome?: CheckLogEntry['outcome'];
    candidates?: unknown[];
    error?: string | undefined;
  },
): CheckLogEntry {
  return {
    at: c.at,
    outcome: c.outcome ?? (c.complete ? 'read' : 'partial'),
    complete: c.complete,
    pages: c.pages.length,
    years: { oldest: c.oldestYear, newest: c.newestYear },
    unread: c.unread,
    candidates: c.candidates?.length ?? 0,
    error: c.error ?? null,
  };
}

/** The newest `limit` entries of a body's check log (one Query, newest first). */
export async function recentChecks(ctx: ReadContext, bodyId: string, limit = 10): Promise<CheckLogEntry[]> {
  const res = await ctx.repo.db.send(
    new QueryCommand({
      TableName: ctx.repo.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `BODY#${bodyId}`, ':sk': 'CHECK#' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  // Entries that keep their candidate list by reference get it from the entry holding it.
  return (await checkEntriesOf(ctx.repo, bodyId, res.Items ?? [], false)).map(checkLogEntry);
}

/** A body with its parent chain, crawl health and check-log summary. Throws NotFoundError for an unknown id. */
export async function bodyDetail(ctx: ReadContext, bodyId: string, checks = 10): Promise<BodyDetail> {
  const body = ctx.registry.get(bodyId);
  if (!body) throw new NotFoundError(`unknown body ${bodyId}`);
  const [state, recent] = await Promise.all([
    ctx.repo.getBodyState(bodyId),
    recentChecks(ctx, bodyId, checks),
  ]);
  return {
    body: bodySummary(body),
    health: crawlHealth(state),
    lastCheck: state.lastCheck ? checkLogEntry(state.lastCheck) : null,
    recentChecks: recent,
  };
}
