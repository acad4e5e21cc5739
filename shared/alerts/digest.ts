import { beijingDate } from '../domain/clock.ts';
import { permanentRefusal } from '../mail/refusal.ts';
import { type DigestItem, renderDigestMail } from '../mail/render-digest.ts';
import { listUnsubscribeHeaders } from '../mail/unsubscribe-headers.ts';
import type { StageContext } from '../stages/context.ts';
import {
  claimDelivery,
  type DeliveryKey,
  deliveryMessageId,
  markDelivery,
  releaseDelivery,
} from '../store/alert-delivery.ts';
import { markEntriesSent, subscribersWaiting, takeEntries } from './digest-store.ts';
import { evidenceUrl } from './evidence-url.ts';
import { LinkSigner } from './links.ts';
import { scopeName } from './scopes.ts';

/**
 * Sends each daily-digest subscriber at most one digest per Beijing day (`digest/<emailHash>/<date>`, a
 * once-only delivery like an alert's: claimed with a lease, Message-ID fixed, marked after). It holds every
 * finding added since the last digest, grouped by jurisdiction and body; a subscriber with nothing waiting
 * gets nothing (a digest is never empty). Findings that arrive after today's digest wait for tomorrow's.
 * Run by the cycle's `redrive` task (alert-stage.ts), so in AWS at its scheduled Beijing time. Returns the
 * number of digests mailed.
 */
export async function sendDigests(ctx: StageContext): Promise<number> {
  const now = ctx.now();
  const date = beijingDate(now);
  const signer = new LinkSigner(ctx.repo.db, ctx.repo.table, ctx.publicUrl);
  const name = (s: string) => scopeName(s, (id) => ctx.registry.get(id)?.name) ?? s;
  let sent = 0;
  for (const hash of await subscribersWaiting(ctx.repo)) {
    const sub = await ctx.subscribers.get(hash);
    if (!sub?.confirmed || sub.suppressed) continue;
    const key: DeliveryKey = { alertId: `digest/${hash}/${date}`, recipient: hash, channel: 'email' };
    const claim = await claimDelivery(ctx.repo, key, deliveryMessageId(key, ctx.mailFrom), now);
    if (claim.state !== 'claimed') continue;
    const entries = await takeEntries(ctx.repo, hash, key.alertId);
    const items: DigestItem[] = [];
    for (const e of entries) {
      const alert = await ctx.repo.getAlert(e.alertId);
      const body = alert ? ctx.registry.get(alert.bodyId) : undefined;
      if (alert && body) items.push({ alert, body, evidenceUrl: evidenceUrl(ctx.publicUrl, alert) });
    }
    if (items.length === 0) {
      await releaseDelivery(ctx.repo, key, claim.messageId);
      continue;
    }
    const links = await signer.forRecipient(sub, await ctx.subscribers.scopes(hash), now);
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
      sent += 1;
    } catch (error) {
      const refusal = permanentRefusal(error, sub.email);
      if (!refusal) {
        await releaseDelivery(ctx.repo, key, claim.messageId);
        throw error;
      }
      await markDelivery(ctx.repo, key, { status: 'refused', reason: refusal }, ctx.now());
      await ctx.subscribers.setSuppressed(hash, true, refusal);
    }
  }
  return sent;
}
