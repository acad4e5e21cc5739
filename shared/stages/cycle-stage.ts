import { z } from 'zod';
import { redriveAlerts, runDigests } from './alert-stage.ts';
import type { StageContext } from './context.ts';
import { hostBatches, MAX_BATCH_IDS } from './host-batches.ts';
import { runSchedule } from './schedule-stage.ts';
import { runSweep, type SweepRow } from './sweep-stage.ts';

/**
 * The cycle, as stages both runtimes run: the AWS scheduler invokes them (infra/constructs/schedule.ts),
 * the embedded runtime's timer and `start --once` call them (shared/local/cycle.ts).
 *
 * - `crawl`: queue the bodies due now (the tick);
 * - `sweep`: decide every due year's outcome and raise the deadline alerts;
 * - `recrawl`: queue every body (or the ones named) whatever their interval (`POST /admin/recrawl`);
 * - `redrive`: queue again every alert not delivered to all its recipients (a mail outage that outlasted
 *   the alert queue's retries; SQS DLQ redrive does not exist in the China regions, so this is how the
 *   project redrives itself).
 *
 * Crawl, sweep and re-crawl fan out: the registry is cut into batches of `ctx.cycleBatch` bodies (crawls:
 * whole hosts, `ctx.crawlBatch` with a crawl batch queue), each a message on the cycle queue when there is
 * one (AWS: each batch an invocation within its time budget, retried alone and dead-lettered alone), or
 * run one after another in place (the embedded runtime). In AWS the crawl batches go to the crawl batch
 * queue, where the plain-HTTP crawl function walks them (crawl-hosts.ts).
 */
export const CycleTask = z.enum(['crawl', 'sweep', 'recrawl', 'redrive', 'digest']);
export type CycleTask = z.infer<typeof CycleTask>;

/** What EventBridge Scheduler passes (infra/constructs/schedule.ts). */
export const ScheduleEvent = z.object({ task: CycleTask });
export type ScheduleEvent = z.infer<typeof ScheduleEvent>;

export const CycleMessage = z.discriminatedUnion('type', [
  /** Cut the registry (or these ids) into batches and queue them. */
  z.object({
    type: z.literal('fan-out'),
    task: z.enum(['crawl', 'sweep', 'recrawl']),
    bodyIds: z.array(z.string().min(1)).optional(),
  }),
  /** One batch of bodies for one task (a crawl batch: whole hosts, one big host alone: host-batches.ts). */
  z.object({
    type: z.literal('batch'),
    task: z.enum(['crawl', 'sweep', 'recrawl']),
    bodyIds: z.array(z.string().min(1)).min(1).max(MAX_BATCH_IDS),
  }),
]);
export type CycleMessage = z.infer<typeof CycleMessage>;

export interface BatchResult {
  task: 'crawl' | 'sweep' | 'recrawl';
  bodies: number;
  queued: string[];
  sweep: SweepRow[];
  newAlerts: string[];
}

export type CycleResult =
  | { task: 'redrive'; redriven: string[] }
  | { task: 'digest'; digests: number }
  | { task: 'crawl' | 'sweep' | 'recrawl'; batches: number; queuedBatches: boolean; results: BatchResult[] };

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs one batch: the stage over a context whose registry holds just these bodies. */
export async function runBatch(
  task: BatchResult['task'],
  bodyIds: readonly string[],
  ctx: StageContext,
): Promise<BatchResult> {
  const registry = new Map(
    bodyIds.flatMap((id) => {
      const body = ctx.registry.get(id);
      return body ? [[id, body] as const] : [];
    }),
  );
  const scoped: StageContext = { ...ctx, registry };
  const result: BatchResult = { task, bodies: registry.size, queued: [], sweep: [], newAlerts: [] };
  if (task === 'sweep') {
    const { rows, newAlerts } = await runSweep(scoped);
    result.sweep = rows;
    result.newAlerts = newAlerts;
  } else {
    const { queued } = await runSchedule(scoped, { force: task === 'recrawl' });
    result.queued = queued;
  }
  ctx.log(`cycle batch ${task} done`, {
    stage: 'cycle',
    task,
    bodies: result.bodies,
    queued: result.queued.length,
    newAlerts: result.newAlerts.length,
  });
  return result;
}

/** Cuts the registry (or the given ids) into batches: queued on the cycle queue, or run here. */
export async function fanOut(
  task: BatchResult['task'],
  ctx: StageContext,
  bodyIds?: readonly string[],
): Promise<CycleResult> {
  const ids = bodyIds ?? [...ctx.registry.keys()];
  // Crawls: whole hosts per batch (one invocation walks a host at a time), to the crawl function's
  // batch queue when there is one (AWS); sweeps: plain chunks.
  const crawling = task !== 'sweep';
  const batches = crawling
    ? hostBatches(
        ids.flatMap((id) => {
          const b = ctx.registry.get(id);
          return b ? [b] : [];
        }),
        ctx.crawlBatchQueue ? ctx.crawlBatch : ctx.cycleBatch,
      )
    : chunk(ids, ctx.cycleBatch);
  const queue = (crawling ? ctx.crawlBatchQueue : undefined) ?? ctx.cycleQueue;
  const results: BatchResult[] = [];
  for (const [i, batch] of batches.entries()) {
    if (queue) {
      // The dedup id (FIFO) or nothing (standard): a retried fan-out may queue a batch twice, and
      // every batch is idempotent (per-hour crawl dedup, a body crawled is no longer due, conditional
      // alert writes).
      await queue.send({ type: 'batch', task, bodyIds: batch }, { dedupId: `${task}#${i}` });
    } else {
      results.push(await runBatch(task, batch, ctx));
    }
  }
  return { task, batches: batches.length, queuedBatches: Boolean(queue), results };
}

/** One scheduled task of the cycle. */
export async function runCycleTask(task: CycleTask, ctx: StageContext): Promise<CycleResult> {
  if (task === 'redrive') return { task, redriven: await redriveAlerts(ctx) };
  if (task === 'digest') return { task, digests: await runDigests(ctx) };
  return fanOut(task, ctx);
}

/** One message of the cycle queue. */
export async function handleCycleMessage(message: CycleMessage, ctx: StageContext): Promise<unknown> {
  if (message.type === 'fan-out') return fanOut(message.task, ctx, message.bodyIds);
  const { task, bodies, queued, newAlerts } = await runBatch(message.task, message.bodyIds, ctx);
  // Counts, not rows: a log line per batch, not per body.
  return { task, bodies, queued: queued.length, newAlerts: newAlerts.length };
}
