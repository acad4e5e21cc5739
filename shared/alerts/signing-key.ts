import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../store/dynamo.ts';

const KEY_ITEM = { pk: 'CONFIG#LINK-SIGNING', sk: 'KEY' };
const cache = new WeakMap<DynamoDBDocumentClient, Map<string, Promise<Buffer>>>();

/**
 * The HMAC key that signs unsubscribe and manage links (tokens.ts): 32 random bytes kept in the table,
 * written once by whichever process needs it first (a conditional put decides a race; the loser reads
 * the winner's), so every Lambda container and the embedded runtime sign and verify alike with nothing
 * to configure. Read once per process and table. Rotating it (deleting the item) voids every link mailed.
 */
export function linkSigningKey(db: DynamoDBDocumentClient, table: string): Promise<Buffer> {
  let perTable = cache.get(db);
  if (!perTable) {
    perTable = new Map();
    cache.set(db, perTable);
  }
  let key = perTable.get(table);
  if (!key) {
    key = loadOrCreate(db, table);
    perTable.set(table, key);
    key.catch(() => perTable?.delete(table));
  }
  return key;
}

async function loadOrCreate(db: DynamoDBDocumentClient, table: string): Promise<Buffer> {
  const read = async () => {
    const res = await db.send(new GetCommand({ TableName: table, Key: KEY_ITEM, ConsistentRead: true }));
    return typeof res.Item?.key === 'string' ? Buffer.from(res.Item.key, 'base64') : undefined;
  };
  const existing = await read();
  if (existing) return existing;
  const fresh = randomBytes(32);
  try {
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { ...KEY_ITEM, key: fresh.toString('base64') },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return fresh;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const winner = await read();
    if (!winner) throw error;
    return winner;
  }
}
