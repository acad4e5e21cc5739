import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../store/dynamo.ts';

export interface RateLimit {
  /** At most this many in one window. */
  max: number;
  /** Window length in seconds (a rolling window ending at the request). */
  windowSeconds: number;
}

/** Confirmation mails per address: 3 a day (a stranger's address cannot be mailed more than that). */
export const CONFIRM_PER_ADDRESS: RateLimit = { max: 3, windowSeconds: 86_400 };
/** Subscription requests per client address (IP): 20 an hour. */
export const REQUESTS_PER_CLIENT: RateLimit = { max: 20, windowSeconds: 3_600 };

/**
 * Takes one unit from the counter `name` (`confirm#<addressHash>`, `client#<ip>`): true when fewer than
 * `max` units were taken in the `windowSeconds` before `now` (a rolling window: 3 a day means 3 in any
 * 24 hours, never 6 across a midnight), false when that many were. The counter is one item in the table
 * (`RATE#<name>` / `RATE`) holding the times (ms) of the units still inside the window, so the limit holds
 * across Lambda containers and restarts and the item never grows past `max` times. Optimistic writes
 * (a version number) make concurrent takers count each unit once; a taker losing every retry is refused.
 */
export async function takeRate(
  db: DynamoDBDocumentClient,
  table: string,
  name: string,
  limit: RateLimit,
  now: Date,
): Promise<boolean> {
  if (limit.max < 1) return false;
  const Key = { pk: `RATE#${name}`, sk: 'RATE' };
  const since = now.getTime() - limit.windowSeconds * 1000;
  // Each round has one winner, so max + a few rounds let every taker within the limit through.
  for (let attempt = 0; attempt < limit.max + 5; attempt++) {
    const held = (await db.send(new GetCommand({ TableName: table, Key, ConsistentRead: true }))).Item;
    const times = (Array.isArray(held?.times) ? (held.times as unknown[]) : [])
      .map(Number)
      .filter((t) => Number.isFinite(t) && t > since);
    if (times.length >= limit.max) return false;
    const version = typeof held?.v === 'number' ? held.v : undefined;
    try {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...Key, times: [...times, now.getTime()], v: (version ?? 0) + 1 },
          ...(held === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : version === undefined
              ? { ConditionExpression: 'attribute_not_exists(v)' }
              : { ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': version } }),
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  return false;
}
