import { sendDigests } from '../alerts/digest.ts';
import { addToDigest } from '../alerts/digest-store.ts';
import { evidenceUrl } from '../alerts/evidence-url.ts';
import { LinkSigner } from '../alerts/links.ts';
import { scopeName, wantsFinding } from '../alerts/scopes.ts';
import { postAlertToRobot, tellAdminsRobotInvalid, tellAdminsRobotRefused } from '../channels/deliver.ts';
import { classifySendFailure } from '../mail/refusal.ts';
import { renderAlertMail } from '../mail/render.ts';
import { listUnsubscribeHeaders } from '../mail/unsubscribe-headers.ts';
import type { AlertMessage } from '../queue/queue.ts';
import {
  claimDelivery,
  type DeliveryKey,
  deliveryMessageId,
  markAlertDelivered,
  markDelivery,
  releaseDelivery,
  undeliveredAlerts,
} from '../store/alert-delivery.ts';
import type { AlertRecord } from '../store/records.ts';
import { emailHash, type Recipient } from '../store/subscribers.ts';
import { requireBody, type StageContext } from './context.ts';
import { raiseAlert } from './raise-alert.ts';

export interface AlertOutcome {
  alertId: string;
  /** Mails sent by this call. */
  delivered: number;
  /** Deliveries already made (or refused for good) before. */
  skipped: number;
  /** Deliveries another worker holds: the alert stays undelivered, for the redrive to finish. */
  held?: number;
  /** Recipients whose mailbox was refused for good at RCPT TO: suppressed. */
  refused?: number;
  /** Daily-digest subscribers: the alert waits for their digest. */
  digested?: number;
  /** Our transport failed for good (login, sender, content): nobody suppressed, the redrive retries. */
  deferred?: number;
  /** Robot posts over the robot's limit (ours or the platform's): left unsent for the redrive. */
  throttled?: number;
}

type Target = { kind: 'admin'; address: string; hash: string } | { kind: 'subscriber'; r: Recipient };

/** The admin address for admin alerts; for a subscriber alert, the subscribers it concerns and wants. */
async function targets(alert: AlertRecord, ctx: StageContext): Promise<Target[]> {
  if (alert.audience === 'admins') {
    return [{ kind: 'admin', address: ctx.adminEmail, hash: emailHash(ctx.adminEmail) }];
  }
  const recipients = await ctx.subscribers.forBody(requireBody(ctx, alert.bodyId));
  return recipients.filter((r) => wantsFinding(r, alert.finding)).map((r) => ({ kind: 'subscriber', r }));
}

/**
 * Delivers one alert to every subscriber it concerns (or to the admin address), each (alert, recipient,
 * channel) exactly once: a delivery is claimed with a conditional write that a second worker cannot take
 * while the first holds it (store/alert-delivery.ts: lease, then takeover), its Message-ID recorded before
 * the send; marked sent after. A passing failure releases that recipient's claim, the others are still
 * served, and then the call throws (the queue retries; served recipients are skipped by their claims); the
 * recipient's mailbox refused for good (mail/refusal.ts) marks the delivery refused and suppresses the
 * address; our relay refusing us or the content releases the claim, suppresses nobody, tells the admins
 * once a day and leaves the alert to the redrive. A robot subscriber (channels/deliver.ts) is posted to within
 * its limit under the same claim; over the limit it is left for the redrive, gone for good it is suppressed
 * and the admins told (docs/alerts.md). The alert is marked
 * delivered only when no delivery is left held by another worker; otherwise the redrive comes back to it.
 */
export async function handleAlert(message: AlertMessage, ctx: StageContext): Promise<AlertOutcome> {
  const alert = await ctx.repo.getAlert(message.alertId);
  if (!alert) throw new Error(`alert ${message.alertId} not found`);
  const body = requireBody(ctx, alert.bodyId);
  const signer = new LinkSigner(ctx.repo.db, ctx.repo.table, ctx.publicUrl);
  const out: Required<AlertOutcome> = {
    alertId: alert.alertId,
    delivered: 0,
    skipped: 0,
    held: 0,
    refused: 0,
    digested: 0,
    deferred: 0,
    throttled: 0,
  };
  /** Passing failures of some recipients, thrown after the others were served. */
  const passing: unknown[] = [];
  for (const t of await targets(alert, ctx)) {
    const address = t.kind === 'admin' ? t.address : t.r.email;
    const key: DeliveryKey = {
      alertId: alert.alertId,
      recipient: t.kind === 'admin' ? t.hash : t.r.emailHash,
      channel: t.kind === 'subscriber' && t.r.robot ? t.r.robot.channel : 'email',
    };
    const claim = await claimDelivery(
      ctx.repo,
      key,
      deliveryMessageId(key, ctx.mailFrom),
      ctx.now(),
      ctx.deliveryLeaseMs,
    );
    if (claim.state === 'done') {
      out.skipped += 1;
      continue;
    }
    if (claim.state === 'held') {
      out.held += 1;
      continue;
    }
    if (t.kind === 'subscriber' && t.r.robot) {
      const robot = t.r.robot;
      let posted: Awaited<ReturnType<typeof postAlertToRobot>>;
      try {
        posted = await postAlertToRobot(ctx, alert, body, { ...t.r, robot }, claim.messageId);
      } catch (error) {
        // A passing failure (RobotPassingError: network, 5xx, a timeout) or our own: the claim is given back,
        // the other recipients still get theirs, and the message fails at the end for the queue to retry.
        await releaseDelivery(ctx.repo, key, claim.messageId);
        passing.push(error);
        continue;
      }
      if (posted.status === 'sent') {
        await markDelivery(ctx.repo, key, { status: 'sent', transportId: robot.channel }, ctx.now());
        out.delivered += 1;
      } else if (posted.status === 'invalid') {
        // The robot is gone or refuses us for good: like a hard bounce.
        await markDelivery(ctx.repo, key, { status: 'refused', reason: posted.reason }, ctx.now());
        await ctx.subscribers.setSuppressed(key.recipient, true, posted.reason);
        ctx.log('robot refused for good: subscription suppressed', {
          stage: 'alert',
          alertId: alert.alertId,
          robot: t.r.email,
          reason: posted.reason,
        });
        await tellAdminsRobotInvalid(ctx, alert, t.r.email, posted.reason);
        out.refused += 1;
      } else {
        // Over the limit, or refused for a reason not the robot's: unsent, never dropped; the redrive
        // posts it later under the same claim key, so it arrives once.
        await releaseDelivery(ctx.repo, key, claim.messageId);
        ctx.log(`robot post ${posted.status}: left for the redrive`, {
          stage: 'alert',
          alertId: alert.alertId,
          robot: t.r.email,
          reason: posted.reason,
        });
        if (posted.status === 'limited') out.throttled += 1;
        else {
          await tellAdminsRobotRefused(ctx, alert, posted.reason);
          out.deferred += 1;
        }
      }
      continue;
    }
    if (t.kind === 'subscriber' && t.r.digest === 'daily') {
      // Kept for the subscriber's next daily digest (alerts/digest.ts), which is its delivery.
      await addToDigest(ctx.repo, t.r.emailHash, alert.alertId, ctx.now());
      await markDelivery(ctx.repo, key, { status: 'sent', transportId: 'daily digest' }, ctx.now());
      out.digested += 1;
      continue;
    }
    const links =
      t.kind === 'subscriber' ? await signer.forRecipient(t.r, t.r.matchedScopes, ctx.now()) : undefined;
    const mail = renderAlertMail(alert, body, {
      // Admin alerts have no public evidence page (the reasons are for the admins only).
      ...(alert.audience === 'subscribers' ? { evidenceUrl: evidenceUrl(ctx.publicUrl, alert) } : {}),
      scopeName: (s) => scopeLabel(ctx, s),
      ...(links ? { links } : {}),
    });
    try {
      const sent = await ctx.mail.send({
        from: ctx.mailFrom,
        to: address,
        ...mail,
        messageId: claim.messageId,
        headers: {
          'X-Nianbao-Alert': alert.alertId,
          'X-Nianbao-Rule': alert.rule,
          ...(links ? listUnsubscribeHeaders(links.unsubscribeAll) : {}),
        },
      });
      await markDelivery(ctx.repo, key, { status: 'sent', transportId: sent.messageId }, ctx.now());
      out.delivered += 1;
    } catch (error) {
      const failure = classifySendFailure(error, address);
      if (failure.kind !== 'recipient') await releaseDelivery(ctx.repo, key, claim.messageId);
      if (failure.kind === 'passing') {
        // This recipient's mailbox or our relay failed for now: the others still get theirs (one bad
        // address or webhook must not hold everyone after it), and the message fails at the end.
        passing.push(error);
        continue;
      }
      if (failure.kind === 'transport') {
        // Our relay refused us or this message, not the reader: nobody is suppressed; the alert stays
        // undelivered for the redrive, and the admins are told once a day (not per recipient).
        ctx.log('mail transport refused: alert left for the redrive', {
          stage: 'alert',
          alertId: alert.alertId,
          reason: failure.reason,
        });
        if (alert.audience !== 'admins') await tellAdmins(ctx, alert, failure.reason);
        out.deferred += 1;
        break;
      }
      const refusal = failure.reason;
      await markDelivery(ctx.repo, key, { status: 'refused', reason: refusal }, ctx.now());
      if (t.kind === 'subscriber') await ctx.subscribers.setSuppressed(key.recipient, true, refusal);
      ctx.log('mail refused for good: address suppressed', {
        stage: 'alert',
        alertId: alert.alertId,
        emailHash: key.recipient,
        reason: refusal,
      });
      out.refused += 1;
    }
  }
  if (out.held === 0 && out.deferred === 0 && out.throttled === 0 && passing.length === 0)
    await markAlertDelivered(ctx.repo, alert.alertId, ctx.now().toISOString());
  else if (out.throttled > 0) await requeueThrottled(ctx, alert.alertId, message.requeued ?? 0);
  // Passing failures: the queue retries the message (recipients already served are skipped by their claims).
  if (passing.length > 0) throw passing[0];
  // The optional counts only when they happened: one short log line per alert.
  const { held, refused, digested, deferred, throttled, ...base } = out;
  return {
    ...base,
    ...(throttled ? { throttled } : {}),
    ...(deferred ? { deferred } : {}),
    ...(held ? { held } : {}),
    ...(refused ? { refused } : {}),
    ...(digested ? { digested } : {}),
  };
}

/**
 * Robot posts held back by a per-minute limit (ours or the platform's) would otherwise wait for the daily
 * redrive: on a deadline day a robot subscribed to a province could then take weeks to receive its alerts at
 * 20 a minute. The alert message is sent again `ctx.robotRequeue.delaySeconds` later (SQS DelaySeconds), at
 * most `max` times; deliveries already made are skipped by their claims, so nobody gets a post twice. After
 * the last time, or if the send fails, the redrive still finds the alert undelivered.
 */
async function requeueThrottled(ctx: StageContext, alertId: string, requeued: number): Promise<void> {
  const policy = ctx.robotRequeue;
  if (!policy || requeued >= policy.max) return;
  try {
    await ctx.alertQueue.send(
      { type: 'alert', alertId, requeued: requeued + 1 },
      { delaySeconds: policy.delaySeconds, dedupId: `${alertId}#requeue${requeued + 1}` },
    );
  } catch (error) {
    ctx.log('robot re-queue failed: the alert waits for the redrive', {
      stage: 'alert',
      alertId,
      error: String(error),
    });
  }
}

/**
 * One admin alert per UTC day (`mail.transport/<date>`; the conditional put dedups) saying the mail
 * relay refused us or a message's content: subscribers were not told and nobody was suppressed.
 */
async function tellAdmins(ctx: StageContext, failed: AlertRecord, reason: string): Promise<void> {
  const date = ctx.now().toISOString().slice(0, 10);
  await raiseAlert(ctx, {
    alertId: `mail.transport/${date}`,
    audience: 'admins',
    bodyId: failed.bodyId,
    year: failed.year,
    finding: {
      rule: 'mail.transport',
      severity: 'warning',
      message: {
        zh: `邮件服务器拒绝发送提醒 ${failed.alertId}(${reason});未停用任何订阅地址,将在下次重发时再试。`,
        en: `The mail relay refused to send alert ${failed.alertId} (${reason}); no address was suppressed, the redrive will try again.`,
      },
      evidence: [{ quote: reason, where: 'smtp' }],
    },
  });
}

function scopeLabel(ctx: StageContext, scope: string): string {
  return scopeName(scope, (id) => ctx.registry.get(id)?.name) ?? scope;
}

/**
 * Queues again every alert not yet delivered to all its recipients (after a mail outage outlasted the
 * queue's retries, or a worker died holding a claim): the redrive is the cycle task that runs once a day
 * in AWS (01:30 Beijing) and every cycle locally. Deliveries already made are not repeated: each is a
 * claimed, once-only write.
 */
export async function redriveAlerts(ctx: StageContext): Promise<string[]> {
  const pending = await undeliveredAlerts(ctx.repo, ctx.now().toISOString());
  for (const a of pending) await ctx.alertQueue.send({ type: 'alert', alertId: a.alertId });
  return pending.map((a) => a.alertId);
}

/**
 * The `digest` cycle task: the day's digests (alerts/digest.ts), once the Beijing day has reached
 * `ctx.digestHour` (NIANBAO_DIGEST_HOUR, default 9); before it, nothing. Each subscriber gets at most one
 * digest a Beijing day whatever calls this, so a local cycle may call it every time. Returns the number
 * of digests mailed.
 */
export async function runDigests(ctx: StageContext): Promise<number> {
  const beijingHour = new Date(ctx.now().getTime() + 8 * 3_600_000).getUTCHours();
  if (beijingHour < (ctx.digestHour ?? 0)) return 0;
  const digests = await sendDigests(ctx);
  if (digests > 0) ctx.log(`daily digests sent: ${digests}`, { stage: 'alert', digests });
  return digests;
}
