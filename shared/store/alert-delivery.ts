import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../channels/robot.ts';
import { isConditionFailed, withoutKeys } from './dynamo.ts';
import { clearPending, listPending } from './pending.ts';
import { AlertRecord } from './records.ts';
import type { Repository } from './repository.ts';
import { batchGetItems } from './sweep-reads.ts';
import { keys } from './table.ts';

/**
 * How long a delivery claim keeps other workers off (ms): longer than one send can take in either
 * runtime (the alert function times out after 1 minute; the queue shows the message again after 6), so
 * a live worker is never overtaken, and a dead worker's claim is taken over by the next attempt.
 */
export const DELIVERY_LEASE_MS = 5 * 60_000;

/** Outcome of a claim: ours to send; already sent (or refused for good); or held by a live worker. */
export type Claim =
  | { state: 'claimed'; messageId: string; attempt: number }
  | { state: 'done'; status: 'sent' | 'refused' }
  | { state: 'held'; until: string };

/**
 * One (alert, recipient, channel): the key of its once-only delivery. `recipient` is the address hash (a
 * robot's: the hash of its label). The stored key is (alert, recipient): a recipient has one channel.
 */
export interface DeliveryKey {
  alertId: string;
  recipient: string;
  /** `email`, or the robot's platform (channels/robot.ts). */
  channel: Channel;
}

const deliveryKey = (k: DeliveryKey) => keys.delivery(k.alertId, k.recipient);

/**
 * The Message-ID every attempt of one delivery carries: the same for a retry after a crash between the
 * send and its mark, so a mail client (and a relay that deduplicates) sees one message, not two.
 * RFC 5322 msg-id, `<hex@domain>`, the domain taken from the sender's address.
 */
export function deliveryMessageId(k: DeliveryKey, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'nianbao-watch.invalid';
  const id = createHash('sha256')
    .update(`${k.alertId}\n${k.channel}\n${k.recipient}`)
    .digest('hex')
    .slice(0, 32);
  return `<${id}@${domain}>`;
}

/**
 * Claims one delivery before sending (a conditional put): granted when nobody has claimed it, or when the
 * last claim is still `pending` but its lease ran out (the worker died between claim and mark). A second
 * worker meanwhile gets `held`; a sent or refused delivery is `done` for ever. The Message-ID is recorded
 * with the claim, before the send.
 */
export async function claimDelivery(
  repo: Repository,
  k: DeliveryKey,
  messageId: string,
  now: Date,
  leaseMs = DELIVERY_LEASE_MS,
): Promise<Claim> {
  const at = now.toISOString();
  try {
    const res = await repo.db.send(
      new PutCommand({
        TableName: repo.table,
        Item: {
          ...deliveryKey(k),
          status: 'pending',
          channel: k.channel,
          claimedAt: at,
          leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
          messageId,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR (#s = :pending AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':now': at },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return { state: 'claimed', messageId, attempt: res.Attributes ? 2 : 1 };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const held = await repo.db.send(
    new GetCommand({ TableName: repo.table, Key: deliveryKey(k), ConsistentRead: true }),
  );
  const status = held.Item?.status;
  if (status === 'sent' || status === 'refused') return { state: 'done', status };
  return { state: 'held', until: String(held.Item?.leaseUntil ?? '') };
}

/**
 * Gives a claim back after a send that failed for a passing reason (the mail server down): the retry
 * need not wait for the lease. Only our own claim (its Message-ID) still pending is deleted.
 */
export async function releaseDelivery(repo: Repository, k: DeliveryKey, messageId: string): Promise<void> {
  try {
    await repo.db.send(
      new DeleteCommand({
        TableName: repo.table,
        Key: deliveryKey(k),
        ConditionExpression: '#s = :pending AND messageId = :m',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':m': messageId },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** Marks a claimed delivery sent (`sent`) or refused for good (`refused`, a permanent 5xx): final. */
export async function markDelivery(
  repo: Repository,
  k: DeliveryKey,
  outcome: { status: 'sent'; transportId: string } | { status: 'refused'; reason: string },
  now: Date,
): Promise<void> {
  await repo.db.send(
    new UpdateCommand({
      TableName: repo.table,
      Key: deliveryKey(k),
      UpdateExpression: 'SET #s = :s, doneAt = :now, detail = :d REMOVE leaseUntil',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':s': outcome.status,
        ':now': now.toISOString(),
        ':d': outcome.status === 'sent' ? outcome.transportId : outcome.reason,
      },
    }),
  );
}

/** Marks an alert as handed to every recipient, so the redrive stops offering it. */
export async function markAlertDelivered(repo: Repository, alertId: string, now: string): Promise<void> {
  await repo.db.send(
    new UpdateCommand({
      TableName: repo.table,
      Key: keys.alert(alertId),
      UpdateExpression: 'SET deliveredAt = :now',
      ExpressionAttributeValues: { ':now': now },
    }),
  );
  await clearPending(repo, 'ALERT', alertId);
}

/** A mark with no alert behind it is dropped only after this long, ms (its alert may be being written). */
const ORPHAN_MARK_MS = 60 * 60_000;

/**
 * Alerts recorded but not yet delivered to all their recipients: a mail server was down longer than the
 * queue's retries, the process stopped with the alert in flight, or a delivery was still held by another
 * worker. Read from their pending marks (pending.ts: one Query, then the alerts by BatchGetItem), never by
 * a Scan of the table; marks whose alert is delivered, or that have had no alert behind them for an hour
 * (a crash between the mark and the alert), are dropped on the way. `now` is ISO 8601.
 */
export async function undeliveredAlerts(
  repo: Repository,
  now: string = new Date().toISOString(),
): Promise<AlertRecord[]> {
  const marks = await listPending(repo, 'ALERT', now, {
    filter: 'begins_with(pk, :p) AND attribute_not_exists(deliveredAt)',
    values: { ':p': 'ALERT#' },
    idOf: (item) => String(item.alertId),
  });
  const items = await batchGetItems(
    repo,
    marks.map((m) => keys.alert(m.id)),
  );
  const out: AlertRecord[] = [];
  for (const mark of marks) {
    const k = keys.alert(mark.id);
    const item = items.get(`${k.pk}\u0000${k.sk}`);
    if (item && item.deliveredAt === undefined) {
      const { deliveredAt: _d, covers: _c, ...rest } = withoutKeys(item);
      out.push(AlertRecord.parse(rest));
    } else if (item || Date.parse(now) - Date.parse(mark.at) > ORPHAN_MARK_MS) {
      await clearPending(repo, 'ALERT', mark.id);
    }
  }
  return out;
}
