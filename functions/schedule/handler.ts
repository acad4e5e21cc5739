import { z } from 'zod';
import { buildAwsContext } from '#shared/aws/context.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { runSchedule } from '#shared/stages/schedule-stage.ts';
import { runSweep } from '#shared/stages/sweep-stage.ts';

/** The input each EventBridge Scheduler schedule passes (infra/constructs/schedule.ts). */
export const ScheduleEvent = z.object({ task: z.enum(['crawl', 'sweep']) });
export type ScheduleEvent = z.infer<typeof ScheduleEvent>;

export type ScheduleResult =
  | { task: 'crawl'; queued: string[] }
  | { task: 'sweep'; rows: number; missing: number; unreachable: number; newAlerts: string[] };

/** One tick: queue the bodies that are due, or sweep every deadline. Pure of the Lambda event shape. */
export async function runTask(event: ScheduleEvent, ctx: StageContext): Promise<ScheduleResult> {
  if (event.task === 'crawl') return { task: 'crawl', ...(await runSchedule(ctx)) };
  const { rows, newAlerts } = await runSweep(ctx);
  return {
    task: 'sweep',
    rows: rows.length,
    missing: rows.filter((r) => r.status === 'missing').length,
    unreachable: rows.filter((r) => r.status === 'unreachable').length,
    newAlerts,
  };
}

/** EventBridge Scheduler → schedule stage (crawl tick) or deadline sweep. A bad event fails loudly. */
export async function handler(event: unknown): Promise<ScheduleResult> {
  const parsed = ScheduleEvent.safeParse(event);
  if (!parsed.success) {
    throw new Error(`schedule event must be {"task":"crawl"|"sweep"}: ${parsed.error.message}`);
  }
  const ctx = buildAwsContext();
  const result = await runTask(parsed.data, ctx);
  ctx.log(`${parsed.data.task} done: ${JSON.stringify(result)}`);
  return result;
}
