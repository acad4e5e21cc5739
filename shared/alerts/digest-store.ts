import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../store/dynamo.ts';
import { clearPending, listPending, markPending } from '../store/pending.ts';
import { queryAll } from '../store/query-all.ts';
import type { Repository } from '../store/repository.ts';
import { keys } from '../store/table.ts';

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
  // Marked first (pending.ts): the daily digests find who waits by a Query, not a Scan of the table.
  await markPending(repo, 'DIGEST', emailHash, now.toISOString());
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

/**
 * Subscribers with entries not yet mailed, with their pending mark's count (pass it to `digestDone`):
 * from their marks (pending.ts, one Query), never a Scan of the table. `now` is ISO 8601.
 */
export async function subscribersWaiting(
  repo: Repository,
  now: string,
): Promise<Array<{ emailHash: string; marks: number }>> {
  const marks = await listPending(repo, 'DIGEST', now, {
    filter: 'begins_with(pk, :p) AND attribute_not_exists(sentAt)',
    values: { ':p': 'DIGEST#' },
    idOf: (item) => String(item.emailHash),
  });
  return marks.map((m) => ({ emailHash: m.id, marks: m.marks }));
}

/**
 * The subscriber's entries taken when its mark counted `marks` are all mailed (or dropped): its mark goes,
 * unless an entry was added since (the mark counted again), or the mark was set within the last hour (an
 * entry marked but still being written when the entries were taken: the mark stays for the next digest,
 * which finds it, or finds nothing and removes an old mark then). `now` is ISO 8601.
 */
export async function digestDone(
  repo: Repository,
  emailHash: string,
  marks: number,
  now: string,
): Promise<void> {
  const hourAgo = new Date(Date.parse(now) - 60 * 60_000).toISOString();
  await clearPending(repo, 'DIGEST', emailHash, marks, hourAgo);
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
  /** Now: when entries of an earlier digest found sent are marked so. */
  now: Date,
): Promise<DigestEntry[]> {
  // Every page (a subscriber's mailed entries stay, so one to whom much was mailed passes 1 MB).
  const unsent = (await queryAll(repo, `DIGEST#${emailHash}`)).filter((item) => item.sentAt === undefined);
  const out: DigestEntry[] = [];
  // An earlier digest that holds entries went out if its delivery says `sent` (a crash after that mark and
  // before its entries were marked): those entries are marked sent now, never mailed again.
  const wentOut = new Map<string, boolean>();
  const sentEarlier = async (earlier: string): Promise<boolean> => {
    const known = wentOut.get(earlier);
    if (known !== undefined) return known;
    const res = await repo.db.send(
      new GetCommand({ TableName: repo.table, Key: keys.delivery(earlier, emailHash), ConsistentRead: true }),
    );
    const sent = res.Item?.status === 'sent';
    wentOut.set(earlier, sent);
    return sent;
  };
  for (const item of unsent) {
    const entry = { emailHash, alertId: String(item.alertId), addedAt: String(item.addedAt), digestId };
    if (item.digestId === digestId) {
      out.push(entry);
      continue;
    }
    if (typeof item.digestId === 'string' && (await sentEarlier(item.digestId))) {
      await markEntriesSent(repo, [{ ...entry, digestId: item.digestId }], now);
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
