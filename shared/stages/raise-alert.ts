import type { Finding } from '../domain/finding.ts';
import type { StageContext } from './context.ts';

export interface AlertToRaise {
  alertId: string;
  audience: 'subscribers' | 'admins';
  finding: Finding;
  bodyId: string;
  year: number;
  reportUrl?: string;
  rawKey?: string;
}

/** Records an alert once (a conditional put decides) and queues it; false when it was raised before. */
export async function raiseAlert(ctx: StageContext, a: AlertToRaise): Promise<boolean> {
  const fresh = await ctx.repo.recordAlert({
    alertId: a.alertId,
    rule: a.finding.rule,
    bodyId: a.bodyId,
    year: a.year,
    audience: a.audience,
    createdAt: ctx.now().toISOString(),
    finding: a.finding,
    ...(a.reportUrl ? { reportUrl: a.reportUrl } : {}),
    ...(a.rawKey ? { rawKey: a.rawKey } : {}),
  });
  if (fresh) await ctx.alertQueue.send({ type: 'alert', alertId: a.alertId }, { dedupId: a.alertId });
  return fresh;
}
