import { beijingDate } from '../domain/clock.ts';
import { permanentRefusal } from '../mail/refusal.ts';
import { type DigestItem, renderDigestMail } from '../mail/render-digest.ts';
import { listUnsubscribeHeaders } from '../mail/unsubscribe-headers.ts';
import type { StageContext } from '../stages/context.ts';
import { raiseAlert } from '../stages/raise-alert.ts';
import {
  claimDelivery,
  type DeliveryKey,
  deliveryMessageId,
  markDelivery,
  releaseDelivery,
} from '../store/alert-delivery.ts';
import { scopesCovering } from '../store/subscribers.ts';
import { digestDone, markEntriesSent, subscribersWaiting, takeEntries } from './digest-store.ts';
import { evidenceUrl } from './evidence-url.ts';
import { LinkSigner } from './links.ts';
import { scopeName } from './scopes.ts';

/**
 * Sends each daily-digest subscriber at most one digest per Beijing day (`digest/<emailHash>/<date>`, a
 * once-only delivery like an alert's: claimed with a lease, Message-ID fixed, marked after). It holds every
 * finding added since the last digest, grouped by jurisdiction and body; a subscriber with nothing waiting
 * gets nothing (a digest is never empty). Findings that arrive after today's digest wait for tomorrow's.
 * Only findings the subscriber's current scopes still cover are mailed (the rest are dropped). A digest that
 * cannot be sent for a reason other than the mailbox being gone for good is kept for the next one, the others
 * are still sent, and the admins are told once a day. Run by the cycle's `digest` task (runDigests in
 * alert-stage.ts), in AWS at NIANBAO_DIGEST_HOUR Beijing. Returns the number of digests mailed.
 */
export async function sendDigests(ctx: StageContext): Promise<number> {
  const now = ctx.now();
  const date = beijingDate(now);
  const signer = new LinkSigner(ctx.repo.db, ctx.repo.table, ctx.publicUrl);
  const name = (s: string) => scopeName(s, (id) => ctx.registry.get(id)?.name) ?? s;
  let sent = 0;
  const failed: string[] = [];
  for (const { emailHash: hash, marks } of await subscribersWaiting(ctx.repo, now.toISOString())) {
    const sub = await ctx.subscribers.get(hash);
    if (!sub?.confirmed || sub.suppressed) continue;
    const key: DeliveryKey = { alertId: `digest/${hash}/${date}`, recipient: hash, channel: 'email' };
    const claim = await claimDelivery(
      ctx.repo,
      key,
      deliveryMessageId(key, ctx.mailFrom),
      now,
      ctx.deliveryLeaseMs,
    );
    if (claim.state !== 'claimed') continue;
    const entries = await takeEntries(ctx.repo, hash, key.alertId, now);
    // Only what the subscriber still asks for: a finding kept for a scope given up since (one-click
    // unsubscribe from everything, or from that scope) is dropped, never mailed.
    const scopes = new Set(await ctx.subscribers.scopes(hash));
    const items: DigestItem[] = [];
    const dropped: typeof entries = [];
    for (const e of entries) {
      const alert = await ctx.repo.getAlert(e.alertId);
      const body = alert ? ctx.registry.get(alert.bodyId) : undefined;
      if (alert && body && scopesCovering(body).some((sc) => scopes.has(sc)))
        items.push({ alert, body, evidenceUrl: evidenceUrl(ctx.publicUrl, alert) });
      else dropped.push(e);
    }
    if (dropped.length > 0) await markEntriesSent(ctx.repo, dropped, ctx.now());
    if (items.length === 0) {
      await releaseDelivery(ctx.repo, key, claim.messageId);
      await digestDone(ctx.repo, hash, marks, ctx.now().toISOString());
      continue;
    }
    const links = await signer.forRecipient(sub, [...scopes], now);
    try {
      const mail = await ctx.mail.send({
        from: ctx.mailFrom,
        to: sub.email,
        ...renderDigestMail(date, items, links, name),
        messageId: claim.messageId,
        headers: { 'X-Nianbao-Digest': key.alertId, ...listUnsubscribeHeaders(links.unsubscribeAll) },
      });
      await markDelivery(ctx.repo, key, { status: 'sent', transportId: mail.messageId }, ctx.now());
      await markEntriesSent(ctx.repo, entries, ctx.now());
      await digestDone(ctx.repo, hash, marks, ctx.now().toISOString());
      sent += 1;
    } catch (error) {
      const refusal = permanentRefusal(error, sub.email);
      if (!refusal) {
        // Not this mailbox gone for good (our relay's policy, a size limit, a 4xx, the network): the claim is
        // given back and the findings kept for the next digest; the other subscribers still get theirs.
        await releaseDelivery(ctx.repo, key, claim.messageId);
        failed.push(error instanceof Error ? error.message : String(error));
        ctx.log('digest not sent: kept for the next one', {
          stage: 'alert',
          emailHash: hash,
          error: String(error),
        });
        continue;
      }
      await markDelivery(ctx.repo, key, { status: 'refused', reason: refusal }, ctx.now());
      await ctx.subscribers.setSuppressed(hash, true, refusal);
    }
  }
  if (failed.length > 0) await tellAdminsDigestFailed(ctx, date, failed);
  return sent;
}

/**
 * One admin alert a Beijing day (`digest.failed/<date>`; the conditional put dedups) when digests could not be
 * sent: how many, and the first reason. Their findings wait for the next digest.
 */
async function tellAdminsDigestFailed(
  ctx: StageContext,
  date: string,
  failed: readonly string[],
): Promise<void> {
  const reason = failed[0] ?? '';
  await raiseAlert(ctx, {
    alertId: `digest.failed/${date}`,
    audience: 'admins',
    bodyId: [...ctx.registry.keys()][0] ?? 'registry',
    year: Number(date.slice(0, 4)) - 1,
    finding: {
      rule: 'mail.transport',
      severity: 'warning',
      message: {
        zh: `${date}有${failed.length}份每日汇总未能发出(保留至下一次汇总):${reason}`,
        en: `${failed.length} daily digest(s) of ${date} could not be sent (kept for the next digest): ${reason}`,
      },
      evidence: [{ quote: reason, where: 'smtp' }],
    },
  });
}
