import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Body, bodyInScope } from '../domain/body.ts';
import { dueYears } from '../domain/deadlines.ts';
import { withoutKeys } from '../store/dynamo.ts';
import {
  FINDINGS_INDEX,
  FINDINGS_PK,
  FINDINGS_SK,
  findingsPartition,
  indexedAt,
} from '../store/finding-index.ts';
import { AlertRecord, ReportItem } from '../store/records.ts';
import { batchGetItems } from '../store/sweep-reads.ts';
import { keys } from '../store/table.ts';
import type { ReadContext } from './context.ts';
import type { PublicFinding } from './types.ts';
import { alertFinding, PUBLIC_SWEEP_RULES, reportFindings } from './years.ts';

/** A position in the newest-first order of findings: everything after it is older, or as old with a greater id. */
export interface FindingsCursor {
  at: string;
  id: string;
}

/** The findings' order: newest `at` first, then id (UTF-16 order, as the per-body read sorts them). */
export const newestFirst = (a: PublicFinding, b: PublicFinding): number =>
  a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** Whether `f` comes after `cursor` in newestFirst order (every finding when there is no cursor). */
export const isAfter = (f: PublicFinding, cursor?: FindingsCursor): boolean =>
  !cursor || f.at < cursor.at || (f.at === cursor.at && f.id > cursor.id);

/** The body-id prefix a division scope needs beyond its province (`360802` → `360802`, `360000` → none). */
function divisionPrefix(scope: string): string | null {
  if (!/^\d+$/.test(scope)) return null;
  const trimmed = scope.replace(/(00)+$/, '') || scope;
  return trimmed.length > 2 ? trimmed : null;
}

interface Partition {
  pk: string;
  start?: Record<string, unknown> | undefined;
  /** The time of the last item read: what is still unread is that old or older. */
  lastAt: string | null;
  done: boolean;
}

/**
 * The public findings of `bodies` (every registered body in `scope`, all of one or more provinces) from the
 * findings index (GSI `byFinding`, shared/store/finding-index.ts), newest first, at most `limit`, after
 * `cursor`: exactly what the per-body read gives. Each province's partition is read newest first in pages
 * (Limit `limit`+1, doubling each round); a partition is read further only while its unread items could
 * still rank among the first `limit` (their time not older than the `limit`-th found; as old may still win
 * on id). A division below its province is a FilterExpression on the body id (which starts with its
 * divisionCode); the registry then decides as bodyInScope does. A sweep alert counts, as in the
 * per-body read, only for a year that is due or has a report (a BatchGetItem checks the latter, for those that
 * could still rank).
 * Store calls: one Query per province holding findings when the newest `limit` fit its first page.
 */
export async function indexedFindings(
  ctx: ReadContext,
  scope: string,
  bodies: readonly Body[],
  limit: number,
  cursor?: FindingsCursor,
): Promise<PublicFinding[]> {
  const today = ctx.today();
  const prefix = divisionPrefix(scope);
  const partitions: Partition[] = [...new Set(bodies.map((b) => findingsPartition(b.id)))].map((pk) => ({
    pk,
    lastAt: null,
    done: false,
  }));
  const due = new Map<string, Set<number>>();
  const dueOf = (body: Body) => {
    const years = due.get(body.id) ?? new Set(dueYears(body, today));
    due.set(body.id, years);
    return years;
  };
  let found: PublicFinding[] = [];
  let pageLimit = limit + 1;
  for (;;) {
    const cutoff = found.length >= limit ? (found[limit - 1] as PublicFinding).at : null;
    const active = partitions.filter(
      (p) => !p.done && (cutoff === null || p.lastAt === null || p.lastAt >= cutoff),
    );
    if (active.length === 0) break;
    const undue: AlertRecord[] = [];
    const readPage = async (p: Partition) => {
      const res = await ctx.repo.db.send(
        new QueryCommand({
          TableName: ctx.repo.table,
          IndexName: FINDINGS_INDEX,
          KeyConditionExpression: cursor ? '#pk = :pk AND #sk < :before' : '#pk = :pk',
          ...(prefix ? { FilterExpression: 'begins_with(bodyId, :division)' } : {}),
          ExpressionAttributeNames: { '#pk': FINDINGS_PK, ...(cursor ? { '#sk': FINDINGS_SK } : {}) },
          ExpressionAttributeValues: {
            ':pk': p.pk,
            ...(cursor ? { ':before': `${cursor.at}#\uffff` } : {}),
            ...(prefix ? { ':division': prefix } : {}),
          },
          ScanIndexForward: false,
          Limit: pageLimit,
          ...(p.start ? { ExclusiveStartKey: p.start } : {}),
        }),
      );
      for (const item of res.Items ?? []) {
        const body = ctx.registry.get(String(item.bodyId));
        if (!body || !bodyInScope(body, scope)) continue;
        if (String(item.sk).startsWith('REPORT#')) {
          found.push(...reportFindings(ReportItem.parse(withoutKeys(item))));
          continue;
        }
        const alert = AlertRecord.safeParse(withoutKeys(item));
        if (!alert.success || !PUBLIC_SWEEP_RULES.includes(alert.data.rule)) continue;
        if (dueOf(body).has(alert.data.year)) found.push(alertFinding(alert.data));
        else undue.push(alert.data);
      }
      p.start = res.LastEvaluatedKey;
      p.done = !res.LastEvaluatedKey;
      if (res.LastEvaluatedKey) p.lastAt = indexedAt(String(res.LastEvaluatedKey[FINDINGS_SK]));
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(16, active.length) }, async () => {
        while (next < active.length) await readPage(active[next++] as Partition);
      }),
    );
    found = found.filter((f) => isAfter(f, cursor)).sort(newestFirst);
    // Only an alert that could still rank is worth checking: more findings only raise the cutoff.
    const bar = found.length >= limit ? (found[limit - 1] as PublicFinding).at : null;
    const ranking = undue.filter((a) => bar === null || a.createdAt >= bar);
    found.push(...(await reportedYears(ctx, ranking)).filter((f) => isAfter(f, cursor)));
    found.sort(newestFirst);
    pageLimit *= 2;
  }
  return found.slice(0, limit);
}

/** The sweep alerts of years no longer due that still show because the year has a report (one BatchGetItem). */
async function reportedYears(ctx: ReadContext, alerts: readonly AlertRecord[]): Promise<PublicFinding[]> {
  if (alerts.length === 0) return [];
  const items = await batchGetItems(
    ctx.repo,
    alerts.map((a) => keys.report(a.bodyId, a.year)),
  );
  return alerts
    .filter((a) => items.has(`${keys.report(a.bodyId, a.year).pk}\u0000${keys.report(a.bodyId, a.year).sk}`))
    .map(alertFinding);
}
