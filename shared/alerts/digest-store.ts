import { PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../store/dynamo.ts';
import type { Repository } from '../store/repository.ts';

/** One alert waiting for a subscriber's daily digest (`DIGEST#<emailHash>` / `ENTRY#<alertId>`). */
export interface DigestEntry {
  emailHash: string;
  alertId: string;
  addedAt: string;
  /** The digest that took it (`digest/<emailHash>/<date>`); absent while it waits. */
  digestId?: string;
}

/** Adds an alert to a subscriber's next digest, once (a conditional put). */
export async function addToDigest(
  repo: Repository,
  emailHash: string,
  alertId: string,
  now: Date,
): Promise<void> {
  try {
    await repo.db.send(
      new PutCommand({
        TableName: repo.table,
        Item: {
          pk: `DIGEST#${emailHash}`,
          sk: `ENTRY#${alertId}`,
          emailHash,
          alertId,
          addedAt: now.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** Subscribers with entries not yet mailed (a scan: runs once a day, entries are few). */
export async function subscribersWaiting(repo: Repository): Promise<string[]> {
  const out = new Set<string>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await repo.db.send(
      new ScanCommand({
        TableName: repo.table,
        FilterExpression: 'begins_with(pk, :p) AND attribute_not_exists(sentAt)',
        ExpressionAttributeValues: { ':p': 'DIGEST#' },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) out.add(String(item.emailHash));
    start = page.LastEvaluatedKey;
  } while (start);
  return [...out];
}

/**
 * Takes a subscriber's unmailed entries for digest `digestId` (a conditional write each: entries another
 * digest took meanwhile are left to it; entries of an earlier digest that never went out are taken over)
 * and returns every entry this digest holds, so a retried digest mails the same findings.
 */
export async function takeEntries(
  repo: Repository,
  emailHash: string,
  digestId: string,
): Promise<DigestEntry[]> {
  const res = await repo.db.send(
    new QueryCommand({
      TableName: repo.table,
      KeyConditionExpression: 'pk = :p',
      FilterExpression: 'attribute_not_exists(sentAt)',
      ExpressionAttributeValues: { ':p': `DIGEST#${emailHash}` },
      ConsistentRead: true,
    }),
  );
  const out: DigestEntry[] = [];
  for (const item of res.Items ?? []) {
    const entry = { emailHash, alertId: String(item.alertId), addedAt: String(item.addedAt), digestId };
    if (item.digestId === digestId) {
      out.push(entry);
      continue;
    }
    try {
      await repo.db.send(
        new UpdateCommand({
          TableName: repo.table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET digestId = :d',
          ConditionExpression:
            'attribute_not_exists(sentAt) AND (attribute_not_exists(digestId) OR digestId = :old)',
          ExpressionAttributeValues: { ':d': digestId, ':old': item.digestId ?? '' },
        }),
      );
      out.push(entry);
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  return out.sort((a, b) => a.addedAt.localeCompare(b.addedAt));
}

/** Marks a digest's entries mailed: no later digest repeats them. */
export async function markEntriesSent(
  repo: Repository,
  entries: readonly DigestEntry[],
  now: Date,
): Promise<void> {
  for (const e of entries) {
    await repo.db.send(
      new UpdateCommand({
        TableName: repo.table,
        Key: { pk: `DIGEST#${e.emailHash}`, sk: `ENTRY#${e.alertId}` },
        UpdateExpression: 'SET sentAt = :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  }
}
