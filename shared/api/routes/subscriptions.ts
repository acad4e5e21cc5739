import { z } from 'zod';
import { readJson } from '../http.ts';
import type { RouteRegistrar } from './types.ts';

/** `*`, a body id, or a GB/T 2260 code prefix (`36`, `3608`, `360802`). */
const Scope = z.string().regex(/^(\*|\d{2,12}(-[a-z0-9]+)?)$/, 'expected *, a division code or a body id');

export const SubscriptionRequest = z.object({
  email: z.email(),
  scopes: z.array(Scope).min(1).max(100),
});

const ConfirmQuery = z.object({ e: z.string().regex(/^[0-9a-f]{32}$/), t: z.string().min(16).max(64) });

function confirmationMail(
  scopes: readonly string[],
  link: string,
): { subject: string; text: string; html: string } {
  const text = [
    `请点击以下链接确认订阅 nianbao-watch 提醒(范围:${scopes.join(', ')}):`,
    `Confirm your nianbao-watch alerts for ${scopes.join(', ')} by opening:`,
    '',
    link,
    '',
    '如非本人操作,请忽略本邮件。 If you did not ask for this, ignore this mail: nothing will be sent.',
  ].join('\n');
  const html = `<p>${text.split('\n').filter(Boolean).slice(0, 2).join('<br>')}</p><p><a href="${link}">${link}</a></p>`;
  return { subject: '[nianbao-watch] 请确认订阅 / Confirm your subscription', text, html };
}

/** `POST /subscriptions` (double opt-in) and `GET /subscriptions/confirm` (the mailed link). */
export const registerSubscriptionRoutes: RouteRegistrar = (app, ctx, options) => {
  app.post('/subscriptions', async (c) => {
    const parsed = await readJson(c.req.raw, SubscriptionRequest);
    if (!parsed.ok) return c.json(parsed.error, 400);
    // Unconfirmed until the address proves it is its owner's: an open endpoint must not mail strangers.
    const sub = await ctx.subscribers.subscribe(
      parsed.data.email,
      parsed.data.scopes,
      { confirmed: false },
      ctx.now().toISOString(),
    );
    if (!sub.confirmed) {
      const token = await ctx.subscribers.issueConfirmToken(sub.emailHash);
      const base = options.publicUrl ?? new URL(c.req.url).origin;
      const link = `${base}/subscriptions/confirm?e=${sub.emailHash}&t=${token}`;
      await ctx.mail.send({
        from: ctx.mailFrom,
        to: sub.email,
        ...confirmationMail(parsed.data.scopes, link),
      });
    }
    return c.json({ emailHash: sub.emailHash, scopes: parsed.data.scopes, confirmed: sub.confirmed }, 202);
  });

  app.get('/subscriptions/confirm', async (c) => {
    const q = ConfirmQuery.safeParse({ e: c.req.query('e'), t: c.req.query('t') });
    if (!q.success) return c.json({ error: 'missing or malformed confirmation link' }, 400);
    if (!(await ctx.subscribers.confirm(q.data.e, q.data.t))) {
      return c.json({ error: 'this confirmation link is not valid (expired or already replaced)' }, 400);
    }
    return c.html('<!doctype html><meta charset="utf-8"><p>订阅已确认 / Subscription confirmed.</p>');
  });
};
