import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { InfrastructureError } from '../errors.ts';
import { batchPut, MAX_UNPROCESSED_ROUNDS, unprocessedBackoff } from './batch-write.ts';
import { withoutKeys } from './dynamo.ts';
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
 * Items by key, in 100-key BatchGetItem calls (consistent reads); absent keys are absent from the map.
 * UnprocessedKeys (throttling) are asked again after a growing, jittered pause (unprocessedBackoff); still
 * unprocessed after 8 rounds, InfrastructureError (our store's fault: the caller's retry, never a 200 with less).
 */
export async function batchGetItems(
  repo: Repository,
  wanted: readonly Key[],
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
        new BatchGetCommand({ RequestItems: { [repo.table]: { Keys: pending, ConsistentRead: true } } }),
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
  existingAlerts: Set<string>;
  /** The stored alert items among the ids asked for, as stored (extra attributes included). */
  alertItems: Map<string, Record<string, unknown>>;
}

export async function readSweepState(
  repo: Repository,
  bodyIds: readonly string[],
  alertIds: readonly string[],
): Promise<SweepReads> {
  const items = await batchGetItems(repo, [...bodyIds.map(keys.body), ...alertIds.map(keys.alert)]);
  const states = new Map<string, BodyState>();
  for (const id of bodyIds) {
    const item = items.get(keyOf(keys.body(id)));
    states.set(id, item ? BodyState.parse(withoutKeys(item)) : { bodyId: id, consecutiveFailures: 0 });
  }
  const alertItems = new Map<string, Record<string, unknown>>();
  for (const id of alertIds) {
    const item = items.get(keyOf(keys.alert(id)));
    if (item) alertItems.set(id, item);
  }
  return { states, existingAlerts: new Set(alertItems.keys()), alertItems };
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
