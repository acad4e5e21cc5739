import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InfrastructureError } from '../errors.ts';
import { batchPut, MAX_UNPROCESSED_ROUNDS, unprocessedBackoff } from './batch-write.ts';
import { isConditionFailed, withoutKeys } from './dynamo.ts';
import { type OpenSummary, openSummaryOf } from './open-summary.ts';
import { AlertRecord, BodyState, type ReportItem } from './records.ts';
import type { Repository } from './repository.ts';
import { keys } from './table.ts';

/** DynamoDB's limit: 100 keys per BatchGetItem (writes: batch-write.ts). */
const GET_LIMIT = 100;
/** Unprocessed keys (throttling) are asked again, with backoff, before the batch fails and is retried whole. */
const MAX_ROUNDS = MAX_UNPROCESSED_ROUNDS;

type Key = { pk: string; sk: string };
const keyOf = (k: Key): string => `${k.pk}\u0000${k.sk}`;

/**
 * Items by key, in 100-key BatchGetItem calls (consistent reads unless `consistent` is false: half the read
 * units, a read possibly a second stale); absent keys are absent from the map.
 * UnprocessedKeys (throttling) are asked again after a growing, jittered pause (unprocessedBackoff); still
 * unprocessed after 8 rounds, InfrastructureError (our store's fault: the caller's retry, never a 200 with less).
 */
export async function batchGetItems(
  repo: Repository,
  wanted: readonly Key[],
  consistent = true,
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(wanted.map((k) => [keyOf(k), k])).values()];
  for (let i = 0; i < unique.length; i += GET_LIMIT) {
    let pending: Key[] = unique.slice(i, i + GET_LIMIT);
    for (let round = 0; pending.length > 0; round += 1) {
      if (round === MAX_ROUNDS)
        throw new InfrastructureError(`BatchGetItem left ${pending.length} keys unprocessed`, 'dynamodb');
      if (round > 0) await unprocessedBackoff(round);
      const res = await repo.db.send(
        new BatchGetCommand({
          RequestItems: { [repo.table]: { Keys: pending, ConsistentRead: consistent } },
        }),
      );
      for (const item of res.Responses?.[repo.table] ?? [])
        found.set(keyOf({ pk: String(item.pk), sk: String(item.sk) }), item);
      pending = (res.UnprocessedKeys?.[repo.table]?.Keys ?? []) as Key[];
    }
  }
  return found;
}

/** What the sweep reads of a batch of bodies: their states and which of the given alert ids exist. */
export interface SweepReads {
  states: Map<string, BodyState>;
  /** The bodies whose META item exists (crawled at least once). */
  present: Set<string>;
  existingAlerts: Set<string>;
  /** The stored alert items among the ids asked for, as stored (extra attributes included). */
  alertItems: Map<string, Record<string, unknown>>;
  /** The batch's summary left open by a run cut short (open-summary.ts), when `openSummaryOf` was given. */
  openSummary: OpenSummary | null;
}

export async function readSweepState(
  repo: Repository,
  bodyIds: readonly string[],
  alertIds: readonly string[],
  /** The batch's first body: its open summary is read in the same calls. */
  openSummaryFor?: string,
): Promise<SweepReads> {
  const items = await batchGetItems(repo, [
    ...bodyIds.map(keys.body),
    ...alertIds.map(keys.alert),
    ...(openSummaryFor === undefined ? [] : [keys.openSummary(openSummaryFor)]),
  ]);
  const states = new Map<string, BodyState>();
  const present = new Set<string>();
  for (const id of bodyIds) {
    const item = items.get(keyOf(keys.body(id)));
    if (item) present.add(id);
    states.set(id, item ? BodyState.parse(withoutKeys(item)) : { bodyId: id, consecutiveFailures: 0 });
  }
  const alertItems = new Map<string, Record<string, unknown>>();
  for (const id of alertIds) {
    const item = items.get(keyOf(keys.alert(id)));
    if (item) alertItems.set(id, item);
  }
  const openSummary =
    openSummaryFor === undefined ? null : openSummaryOf(items.get(keyOf(keys.openSummary(openSummaryFor))));
  return { states, present, existingAlerts: new Set(alertItems.keys()), alertItems, openSummary };
}

/** A body's current report items (not revisions): one Query, following pagination. */
export async function queryReports(repo: Repository, bodyId: string): Promise<ReportItem[]> {
  return repo.listReports(bodyId);
}

/** Alert records stored as already handed over (deliveredAt set), so neither the queue nor the redrive mails them. */
export async function recordDeliveredAlerts(
  repo: Repository,
  alerts: readonly AlertRecord[],
  deliveredAt: string,
): Promise<void> {
  await batchPut(
    repo,
    alerts.map((a) => ({ ...keys.alert(a.alertId), ...AlertRecord.parse(a), deliveredAt })),
  );
}

/** What the sweep's cheap pass reads of a batch: each body's state and its due years' report dates. */
export interface SweepInputs {
  states: Map<string, BodyState>;
  /** Per body, the `REPORT#<year>` items found among the years asked for (year and page date only). */
  reports: Map<string, Array<{ year: number; publishedAt: string | null }>>;
}

/**
 * The sweep's cheap pass: each body's META item and its due years' `REPORT#<year>` items in 100-key
 * BatchGetItem calls, eventually consistent (0.5 RRU per item up to 4 KB; an absent key is still charged).
 * Enough to compute every verdict; never enough to raise an alert (the caller re-reads consistently first).
 */
export async function readSweepInputs(
  repo: Repository,
  bodies: ReadonlyArray<{ bodyId: string; years: readonly number[] }>,
): Promise<SweepInputs> {
  const items = await batchGetItems(
    repo,
    bodies.flatMap((b) => [keys.body(b.bodyId), ...b.years.map((y) => keys.report(b.bodyId, y))]),
    false,
  );
  const states = new Map<string, BodyState>();
  const reports = new Map<string, Array<{ year: number; publishedAt: string | null }>>();
  for (const { bodyId, years } of bodies) {
    const meta = items.get(keyOf(keys.body(bodyId)));
    states.set(bodyId, meta ? BodyState.parse(withoutKeys(meta)) : { bodyId, consecutiveFailures: 0 });
    reports.set(
      bodyId,
      years.flatMap((year) => {
        const item = items.get(keyOf(keys.report(bodyId, year)));
        if (!item) return [];
        const publishedAt = typeof item.publishedAt === 'string' ? item.publishedAt : null;
        return [{ year, publishedAt }];
      }),
    );
  }
  return { states, reports };
}

/**
 * Stores each body's sweep fingerprint on its META item (one UpdateItem each, 1 WRU: only the attribute
 * is set, so a crawl's fields are not touched), conditional on the item existing: the caller passes only
 * bodies whose META it read, and one deleted since is skipped (the sweep never creates the crawl's item).
 * A body never crawled thus has no fingerprint and takes the sweep's full pass each time.
 * Returns how many were stored.
 */
export async function recordSweepFingerprints(
  repo: Repository,
  entries: ReadonlyArray<{ bodyId: string; fingerprint: string }>,
): Promise<number> {
  let stored = 0;
  for (const { bodyId, fingerprint } of entries) {
    try {
      await repo.db.send(
        new UpdateCommand({
          TableName: repo.table,
          Key: keys.body(bodyId),
          UpdateExpression: 'SET sweepFingerprint = :f',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':f': fingerprint },
        }),
      );
      stored += 1;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  return stored;
}
