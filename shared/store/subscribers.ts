import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type AlertKind, normaliseScope } from '../alerts/scopes.ts';
import { RobotTarget } from '../channels/robot.ts';
import type { Body } from '../domain/body.ts';
import { Severity } from '../domain/finding.ts';
import { isConditionFailed, withoutKeys } from './dynamo.ts';
import { Subscriber as BaseSubscriber } from './records.ts';
import { keys, SCOPE_INDEX } from './table.ts';

export { normaliseScope } from '../alerts/scopes.ts';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export const emailHash = (email: string): string =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);

const Kinds = z.array(z.enum(['deadlines', 'anomalies'])).min(1);

/** What a subscriber asked for and has not confirmed yet: applied only by the mailed link. */
export const PendingChange = z.object({
  scopes: z.array(z.string()).min(1),
  kinds: Kinds.optional(),
  minSeverity: Severity.optional(),
  digest: z.enum(['immediate', 'daily']),
  /** A robot subscriber's robot as requested (secrets included): it replaces the stored one only on confirmation. */
  robot: RobotTarget.optional(),
  tokenHash: z.string(),
  expiresAt: z.string(),
});
export type PendingChange = z.infer<typeof PendingChange>;

/**
 * A subscriber's profile (`SUB#<emailHash>` / `PROFILE`): the stored record plus its filters (kinds, minimum
 * severity; absent: everything), the epoch of its signed links, and the change waiting for confirmation.
 */
export const Subscriber = BaseSubscriber.extend({
  /** As accepted at input (alerts/address.ts): internationalised addresses included. */
  email: z.string().min(3),
  kinds: Kinds.optional(),
  minSeverity: Severity.optional(),
  linkEpoch: z.number().int().nonnegative().default(0),
  pending: PendingChange.optional(),
  suppressedWhy: z.string().optional(),
  /**
   * A chat robot or signed webhook instead of a mailbox (channels/robot.ts): then `email` holds the
   * robot's label (`wecom:1a2b…`), never its key, token, URL or secret, which live here only.
   */
  robot: RobotTarget.optional(),
});
export type Subscriber = z.infer<typeof Subscriber>;

/** A subscriber an alert reaches, with the scopes of theirs that cover the alert's body. */
export type Recipient = Subscriber & { matchedScopes: string[] };

export interface SubscriptionOptions {
  confirmed: boolean;
  digest?: 'immediate' | 'daily';
  kinds?: AlertKind[];
  minSeverity?: Severity;
  /** A robot subscriber: the `email` given is its label (channels/robot.ts, robotLabel). */
  robot?: RobotTarget;
}

/** Every scope a subscriber could have used to cover this body: `*`, its province, city, county, itself. */
export function scopesCovering(body: Body): string[] {
  const code = body.divisionCode;
  const scopes = new Set(['*', body.id]);
  for (const len of [2, 4, 6, 9]) if (code.length >= len) scopes.add(code.slice(0, len));
  return [...scopes];
}

/** How long a mailed confirmation link can be used. */
export const CONFIRM_TTL_MS = 48 * 3_600_000;

export class Subscribers {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /**
   * An authenticated action (the CLI, an admin, a test): creates the profile if absent and adds the
   * scopes at once, with the filters and digest given. A subscriber created here is `confirmed` as told;
   * an existing one keeps its confirmation, and, told `confirmed`, is confirmed and its suppression (a hard
   * bounce, a robot refusing its old secret) lifted: the operator's subscribing again is the decision that
   * the address or robot works now. Never reachable from the open API (which goes through `requestChange`
   * and the mailed link).
   */
  async subscribe(
    email: string,
    scopes: string[],
    options: SubscriptionOptions,
    now: string,
  ): Promise<Subscriber> {
    const hash = emailHash(email);
    const profile = {
      email: email.trim(),
      emailHash: hash,
      confirmed: options.confirmed,
      digest: options.digest ?? 'immediate',
      suppressed: false,
      createdAt: now,
      linkEpoch: 0,
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
      if (options.confirmed) {
        await this.setConfirmed(hash);
        await this.setSuppressed(hash, false);
      }
    }
    await this.applyFilters(hash, options);
    await this.addScopes(hash, email.trim(), scopes);
    return (await this.get(hash)) ?? Subscriber.parse(profile);
  }

  async get(hash: string): Promise<Subscriber | undefined> {
    const res = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.subscriber(hash), ConsistentRead: true }),
    );
    return res.Item ? Subscriber.parse(withoutKeys(res.Item)) : undefined;
  }

  /** The subscriber's scopes as stored (normalised), sorted. */
  async scopes(hash: string): Promise<string[]> {
    const res = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':p': `SUB#${hash}`, ':s': 'SCOPE#' },
        ConsistentRead: true,
      }),
    );
    return (res.Items ?? []).map((i) => String(i.scope)).sort();
  }

  /** Every subscriber profile (a scan: for the CLI's `subscribers`, not for a request path). */
  async list(): Promise<Subscriber[]> {
    const out: Subscriber[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'begins_with(pk, :p) AND sk = :s',
          ExpressionAttributeValues: { ':p': 'SUB#', ':s': 'PROFILE' },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) out.push(Subscriber.parse(withoutKeys(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.email.localeCompare(b.email));
  }

  /** Stops (or resumes) every mail to the address: a bounce, a complaint, a permanent SMTP refusal. */
  async setSuppressed(hash: string, suppressed: boolean, why?: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.subscriber(hash),
        UpdateExpression: why ? 'SET suppressed = :s, suppressedWhy = :w' : 'SET suppressed = :s',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':s': suppressed, ...(why ? { ':w': why } : {}) },
      }),
    );
  }

  /**
   * Records a change asked for through the open API (`POST /subscriptions`), for a new or a known
   * address alike, and returns the one-time token for the confirmation link (only its sha256 is stored,
   * valid CONFIRM_TTL_MS). Nothing the subscriber receives changes until `confirm`; a newer request
   * replaces an older pending one.
   */
  async requestChange(
    email: string,
    change: Omit<PendingChange, 'tokenHash' | 'expiresAt'>,
    now: Date,
  ): Promise<string> {
    const hash = emailHash(email);
    const token = randomBytes(24).toString('base64url');
    const pending: PendingChange = {
      ...change,
      scopes: [...new Set(change.scopes.map(normaliseScope))],
      tokenHash: sha256(token),
      expiresAt: new Date(now.getTime() + CONFIRM_TTL_MS).toISOString(),
    };
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.subscriber(hash),
        UpdateExpression:
          'SET pending = :p, email = if_not_exists(email, :e), emailHash = :h, confirmed = if_not_exists(confirmed, :f), ' +
          'digest = if_not_exists(digest, :d), suppressed = if_not_exists(suppressed, :f), createdAt = if_not_exists(createdAt, :now), ' +
          'linkEpoch = if_not_exists(linkEpoch, :zero)',
        ExpressionAttributeValues: {
          ':p': pending,
          ':e': email.trim(),
          ':h': hash,
          ':f': false,
          ':d': change.digest,
          ':now': now.toISOString(),
          ':zero': 0,
        },
      }),
    );
    return token;
  }

  /**
   * Takes back a change whose confirmation mail could not be sent, so no half-written request stays:
   * the pending change is removed if it is still this token's, and an address that was never confirmed
   * is deleted. Conditional writes: a newer request or a confirmation meanwhile is left alone.
   */
  async withdrawChange(hash: string, token: string): Promise<void> {
    const t = sha256(token);
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.subscriber(hash),
          ConditionExpression: 'pending.tokenHash = :t AND confirmed = :f',
          ExpressionAttributeValues: { ':t': t, ':f': false },
        }),
      );
      return;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.subscriber(hash),
          UpdateExpression: 'REMOVE pending',
          ConditionExpression: 'pending.tokenHash = :t',
          ExpressionAttributeValues: { ':t': t },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  /**
   * The change a confirmation link stands for, checked but not applied (the GET page shows it; only the
   * POST applies it): the scopes and digest waiting, or why the link is not valid.
   */
  async pendingChange(
    hash: string,
    token: string,
    now: Date,
  ): Promise<
    { ok: true; scopes: string[]; tokenHash: string } | { ok: false; reason: 'invalid' | 'expired' }
  > {
    const p = (await this.get(hash))?.pending;
    if (!p) return { ok: false, reason: 'invalid' };
    const want = Buffer.from(p.tokenHash, 'hex');
    const got = Buffer.from(sha256(token), 'hex');
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'invalid' };
    if (p.expiresAt < now.toISOString()) return { ok: false, reason: 'expired' };
    return { ok: true, scopes: p.scopes, tokenHash: p.tokenHash };
  }

  /**
   * Applies the pending change when the token matches (constant time) and has not expired: the scopes
   * are added, the filters and digest set, the subscriber confirmed, the token spent (a conditional
   * write: two clicks apply it once). Returns the scopes added, or why not: `invalid` (forged, replaced
   * or already used) or `expired`. It raises the link
   * epoch: every unsubscribe link signed before stops working, so an old per-scope link replayed after
   * the reader subscribed again changes nothing.
   */
  async confirm(
    hash: string,
    token: string,
    now: Date,
  ): Promise<{ ok: true; scopes: string[] } | { ok: false; reason: 'invalid' | 'expired' }> {
    const checked = await this.pendingChange(hash, token, now);
    if (!checked.ok) return checked;
    const s = await this.get(hash);
    const p = s?.pending;
    if (!s || !p || p.tokenHash !== checked.tokenHash) return { ok: false, reason: 'invalid' };
    try {
      // Spend the token first, conditionally: two clicks at once apply the change once.
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.subscriber(hash),
          UpdateExpression:
            'SET confirmed = :y, digest = :d, linkEpoch = if_not_exists(linkEpoch, :zero) + :one REMOVE pending',
          ConditionExpression: 'pending.tokenHash = :t',
          ExpressionAttributeValues: { ':y': true, ':d': p.digest, ':t': p.tokenHash, ':zero': 0, ':one': 1 },
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) return { ok: false, reason: 'invalid' };
      throw error;
    }
    await this.applyFilters(hash, p);
    await this.addScopes(hash, s.email, p.scopes);
    return { ok: true, scopes: p.scopes };
  }

  /**
   * Drops scopes (normalised) or, with `'all'`, every scope, and raises the link epoch so every link
   * signed before stops working. Returns the scopes actually removed (empty: nothing changed).
   */
  async unsubscribe(hash: string, which: string[] | 'all'): Promise<string[]> {
    const held = await this.scopes(hash);
    const drop = which === 'all' ? held : held.filter((s) => which.map(normaliseScope).includes(s));
    for (const scope of drop) {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.subscription(hash, scope) }));
    }
    if (which === 'all' && drop.length > 0) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.subscriber(hash),
          UpdateExpression: 'SET linkEpoch = if_not_exists(linkEpoch, :zero) + :one REMOVE pending',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        }),
      );
    }
    return drop;
  }

  /** Confirmed, unsuppressed subscribers whose scopes cover the body, each once, with those scopes. */
  async forBody(body: Body): Promise<Recipient[]> {
    const matched = new Map<string, string[]>();
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
        for (const item of res.Items ?? []) {
          const hash = String(item.gsi1sk).slice(4);
          matched.set(hash, [...(matched.get(hash) ?? []), scope]);
        }
        start = res.LastEvaluatedKey;
      } while (start);
    }
    const out: Recipient[] = [];
    for (const [hash, scopes] of matched) {
      const s = await this.get(hash);
      if (s?.confirmed && !s.suppressed) out.push({ ...s, matchedScopes: scopes });
    }
    return out;
  }

  private async setConfirmed(hash: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.subscriber(hash),
        UpdateExpression: 'SET confirmed = :y',
        ExpressionAttributeValues: { ':y': true },
      }),
    );
  }

  private async applyFilters(
    hash: string,
    f: {
      digest?: 'immediate' | 'daily' | undefined;
      kinds?: AlertKind[] | undefined;
      minSeverity?: Severity | undefined;
      robot?: RobotTarget | undefined;
    },
  ): Promise<void> {
    const set: string[] = [];
    const remove: string[] = [];
    const values: Record<string, unknown> = {};
    if (f.digest) {
      set.push('digest = :d');
      values[':d'] = f.digest;
    }
    if (f.robot) {
      set.push('robot = :r');
      values[':r'] = f.robot;
    }
    if (f.kinds) {
      set.push('kinds = :k');
      values[':k'] = f.kinds;
    } else remove.push('kinds');
    if (f.minSeverity) {
      set.push('minSeverity = :m');
      values[':m'] = f.minSeverity;
    } else remove.push('minSeverity');
    const expr = [
      set.length ? `SET ${set.join(', ')}` : '',
      remove.length ? `REMOVE ${remove.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.subscriber(hash),
        UpdateExpression: expr,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }

  private async addScopes(hash: string, email: string, scopes: readonly string[]): Promise<void> {
    for (const scope of new Set(scopes.map(normaliseScope))) {
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
  }
}
