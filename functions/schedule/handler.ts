import { buildAwsContext } from '#shared/aws/context.ts';
import { type BatchResponse, processBatch, SqsEvent } from '#shared/aws/sqs-batch.ts';
import { recordDailyRoot } from '#shared/evidence/daily-root.ts';
import type { StageContext } from '#shared/stages/context.ts';
import {
  CycleMessage,
  type CycleResult,
  handleCycleMessage,
  runCycleTask,
  ScheduleEvent,
} from '#shared/stages/cycle-stage.ts';

export { ScheduleEvent } from '#shared/stages/cycle-stage.ts';

export type ScheduleResult =
  | { task: 'crawl' | 'recrawl'; queued: string[] }
  | {
      task: 'sweep';
      rows: number;
      missing: number;
      unreachable: number;
      newAlerts: string[];
    }
  | { task: 'redrive'; redriven: string[] }
  | { task: 'digest'; digests: number };

/**
 * A cycle result in counts (what the scheduler's invocation returns; no rows per body). With a cycle
 * queue the batches run later, in their own invocations: the counts here are then empty.
 */
export function summarise(result: CycleResult): ScheduleResult {
  if (result.task === 'redrive' || result.task === 'digest') return result;
  const { task, results } = result;
  if (task !== 'sweep') return { task, queued: results.flatMap((r) => r.queued) };
  const rows = results.flatMap((r) => r.sweep);
  return {
    task,
    rows: rows.length,
    missing: rows.filter((r) => r.status === 'missing').length,
    unreachable: rows.filter((r) => r.status === 'unreachable').length,
    newAlerts: results.flatMap((r) => r.newAlerts),
  };
}

/** One scheduled task over a context (the batches run in place when it has no cycle queue). */
export async function runTask(event: ScheduleEvent, ctx: StageContext): Promise<ScheduleResult> {
  return summarise(await runCycleTask(event.task, ctx));
}

/**
 * The cycle (shared/stages/cycle-stage.ts), two entry points in one function:
 * - EventBridge Scheduler's input `{"task":"crawl"|"sweep"|"recrawl"|"redrive"|"digest"}`: the crawl tick and
 *   the sweep fan the registry out into batches on the cycle queue; redrive queues undelivered alerts again;
 *   digest mails the day's digests;
 * - the cycle queue (SQS): one batch of bodies per record, partial batch failures, dead-lettered alone.
 * Anything else fails loudly, before the environment is read.
 */
export async function handler(event: unknown): Promise<ScheduleResult | BatchResponse> {
  if (SqsEvent.safeParse(event).success) {
    const ctx = await buildAwsContext();
    return processBatch(
      event,
      CycleMessage,
      (m) => handleCycleMessage(m, ctx),
      (message, fields) => ctx.log(message, { stage: 'cycle', ...fields }),
    );
  }
  const parsed = ScheduleEvent.safeParse(event);
  if (!parsed.success) {
    throw new Error(
      `schedule event must be {"task":"crawl"|"sweep"} (or "recrawl", "redrive", "digest"), or an SQS batch: ${parsed.error.message}`,
    );
  }
  const ctx = await buildAwsContext();
  const cycle = await runCycleTask(parsed.data.task, ctx);
  // The day's root over every body's check-log chain (docs/evidence.md), with the daily sweep.
  if (parsed.data.task === 'sweep') await recordDailyRoot(ctx, ctx.tsaUrl ? { tsaUrl: ctx.tsaUrl } : {});
  ctx.log(`${parsed.data.task} done`, {
    stage: 'cycle',
    task: parsed.data.task,
    ...(cycle.task === 'redrive'
      ? { redriven: cycle.redriven.length }
      : cycle.task === 'digest'
        ? { digests: cycle.digests }
        : { batches: cycle.batches, queuedBatches: cycle.queuedBatches }),
  });
  return summarise(cycle);
}
