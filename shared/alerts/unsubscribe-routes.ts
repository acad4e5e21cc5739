import type { Context, Hono } from 'hono';
import { CHANNEL_NAMES } from '../channels/robot.ts';
import type { StageContext } from '../stages/context.ts';
import type { Subscriber } from '../store/subscribers.ts';
import { maskAddress } from './address.ts';
import { LinkSigner } from './links.ts';
import { managePage, messagePage, sendAlertPage as sendPage, unsubscribePrompt } from './pages.ts';
import { describeFilters, scopeName } from './scopes.ts';
import { ALL_SCOPES, type LinkClaims } from './tokens.ts';

type Checked = { ok: true; claims: LinkClaims; subscriber: Subscriber } | { ok: false; response: Response };

const INVALID = {
  malformed: [
    '链接不完整或已损坏,未作任何更改。',
    'This link is incomplete or damaged; nothing was changed.',
  ],
  forged: [
    '此链接不是本系统签发的,未作任何更改。',
    'This link was not issued by nianbao-watch; nothing was changed.',
  ],
  expired: [
    '此链接已过期,未作任何更改。请使用最新邮件中的链接。',
    'This link has expired; nothing was changed. Use the link in a recent mail.',
  ],
  stale: [
    '此链接已失效(您已全部退订,或链接已被取代),未作任何更改。',
    'This link is no longer valid (you unsubscribed from everything since, or it was replaced); nothing was changed.',
  ],
} as const;

/**
 * The unsubscribe and manage routes, each reached by a signed per-recipient link (tokens.ts):
 * - `GET /unsubscribe?t=` asks; `POST /unsubscribe?t=` (RFC 8058 one-click: body `List-Unsubscribe=One-Click`,
 *   or the page's button) drops the link's scope or every scope;
 * - `GET /alerts/manage?t=` lists the scopes in words, each with its own unsubscribe button.
 * A forged, malformed, expired or replayed link answers a page saying so (400/410) and changes nothing.
 */
export function registerUnsubscribeRoutes(app: Hono, ctx: StageContext): void {
  const signer = () => new LinkSigner(ctx.repo.db, ctx.repo.table, ctx.publicUrl);
  const name = (s: string) =>
    s === ALL_SCOPES ? '全部订阅 (everything)' : (scopeName(s, (id) => ctx.registry.get(id)?.name) ?? s);

  const refuse = (c: Context, why: keyof typeof INVALID, status: 400 | 410) =>
    sendPage(c, messagePage('链接无效 Invalid link', INVALID[why][0], INVALID[why][1]), status).then(
      (response) => ({
        ok: false as const,
        response,
      }),
    );

  async function check(c: Context, purpose: LinkClaims['p']): Promise<Checked> {
    const token = c.req.query('t') ?? '';
    const v = await signer().verify(token, ctx.now());
    if (!v.ok) return refuse(c, v.reason, v.reason === 'expired' ? 410 : 400);
    if (v.claims.p !== purpose) return refuse(c, 'malformed', 400);
    const subscriber = await ctx.subscribers.get(v.claims.h);
    if (!subscriber || subscriber.linkEpoch !== v.claims.v) return refuse(c, 'stale', 410);
    return { ok: true, claims: v.claims, subscriber };
  }

  app.get('/unsubscribe', async (c) => {
    const r = await check(c, 'unsubscribe');
    if (!r.ok) return r.response;
    const action = `/unsubscribe?t=${encodeURIComponent(c.req.query('t') ?? '')}`;
    return sendPage(c, unsubscribePrompt(name(r.claims.s ?? ALL_SCOPES), action));
  });

  app.post('/unsubscribe', async (c) => {
    const r = await check(c, 'unsubscribe');
    if (!r.ok) return r.response;
    const scope = r.claims.s ?? ALL_SCOPES;
    const removed = await ctx.subscribers.unsubscribe(r.claims.h, scope === ALL_SCOPES ? 'all' : [scope]);
    ctx.log('unsubscribed', { stage: 'api', emailHash: r.claims.h, scope, removed: removed.length });
    if (removed.length === 0) {
      return sendPage(
        c,
        messagePage(
          '已退订 Already unsubscribed',
          `您已不再订阅「${name(scope)}」,未作任何更改。`,
          `You are no longer subscribed to ${name(scope)}; nothing was changed.`,
        ),
        410,
      );
    }
    return sendPage(
      c,
      messagePage(
        '已退订 Unsubscribed',
        '已退订,以下范围的提醒将不再发送:',
        'Unsubscribed: no more alerts for:',
        removed.map(name),
      ),
    );
  });

  app.get('/alerts/manage', async (c) => {
    const r = await check(c, 'manage');
    if (!r.ok) return r.response;
    const scopes = await ctx.subscribers.scopes(r.claims.h);
    const links = await signer().forRecipient(r.subscriber, scopes, ctx.now());
    const path = (url: string) => url.slice(url.indexOf('/unsubscribe'));
    return sendPage(
      c,
      managePage({
        // A robot is shown by its label (no key in it), an address masked.
        email: r.subscriber.robot
          ? `${CHANNEL_NAMES[r.subscriber.robot.channel]} ${r.subscriber.email}`
          : maskAddress(r.subscriber.email),
        filters: describeFilters(r.subscriber),
        suppressed: r.subscriber.suppressed,
        scopes: links.unsubscribeScope.map((u) => ({ name: name(u.scope), unsubscribe: path(u.url) })),
        unsubscribeAll: path(links.unsubscribeAll),
      }),
    );
  });
}
