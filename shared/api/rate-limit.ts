import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'hono';
import type { Repository } from '../store/repository.ts';

/**
 * The client's address: API Gateway's `requestContext` source IP (Lambda), else the socket's remote
 * address (the local Node server). A forwarded-for header is never trusted: a client could name any
 * address in it to dodge its limit. Tests calling `app.request` without an env share one client.
 */
export function clientAddress(c: Context): string {
  const env = c.env as
    | {
        requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  return (
    env?.requestContext?.http?.sourceIp ??
    env?.requestContext?.identity?.sourceIp ??
    env?.incoming?.socket?.remoteAddress ??
    'unknown'
  );
}

export interface RateDecision {
  allowed: boolean;
  count: number;
  limit: number;
  /** Seconds until the window resets. */
  retryAfter: number;
}

/**
 * A fixed one-minute window per client and class of route, counted in the table (`RATE#<sha1(class,
 * client)>#<minute>`, one atomic ADD per request), so the limit holds across Lambda containers and
 * local processes alike. Items carry `ttl` (epoch seconds, an hour after their window) for DynamoDB's
 * TTL to delete; the embedded stand-in keeps them (a few bytes per client-minute).
 */
export async function countRequest(
  repo: Repository,
  kind: string,
  client: string,
  limit: number,
  now: Date,
): Promise<RateDecision> {
  const minute = Math.floor(now.getTime() / 60_000);
  const id = createHash('sha1').update(`${kind}\u0000${client}`).digest('hex');
  const res = await repo.db.send(
    new UpdateCommand({
      TableName: repo.table,
      Key: { pk: `RATE#${id}#${minute}`, sk: 'RATE' },
      UpdateExpression: 'ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)',
      ExpressionAttributeNames: { '#n': 'count', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':one': 1, ':ttl': (minute + 61) * 60 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const count = Number(res.Attributes?.count ?? 1);
  const retryAfter = 60 - Math.floor((now.getTime() / 1000) % 60);
  return { allowed: count <= limit, count, limit, retryAfter };
}
