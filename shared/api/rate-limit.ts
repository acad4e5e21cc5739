import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'hono';
import type { Repository } from '../store/repository.ts';
import { TTL_ATTRIBUTE } from '../store/table.ts';

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
  /** The client's requests in this window as far as this process knows (its own and those flushed by others). */
  count: number;
  limit: number;
  /** Seconds until the window resets. */
  retryAfter: number;
}

const minuteOf = (now: Date) => Math.floor(now.getTime() / 60_000);
const secondsLeft = (now: Date) => 60 - Math.floor((now.getTime() / 1000) % 60);

/**
 * Adds `by` requests to a client's fixed one-minute window in the table (`RATE#<sha1(class, client)>#<minute>`,
 * one atomic ADD) and returns the window's count after it: the count every process and Lambda container
 * shares. Items carry `ttl` (epoch seconds, an hour after their window) for DynamoDB's TTL to delete; the
 * embedded stand-in keeps them (a few bytes per client-minute).
 */
export async function addToWindow(
  repo: Repository,
  kind: string,
  client: string,
  now: Date,
  by = 1,
): Promise<number> {
  const minute = minuteOf(now);
  const id = createHash('sha1').update(`${kind}\u0000${client}`).digest('hex');
  const res = await repo.db.send(
    new UpdateCommand({
      TableName: repo.table,
      Key: { pk: `RATE#${id}#${minute}`, sk: 'RATE' },
      UpdateExpression: 'ADD #n :by SET #ttl = if_not_exists(#ttl, :ttl)',
      ExpressionAttributeNames: { '#n': 'count', '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':by': by, ':ttl': (minute + 61) * 60 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(res.Attributes?.count ?? by);
}

/** How often a process writes a busy client's count to the table at the least (ms). */
export const FLUSH_EVERY_MS = 1000;

/**
 * The largest number of a client's requests a process holds back before writing them to the table: a
 * twentieth of the limit, between 1 and 50. Below a limit of 40 every request is written (exact).
 */
export const flushBatch = (limit: number): number => Math.max(1, Math.min(50, Math.floor(limit / 20)));

interface Window {
  minute: number;
  /** The table's count after this process's last write (others' requests included). */
  known: number;
  /** This process's requests not yet written. */
  pending: number;
  /** This process's requests in writes not yet answered (counted until the table's answer includes them). */
  writing: number;
  /** When this process last wrote (ms); -Infinity before the first write. */
  flushedAt: number;
}

/** Counts requests per client and class of route (see `rateCounter`). */
export interface RateCounter {
  count(repo: Repository, kind: string, client: string, limit: number, now: Date): Promise<RateDecision>;
}

/**
 * A per-client fixed one-minute window, counted in this process and written to the table in batches
 * (write-behind), so a read does not cost a table write while the limit still holds across Lambda
 * containers and local processes:
 * - every request is counted (refused ones too), first in the process; the decision is
 *   `known + writing + pending ≤ limit`, where `known` is the table's count at this process's last answered
 *   write and `writing` the requests of writes not yet answered (so a concurrent burst arriving during a
 *   write counts them); a request that writes decides on the table's answer (its own atomic count) plus
 *   what is pending;
 * - a client's first request of a window in a process, and any request once `flushBatch(limit)` are
 *   pending or `FLUSH_EVERY_MS` has passed since the last write, writes the pending count (one ADD) and
 *   decides on the table's answer.
 * So within one process the limit is exact; across P processes a client gets at most
 * `limit + P × (flushBatch(limit) − 1)` requests in a window (each process holds back fewer than a batch),
 * and with a limit below 40 every request is written, as before. A write that fails lets the request
 * through (the caller logs it) and keeps its requests pending. Windows of past minutes are dropped.
 */
export function rateCounter(): RateCounter {
  const windows = new Map<string, Window>();
  let minuteSeen = Number.NEGATIVE_INFINITY;
  return {
    async count(repo, kind, client, limit, now) {
      const minute = minuteOf(now);
      if (minute !== minuteSeen) {
        for (const [k, w] of windows) if (w.minute < minute) windows.delete(k);
        minuteSeen = Math.max(minuteSeen, minute);
      }
      const key = `${kind}\u0000${client}\u0000${minute}`;
      let w = windows.get(key);
      if (!w) {
        w = { minute, known: 0, pending: 0, writing: 0, flushedAt: Number.NEGATIVE_INFINITY };
        windows.set(key, w);
      }
      w.pending += 1;
      const retryAfter = secondsLeft(now);
      const due =
        w.flushedAt === Number.NEGATIVE_INFINITY ||
        w.pending >= flushBatch(limit) ||
        now.getTime() - w.flushedAt >= FLUSH_EVERY_MS;
      if (!due) {
        // Requests of writes still in flight count too: a burst arriving during a write sees them.
        const count = w.known + w.writing + w.pending;
        return { allowed: count <= limit, count, limit, retryAfter };
      }
      const by = w.pending;
      w.pending = 0;
      w.writing += by;
      w.flushedAt = now.getTime();
      let total: number;
      try {
        total = await addToWindow(repo, kind, client, now, by);
      } catch (error) {
        w.pending += by;
        throw error;
      } finally {
        w.writing -= by;
      }
      w.known = Math.max(w.known, total);
      // The table's answer holds this write and every one committed before it: exact for this request.
      const count = total + w.pending;
      return { allowed: count <= limit, count, limit, retryAfter };
    },
  };
}
