import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../store/dynamo.ts';

export interface RateLimit {
  /** At most this many in one window. */
  max: number;
  /** Window length in seconds (fixed windows, aligned to the Unix epoch). */
  windowSeconds: number;
}

/** Confirmation mails per address: 3 a day (a stranger's address cannot be mailed more than that). */
export const CONFIRM_PER_ADDRESS: RateLimit = { max: 3, windowSeconds: 86_400 };
/** Subscription requests per client address (IP): 20 an hour. */
export const REQUESTS_PER_CLIENT: RateLimit = { max: 20, windowSeconds: 3_600 };

/**
 * Takes one unit from the counter `name` (`confirm#<addressHash>`, `client#<ip>`): true when the current
 * window had room, false when it is full. The counter is one item in the table (`RATE#<name>` / `RATE`),
 * so the limit holds across Lambda containers and restarts; a new window overwrites the old count, so
 * items do not pile up (one per name). Two conditional writes: bump within the window, else start a new
 * window; losing both means the window is full.
 */
export async function takeRate(
  db: DynamoDBDocumentClient,
  table: string,
  name: string,
  limit: RateLimit,
  now: Date,
): Promise<boolean> {
  const window = Math.floor(now.getTime() / 1000 / limit.windowSeconds);
  const Key = { pk: `RATE#${name}`, sk: 'RATE' };
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key,
        UpdateExpression: 'SET n = n + :one',
        ConditionExpression: '#w = :w AND n < :max',
        ExpressionAttributeNames: { '#w': 'window' },
        ExpressionAttributeValues: { ':one': 1, ':w': window, ':max': limit.max },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  if (limit.max < 1) return false;
  try {
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { ...Key, window, n: 1 },
        ConditionExpression: 'attribute_not_exists(pk) OR #w <> :w',
        ExpressionAttributeNames: { '#w': 'window' },
        ExpressionAttributeValues: { ':w': window },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
