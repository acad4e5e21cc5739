import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Body } from '../domain/body.ts';
import { isConditionFailed, withoutKeys } from './dynamo.ts';
import { Subscriber } from './records.ts';
import { keys, SCOPE_INDEX } from './table.ts';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export const emailHash = (email: string): string =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);

/** `*`, a body id, or a division code with its trailing 00 pairs dropped (`360800` → `3608`). */
export function normaliseScope(scope: string): string {
  const s = scope.trim();
  if (/^\d+$/.test(s)) {
    const trimmed = s.replace(/(00)+$/, '');
    return trimmed.length >= 2 ? trimmed : s;
  }
  return s;
}

/** Every scope a subscriber could have used to cover this body: `*`, its province, city, county, itself. */
export function scopesCovering(body: Body): string[] {
  const code = body.divisionCode;
  const scopes = new Set(['*', body.id]);
  for (const len of [2, 4, 6, 9]) if (code.length >= len) scopes.add(code.slice(0, len));
  return [...scopes];
}

export class Subscribers {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async subscribe(
    email: string,
    scopes: string[],
    options: { confirmed: boolean; digest?: 'immediate' | 'daily' },
    now: string,
  ): Promise<Subscriber> {
    const hash = emailHash(email);
    const profile: Subscriber = {
      email: email.trim(),
      emailHash: hash,
      confirmed: options.confirmed,
      digest: options.digest ?? 'immediate',
      suppressed: false,
      createdAt: now,
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.subscriber(hash), ...profile },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    for (const raw of scopes) {
      const scope = normaliseScope(raw);
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys.subscription(hash, scope),
            gsi1pk: `SCOPE#${scope}`,
            gsi1sk: `SUB#${hash}`,
            scope,
            email,
          },
        }),
      );
    }
    return (await this.get(hash)) ?? profile;
  }

  async get(hash: string): Promise<Subscriber | undefined> {
    const res = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.subscriber(hash), ConsistentRead: true }),
    );
    return res.Item ? Subscriber.parse(withoutKeys(res.Item)) : undefined;
  }

  async setSuppressed(hash: string, suppressed: boolean): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.subscriber(hash),
        UpdateExpression: 'SET suppressed = :s',
        ExpressionAttributeValues: { ':s': suppressed },
      }),
    );
  }

  /** A fresh double-opt-in token for an unconfirmed subscriber (only its hash is stored). */
  async issueConfirmToken(hash: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.subscriber(hash),
        UpdateExpression: 'SET confirmTokenHash = :t',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':t': sha256(token) },
      }),
    );
    return token;
  }

  /** Confirms the subscriber when the token matches (constant-time); false otherwise. */
  async confirm(hash: string, token: string): Promise<boolean> {
    const s = await this.get(hash);
    if (!s?.confirmTokenHash) return s?.confirmed ?? false;
    const want = Buffer.from(s.confirmTokenHash, 'hex');
    const got = Buffer.from(sha256(token), 'hex');
    if (want.length !== got.length || !timingSafeEqual(want, got)) return false;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.subscriber(hash),
        UpdateExpression: 'SET confirmed = :y REMOVE confirmTokenHash',
        ExpressionAttributeValues: { ':y': true },
      }),
    );
    return true;
  }

  /** Confirmed, unsuppressed subscribers whose scope covers the body, each once. */
  async forBody(body: Body): Promise<Subscriber[]> {
    const hashes = new Set<string>();
    for (const scope of scopesCovering(body)) {
      // Every page: the `*` scope alone can hold more than a 1 MB page of subscriptions.
      let start: Record<string, unknown> | undefined;
      do {
        const res = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: SCOPE_INDEX,
            KeyConditionExpression: 'gsi1pk = :p',
            ExpressionAttributeValues: { ':p': `SCOPE#${scope}` },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of res.Items ?? []) hashes.add(String(item.gsi1sk).slice(4));
        start = res.LastEvaluatedKey;
      } while (start);
    }
    const out: Subscriber[] = [];
    for (const hash of hashes) {
      const s = await this.get(hash);
      if (s?.confirmed && !s.suppressed) out.push(s);
    }
    return out;
  }

  /** Claims one delivery of an alert to a subscriber; false when it was already sent. */
  async claimDelivery(alertId: string, hash: string, now: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.delivery(alertId, hash), status: 'pending', claimedAt: now },
          // A pending claim from a crashed attempt may be retried; a sent one never.
          ConditionExpression: 'attribute_not_exists(pk) OR #s <> :sent',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async markDelivered(alertId: string, hash: string, messageId: string, now: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.delivery(alertId, hash),
        UpdateExpression: 'SET #s = :sent, sentAt = :now, messageId = :m',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': now, ':m': messageId },
      }),
    );
  }
}
