import { renderAlertMail } from '../mail/render.ts';
import type { AlertMessage } from '../queue/queue.ts';
import { markAlertDelivered, undeliveredAlerts } from '../store/alert-delivery.ts';
import { emailHash } from '../store/subscribers.ts';
import { requireBody, type StageContext } from './context.ts';

export interface AlertOutcome {
  alertId: string;
  delivered: number;
  skipped: number;
}

/**
 * Delivers one alert to every subscriber it concerns (or to the admins), each exactly once: a delivery
 * is claimed with a conditional put before sending and marked sent after, so a retry after a failed
 * send tries again and a retry after a successful one sends nothing.
 */
export async function handleAlert(message: AlertMessage, ctx: StageContext): Promise<AlertOutcome> {
  const alert = await ctx.repo.getAlert(message.alertId);
  if (!alert) throw new Error(`alert ${message.alertId} not found`);
  const body = requireBody(ctx, alert.bodyId);
  const recipients =
    alert.audience === 'admins'
      ? [{ email: ctx.adminEmail, emailHash: emailHash(ctx.adminEmail) }]
      : await ctx.subscribers.forBody(body);
  const mail = renderAlertMail(alert, body, ctx.archiveBase);
  let delivered = 0;
  let skipped = 0;
  for (const r of recipients) {
    const now = ctx.now().toISOString();
    if (!(await ctx.subscribers.claimDelivery(alert.alertId, r.emailHash, now))) {
      skipped += 1;
      continue;
    }
    const sent = await ctx.mail.send({
      from: ctx.mailFrom,
      to: r.email,
      ...mail,
      headers: { 'X-Nianbao-Alert': alert.alertId, 'X-Nianbao-Rule': alert.rule },
    });
    await ctx.subscribers.markDelivered(alert.alertId, r.emailHash, sent.messageId, ctx.now().toISOString());
    delivered += 1;
  }
  await markAlertDelivered(ctx.repo, alert.alertId, ctx.now().toISOString());
  return { alertId: alert.alertId, delivered, skipped };
}

/**
 * Queues again every alert not yet delivered to all its recipients (after a mail outage outlasted the
 * queue's retries). Deliveries already made are not repeated: each is a claimed, once-only write.
 */
export async function redriveAlerts(ctx: StageContext): Promise<string[]> {
  const pending = await undeliveredAlerts(ctx.repo);
  for (const a of pending) await ctx.alertQueue.send({ type: 'alert', alertId: a.alertId });
  return pending.map((a) => a.alertId);
}
