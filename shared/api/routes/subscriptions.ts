import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { EmailAddress } from '../../alerts/address.ts';
import { confirmPrompt, messagePage, sendAlertPage as sendPage } from '../../alerts/pages.ts';
import { CONFIRM_PER_ADDRESS, REQUESTS_PER_CLIENT, takeRate } from '../../alerts/rate-limit.ts';
import { describeFilters, scopeName, unknownScopes } from '../../alerts/scopes.ts';
import { registerUnsubscribeRoutes } from '../../alerts/unsubscribe-routes.ts';
import { Channel } from '../../channels/robot.ts';
import { requestRobotSubscription } from '../../channels/subscribe.ts';
import { Severity } from '../../domain/finding.ts';
import { renderConfirmationMail } from '../../mail/confirmation.ts';
import type { StageContext } from '../../stages/context.ts';
import { CONFIRM_TTL_MS, emailHash } from '../../store/subscribers.ts';
import { readJson } from '../http.ts';
import { publicBase } from '../options.ts';
import type { RouteRegistrar } from './types.ts';

/** `*`, a body id, or a GB/T 2260 code prefix (`36`, `3608`, `360802`). */
const Scope = z.string().regex(/^(\*|\d{2,12}(-[a-z0-9]+)?)$/, 'expected *, a division code or a body id');

export const SubscriptionRequest = z
  .object({
    /** `email` (default) or a robot: `wecom`, `dingtalk`, `feishu`, `webhook` (channels/robot.ts). */
    channel: Channel.default('email'),
    /** The address, for the e-mail channel. */
    email: EmailAddress.optional(),
    /** A robot's URL as its platform gave it (a secret: never shown back). */
    robotUrl: z.string().max(2048).optional(),
    /** The robot's signing secret (钉钉 `SEC…`, 飞书, a webhook's `whsec_…`; a secret: never shown back). */
    robotSecret: z.string().max(200).optional(),
    scopes: z.array(Scope).min(1).max(50),
    /** Only these kinds of finding (absent: both). */
    kinds: z
      .array(z.enum(['deadlines', 'anomalies']))
      .min(1)
      .max(2)
      .optional(),
    /** Only findings at least this severe (absent: all). */
    minSeverity: Severity.optional(),
    /** immediate (default) or one daily digest (alerts/digest.ts). */
    digest: z.enum(['immediate', 'daily']).default('immediate'),
  })
  .superRefine((r, issue) => {
    if (r.channel === 'email' && !r.email)
      issue.addIssue({ code: 'custom', path: ['email'], message: 'required' });
    if (r.channel !== 'email') {
      if (!r.robotUrl)
        issue.addIssue({ code: 'custom', path: ['robotUrl'], message: 'required for a robot' });
      if (r.digest !== 'immediate')
        issue.addIssue({ code: 'custom', path: ['digest'], message: 'robots get immediate alerts only' });
    }
  });

const ConfirmQuery = z.object({ e: z.string().regex(/^[0-9a-f]{32}$/), t: z.string().min(16).max(64) });

/** The one answer of `POST /subscriptions`, whatever the address: known, unknown, confirmed or not. */
const ACCEPTED = {
  status: 'pending-confirmation',
  message:
    '如该地址可以接收邮件,确认链接已发出;确认前不会有任何改变。 If the address can receive mail, a confirmation link is on its way; nothing changes until it is opened.',
};

/** A request body above this is refused (413) before it is read whole. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * The client's address: API Gateway's source IP in Lambda, the socket's peer on the Node server; one
 * bucket for anything else (in-process `app.request`).
 */
export function clientAddress(c: Context): string {
  const env = c.env as
    | {
        requestContext?: { http?: { sourceIp?: string } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  return env?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

function nameOf(ctx: StageContext, scope: string): string {
  return scopeName(scope, (id) => ctx.registry.get(id)?.name) ?? scope;
}

/**
 * `POST /subscriptions` (double opt-in for every change) and `GET /subscriptions/confirm` (the mailed
 * link), plus the unsubscribe and manage pages (alerts/unsubscribe-routes.ts).
 *
 * A request never changes what an address receives: it is kept as pending and applied only when the link
 * mailed to that address is opened (or by the CLI). The answer is the same 202 whether the address is
 * known, confirmed, suppressed or rate-limited, so it tells nobody who subscribes. Confirmation mails are
 * limited per address (CONFIRM_PER_ADDRESS) and requests per client (REQUESTS_PER_CLIENT, 429), counted in
 * the table so the limits hold across Lambda containers.
 */
export const registerSubscriptionRoutes: RouteRegistrar = (app, ctx, options) => {
  app.post(
    '/subscriptions',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: `request body larger than ${MAX_BODY_BYTES} bytes` }, 413),
    }),
    async (c) => {
      const parsed = await readJson(c.req.raw, SubscriptionRequest);
      if (!parsed.ok) return c.json(parsed.error, 400);
      const req = parsed.data;
      const unknown = unknownScopes(req.scopes, (id) => ctx.registry.has(id));
      if (unknown.length > 0) {
        return c.json(
          { error: 'unknown scopes (not *, a GB/T 2260 division or a body id)', issues: unknown },
          400,
        );
      }
      const now = ctx.now();
      if (
        !(await takeRate(ctx.repo.db, ctx.repo.table, `client#${clientAddress(c)}`, REQUESTS_PER_CLIENT, now))
      ) {
        return c.json(
          { error: 'too many subscription requests from this client; try again in an hour' },
          429,
        );
      }
      if (req.channel !== 'email') {
        const robot = await requestRobotSubscription(
          ctx,
          { ...req, channel: req.channel },
          {
            base: publicBase(options, ctx.publicUrl),
            scopeName: (s) => nameOf(ctx, s),
          },
        );
        return robot.ok ? c.json(ACCEPTED, 202) : c.json({ error: robot.error, issues: ['robotUrl'] }, 400);
      }
      const email = req.email ?? '';
      const hash = emailHash(email);
      const known = await ctx.subscribers.get(hash);
      // A suppressed address (bounced, complained) is not mailed again from an open endpoint.
      if (known?.suppressed) return c.json(ACCEPTED, 202);
      if (!(await takeRate(ctx.repo.db, ctx.repo.table, `confirm#${hash}`, CONFIRM_PER_ADDRESS, now))) {
        return c.json(ACCEPTED, 202);
      }
      const token = await ctx.subscribers.requestChange(
        email,
        {
          scopes: req.scopes,
          digest: req.digest,
          ...(req.kinds ? { kinds: req.kinds } : {}),
          ...(req.minSeverity ? { minSeverity: req.minSeverity } : {}),
        },
        now,
      );
      const base = publicBase(options, ctx.publicUrl);
      try {
        await ctx.mail.send({
          from: ctx.mailFrom,
          to: email,
          ...renderConfirmationMail({
            scopeNames: req.scopes.map((s) => nameOf(ctx, s)),
            filters: describeFilters(req),
            link: `${base}/subscriptions/confirm?e=${hash}&t=${token}`,
            validHours: CONFIRM_TTL_MS / 3_600_000,
          }),
        });
      } catch (error) {
        // No confirmation mail, no pending request: nothing half-written stays behind the error.
        await ctx.subscribers.withdrawChange(hash, token);
        throw error;
      }
      return c.json(ACCEPTED, 202);
    },
  );

  // GET shows the change and a button; only the POST applies it: a link scanner that follows every
  // GET in a mail confirms nothing for the reader.
  const confirmLink = async (c: Context, apply: boolean) => {
    const q = ConfirmQuery.safeParse({ e: c.req.query('e'), t: c.req.query('t') });
    if (!q.success) {
      return sendPage(
        c,
        messagePage('链接无效 Invalid link', '确认链接不完整。', 'This confirmation link is incomplete.'),
        400,
      );
    }
    const result = apply
      ? await ctx.subscribers.confirm(q.data.e, q.data.t, ctx.now())
      : await ctx.subscribers.pendingChange(q.data.e, q.data.t, ctx.now());
    if (!result.ok) {
      const expired = result.reason === 'expired';
      return sendPage(
        c,
        messagePage(
          '链接无效 Invalid link',
          expired
            ? '此确认链接已过期,未作任何更改。请重新订阅。'
            : '此确认链接无效(已使用、已被新的申请取代或不正确),未作任何更改。',
          expired
            ? 'This confirmation link has expired; nothing was changed. Please subscribe again.'
            : 'This confirmation link is not valid (already used, replaced by a newer request, or wrong); nothing was changed.',
        ),
        400,
      );
    }
    const names = result.scopes.map((s) => nameOf(ctx, s));
    if (!apply) {
      const action = `/subscriptions/confirm?e=${q.data.e}&t=${encodeURIComponent(q.data.t)}`;
      return sendPage(c, confirmPrompt(names, action));
    }
    return sendPage(
      c,
      messagePage(
        '订阅已确认 Subscription confirmed',
        '订阅已确认,以下范围的提醒将发送到订阅的邮箱或群机器人:',
        'Subscription confirmed: the alerts for these scopes will be sent to the subscribed mailbox or robot:',
        names,
      ),
    );
  };
  app.get('/subscriptions/confirm', (c) => confirmLink(c, false));
  app.post('/subscriptions/confirm', (c) => confirmLink(c, true));

  registerUnsubscribeRoutes(app, ctx);
};
