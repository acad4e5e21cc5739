import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StageContext } from '../stages/context.ts';
import { runSchedule } from '../stages/schedule-stage.ts';
import { isConditionFailed, withoutKeys } from '../store/dynamo.ts';
import { BodyState } from '../store/records.ts';
import { batchGetItems } from '../store/sweep-reads.ts';
import { keys } from '../store/table.ts';

/** A re-crawl request older than this no longer holds others back (its crawl may have been dead-lettered). */
export const RECRAWL_PENDING_MS = 60 * 60_000;

const marker = (bodyId: string) => ({ pk: `RECRAWL#${bodyId}`, sk: 'RECRAWL' });

export interface RecrawlResult {
  /** Bodies queued by this request. */
  queued: string[];
  /** Bodies with a re-crawl already pending (requested, not crawled since): nothing more queued. */
  pending: string[];
  /** Bodies handed to the cycle queue's fan-out (more than one batch). */
  fannedOut: number;
}

/**
 * Queues a re-crawl of each body once while one is pending: a body is pending when its `RECRAWL#<id>`
 * marker is younger than RECRAWL_PENDING_MS and the body has not been checked since. Markers are taken
 * with a conditional put (absent, or the same old value), so ten presses at once — in one process or
 * in ten Lambda containers — queue one crawl. More bodies than one cycle batch go to the cycle queue
 * as one fan-out message, as the scheduled crawl does.
 */
export async function requestRecrawl(ctx: StageContext, bodyIds: readonly string[]): Promise<RecrawlResult> {
  const now = ctx.now();
  const items = await batchGetItems(ctx.repo, [...bodyIds.map(keys.body), ...bodyIds.map(marker)]);
  const get = (k: { pk: string; sk: string }) => items.get(`${k.pk}\u0000${k.sk}`);
  const pending: string[] = [];
  const candidates: Array<{ id: string; old: string | undefined }> = [];
  for (const id of bodyIds) {
    const m = get(marker(id));
    const requestedAt = typeof m?.requestedAt === 'string' ? m.requestedAt : undefined;
    const stateItem = get(keys.body(id));
    const checked = stateItem ? BodyState.parse(withoutKeys(stateItem)).lastCheckedAt : undefined;
    const fresh = requestedAt !== undefined && now.getTime() - Date.parse(requestedAt) < RECRAWL_PENDING_MS;
    if (fresh && (checked === undefined || checked < (requestedAt as string))) pending.push(id);
    else candidates.push({ id, old: requestedAt });
  }
  const won: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const { id, old } = candidates[next++] as { id: string; old: string | undefined };
      try {
        await ctx.repo.db.send(
          new PutCommand({
            TableName: ctx.repo.table,
            Item: { ...marker(id), bodyId: id, requestedAt: now.toISOString() },
            ConditionExpression: old === undefined ? 'attribute_not_exists(pk)' : 'requestedAt = :old',
            ...(old === undefined ? {} : { ExpressionAttributeValues: { ':old': old } }),
          }),
        );
        won.push(id);
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        pending.push(id); // another request took it a moment ago
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, candidates.length) }, worker));
  if (won.length > ctx.cycleBatch && ctx.cycleQueue) {
    await ctx.cycleQueue.send({ type: 'fan-out', task: 'recrawl', bodyIds: won });
    return { queued: [], pending, fannedOut: won.length };
  }
  const { queued } = won.length ? await runSchedule(ctx, { force: true, bodyIds: won }) : { queued: [] };
  return { queued, pending, fannedOut: 0 };
}
