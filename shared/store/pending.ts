import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from './dynamo.ts';
import { queryAll, scanAll } from './query-all.ts';
import type { Repository } from './repository.ts';

/*
 * Work waiting to be done, kept in one partition per kind so that finding it is a Query of what waits,
 * never a Scan of the table: a Scan is charged for every item it reads, filter or not, and the table
 * holds every check-log entry ever written (about 24 GB after a year at 100,000 bodies: a Scan a day would
 * cost more than the rest of the DynamoDB bill). `PENDING#<kind>` / `<id>`:
 * - `ALERT` / alert id: an alert recorded and not yet delivered to all its recipients (the redrive);
 * - `DIGEST` / email hash: a subscriber with digest entries not yet mailed (the daily digests).
 * The mark is written BEFORE the work item (a crash between leaves a mark with nothing behind it, which
 * the reader drops) and removed AFTER the work is done (a crash between leaves a mark the reader finds
 * done and drops): nothing waiting is ever unmarked.
 */
export type PendingKind = 'ALERT' | 'DIGEST';

export interface PendingMark {
  id: string;
  /** When it was last marked, ISO 8601. */
  at: string;
  /** How many times it was marked: `clearPending` removes it only if nothing marked it again since. */
  marks: number;
}

const key = (kind: PendingKind, id: string) => ({ pk: `PENDING#${kind}`, sk: id });
/** Says the kind's marks are complete: written once the table's older waiting items were marked by a Scan. */
const stateKey = (kind: PendingKind) => ({ pk: `PENDING-STATE#${kind}`, sk: 'STATE' });

/** Marks `id` as waiting (an UpdateItem: a new mark, or one more on an existing one). */
export async function markPending(
  repo: Repository,
  kind: PendingKind,
  id: string,
  at: string,
): Promise<void> {
  await repo.db.send(
    new UpdateCommand({
      TableName: repo.table,
      Key: key(kind, id),
      UpdateExpression: 'SET #at = :at ADD marks :one',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':at': at, ':one': 1 },
    }),
  );
}

/**
 * Removes the mark of `id`, done; with `ifMarks` (the `marks` read when the work was taken) only when
 * nothing marked it again since — new work added meanwhile keeps it waiting; with `ifMarkedBefore` (ISO
 * 8601) only when it was last marked before then — a mark set just now may belong to work whose item is still
 * being written (mark first, item second), which the reader could not have seen.
 */
export async function clearPending(
  repo: Repository,
  kind: PendingKind,
  id: string,
  ifMarks?: number,
  ifMarkedBefore?: string,
): Promise<void> {
  const conditions = [
    ...(ifMarks === undefined ? [] : ['marks = :m']),
    ...(ifMarkedBefore === undefined ? [] : ['#at < :before']),
  ];
  try {
    await repo.db.send(
      new DeleteCommand({
        TableName: repo.table,
        Key: key(kind, id),
        ...(conditions.length === 0
          ? {}
          : {
              ConditionExpression: conditions.join(' AND '),
              ...(ifMarkedBefore === undefined ? {} : { ExpressionAttributeNames: { '#at': 'at' } }),
              ExpressionAttributeValues: {
                ...(ifMarks === undefined ? {} : { ':m': ifMarks }),
                ...(ifMarkedBefore === undefined ? {} : { ':before': ifMarkedBefore }),
              },
            }),
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/**
 * Every mark of a kind (a Query of its partition, every page), oldest id order. The first time on a table
 * whose marks are not known complete (made before marks existed), `legacyScan` finds what waits the old
 * way, once: each is marked, then the state item says the marks are complete.
 */
export async function listPending(
  repo: Repository,
  kind: PendingKind,
  at: string,
  legacy: {
    filter: string;
    values: Record<string, unknown>;
    idOf: (item: Record<string, unknown>) => string;
  },
): Promise<PendingMark[]> {
  const state = await repo.db.send(
    new GetCommand({ TableName: repo.table, Key: stateKey(kind), ConsistentRead: true }),
  );
  if (!state.Item) {
    for (const item of await scanAll(repo, legacy.filter, legacy.values))
      await markPending(repo, kind, legacy.idOf(item), at);
    await repo.db.send(new PutCommand({ TableName: repo.table, Item: { ...stateKey(kind), at } }));
  }
  return (await queryAll(repo, `PENDING#${kind}`)).map((item) => ({
    id: String(item.sk),
    at: String(item.at ?? ''),
    marks: Number(item.marks ?? 0),
  }));
}
