import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'hono';
import { isConditionFailed } from '../store/dynamo.ts';
import type { Repository } from '../store/repository.ts';
import { TTL_ATTRIBUTE } from '../store/table.ts';
import type { ApiOptions } from './options.ts';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time comparison of a presented token with the expected one. Both sides are hashed first so
 * the comparison runs over equal lengths and leaks neither the token's content nor its length. With no
 * token configured every request is refused (fail closed).
 */
export function tokenMatches(presented: string | undefined, expected: string | undefined): boolean {
  if (!expected || presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

const keyItem = (hash: string) => ({ pk: `ADMINKEY#${hash}`, sk: 'ADMINKEY' });

/**
 * Issues an admin key (`nbk_` + 32 random bytes, base64url): only its sha256 is stored
 * (`ADMINKEY#<sha256>`), so the key is shown once, to whoever created it, and a copy of the table does
 * not reveal it.
 */
export async function issueAdminKey(repo: Repository, label: string, now: Date): Promise<string> {
  const key = `nbk_${randomBytes(32).toString('base64url')}`;
  const hash = digest(key).toString('hex');
  await repo.db.send(
    new PutCommand({
      TableName: repo.table,
      Item: { ...keyItem(hash), label, createdAt: now.toISOString() },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return key;
}

/** Whether `key` is an issued admin key, not revoked (one GetItem by its hash). */
export async function adminKeyValid(repo: Repository, key: string): Promise<boolean> {
  if (!key.startsWith('nbk_') || key.length > 100) return false;
  return keyStands(repo, digest(key).toString('hex'));
}

/**
 * Revokes an issued admin key: its item is marked `revokedAt` (nothing in the table is ever deleted: the
 * functions hold no DeleteItem), so the key opens nothing from then on. Returns whether a key that stood
 * was revoked. Every dashboard session opened with it ends on its next request (adminSessionValid).
 */
export async function revokeAdminKey(repo: Repository, key: string, now: Date): Promise<boolean> {
  return markOnce(repo, keyItem(digest(key).toString('hex')), 'revokedAt', now);
}

/**
 * Sets `attribute` to `now` on an existing item that does not carry it yet (one conditional UpdateItem;
 * nothing is deleted: the functions hold no DeleteItem). False when the item is absent or already marked.
 */
async function markOnce(
  repo: Repository,
  key: Record<string, string>,
  attribute: 'revokedAt' | 'endedAt',
  now: Date,
): Promise<boolean> {
  try {
    await repo.db.send(
      new UpdateCommand({
        TableName: repo.table,
        Key: key,
        UpdateExpression: 'SET #a = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#a)',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Whether the key item of `hash` stands (issued, not revoked). */
async function keyStands(repo: Repository, hash: string): Promise<boolean> {
  const res = await repo.db.send(
    new GetCommand({ TableName: repo.table, Key: keyItem(hash), ConsistentRead: true }),
  );
  return res.Item !== undefined && res.Item.revokedAt === undefined;
}

/** The configured shared token, read now (a function is asked per request: a rotated token applies). */
async function configuredToken(options: ApiOptions): Promise<string | undefined> {
  return typeof options.adminToken === 'function' ? await options.adminToken() : options.adminToken;
}

/** Whether `key` is the configured token or an issued key. */
export async function adminKeyAccepted(
  repo: Repository,
  options: ApiOptions,
  key: string | undefined,
): Promise<boolean> {
  if (!key) return false;
  return tokenMatches(key, await configuredToken(options)) || (await adminKeyValid(repo, key));
}

/** How long a dashboard session lasts after its login (8 hours, a working day). */
export const ADMIN_SESSION_MS = 8 * 3600 * 1000;

const sessionItem = (hash: string) => ({ pk: `ADMINSESSION#${hash}`, sk: 'ADMINSESSION' });

/** Whether a cookie's value has the shape of a session id (anything else is not looked up). */
const sessionShaped = (id: string | undefined): id is string => /^nbs_[\w-]{1,96}$/.test(id ?? '');

/**
 * Opens a dashboard session after a login with an accepted `key` (the caller has checked it): a random
 * id (`nbs_` + 32 bytes, base64url) goes to the browser; the table keeps only its sha256, the sha256 of
 * the key it was opened with, and its expiry (`expiresAt` ISO, `ttl` epoch seconds for DynamoDB's TTL).
 * The key itself never leaves the login request (OWASP Session Management cheat sheet).
 */
export async function openAdminSession(repo: Repository, key: string, now: Date): Promise<string> {
  const id = `nbs_${randomBytes(32).toString('base64url')}`;
  const expires = new Date(now.getTime() + ADMIN_SESSION_MS);
  await repo.db.send(
    new PutCommand({
      TableName: repo.table,
      Item: {
        ...sessionItem(digest(id).toString('hex')),
        keyHash: digest(key).toString('hex'),
        createdAt: now.toISOString(),
        expiresAt: expires.toISOString(),
        [TTL_ATTRIBUTE]: Math.ceil(expires.getTime() / 1000) + 3600,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return id;
}

/**
 * Whether a session id names a live session: stored, not expired, and its key still accepted (the
 * configured token unchanged, or the issued key not revoked). One or two GetItems.
 */
export async function adminSessionValid(
  repo: Repository,
  options: ApiOptions,
  id: string | undefined,
  now: Date,
): Promise<boolean> {
  if (!sessionShaped(id)) return false;
  const res = await repo.db.send(
    new GetCommand({
      TableName: repo.table,
      Key: sessionItem(digest(id).toString('hex')),
      ConsistentRead: true,
    }),
  );
  const item = res.Item as { keyHash?: unknown; expiresAt?: unknown; endedAt?: unknown } | undefined;
  if (!item || typeof item.keyHash !== 'string' || typeof item.expiresAt !== 'string') return false;
  if (item.endedAt !== undefined || item.expiresAt <= now.toISOString()) return false;
  const token = await configuredToken(options);
  if (token && timingSafeEqual(Buffer.from(item.keyHash, 'hex'), digest(token))) return true;
  return keyStands(repo, item.keyHash);
}

/**
 * Ends a session (logout): its item is marked `endedAt`, so the id opens nothing even if a copy of the
 * cookie survives (marked, not deleted: the functions hold no DeleteItem). An unknown id is ignored.
 */
export async function closeAdminSession(repo: Repository, id: string | undefined, now: Date): Promise<void> {
  if (!sessionShaped(id)) return;
  await markOnce(repo, sessionItem(digest(id).toString('hex')), 'endedAt', now);
}

/**
 * Who may use /admin: the configured shared token (`x-admin-token`, as before), an issued key
 * (`x-admin-token` or `Authorization: Bearer <key>`), or a dashboard session (`x-admin-session`, what the
 * admin pages send when they call the API for a signed-in browser). 401: nothing presented; 403:
 * presented, not valid.
 */
export async function adminAccess(
  c: Context,
  repo: Repository,
  options: ApiOptions,
  now: Date = new Date(),
): Promise<'ok' | 401 | 403> {
  const session = c.req.header('x-admin-session');
  if (session) return (await adminSessionValid(repo, options, session, now)) ? 'ok' : 403;
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  const presented = c.req.header('x-admin-token') ?? bearer;
  if (presented === undefined || presented === '') return 401;
  return (await adminKeyAccepted(repo, options, presented)) ? 'ok' : 403;
}
