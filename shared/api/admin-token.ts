import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'hono';
import type { Repository } from '../store/repository.ts';
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

/** Whether `key` is an issued admin key (one GetItem by its hash). */
export async function adminKeyValid(repo: Repository, key: string): Promise<boolean> {
  if (!key.startsWith('nbk_') || key.length > 100) return false;
  const res = await repo.db.send(
    new GetCommand({
      TableName: repo.table,
      Key: keyItem(digest(key).toString('hex')),
      ConsistentRead: true,
    }),
  );
  return res.Item !== undefined;
}

/**
 * Who may use /admin: the configured shared token (`x-admin-token`, as before) or an issued key
 * (`x-admin-token` or `Authorization: Bearer <key>`). 401: nothing presented; 403: presented, not valid.
 */
export async function adminAccess(
  c: Context,
  repo: Repository,
  options: ApiOptions,
): Promise<'ok' | 401 | 403> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  const presented = c.req.header('x-admin-token') ?? bearer;
  if (presented === undefined || presented === '') return 401;
  const expected = typeof options.adminToken === 'function' ? await options.adminToken() : options.adminToken;
  if (tokenMatches(presented, expected)) return 'ok';
  return (await adminKeyValid(repo, presented)) ? 'ok' : 403;
}
