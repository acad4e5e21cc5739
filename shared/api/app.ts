import { Hono } from 'hono';
import { z } from 'zod';
import type { StageContext } from '../stages/context.ts';
import { runSchedule } from '../stages/schedule-stage.ts';
import { tokenMatches } from './admin-token.ts';

export interface ApiOptions {
  /**
   * Shared secret for the /admin routes; without it they refuse every request. A function reads it at
   * request time (Secrets Manager in Lambda, cached briefly), so a rotated token takes effect without a
   * deploy.
   */
  adminToken?: string | undefined | (() => Promise<string | undefined>);
  /** Public base URL for links in confirmation mails; by default the origin the request came to. */
  publicUrl?: string | undefined;
}

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

export const RecrawlRequest = z.object({ bodyIds: z.array(z.string().min(1)).min(1).optional() });

type Parsed<T> = { ok: true; data: T } | { ok: false; error: { error: string; issues?: string[] } };

/** The request body parsed by the schema, or the 400 payload naming what is wrong. */
async function readJson<T>(req: Request, schema: z.ZodType<T>, emptyAs?: unknown): Promise<Parsed<T>> {
  const text = await req.text();
  let json: unknown = emptyAs;
  if (text.trim() !== '' || emptyAs === undefined) {
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, error: { error: 'request body must be JSON' } };
    }
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    error: {
      error: 'invalid request body',
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
    },
  };
}

/**
 * The HTTP API, served by API Gateway in AWS (functions/api/handler.ts) and by any Node server locally:
 * it only talks to the StageContext, so both runtimes run the same routes.
 */
export function createApp(ctx: StageContext, options: ApiOptions = {}): Hono {
  const app = new Hono();

  app.get('/health', (c) => c.json({ ok: true, bodies: ctx.registry.size, today: ctx.today() }));

  app.get('/status/:bodyId', async (c) => {
    const body = ctx.registry.get(c.req.param('bodyId'));
    if (!body) return c.json({ error: `unknown body ${c.req.param('bodyId')}` }, 404);
    const [state, reports] = await Promise.all([
      ctx.repo.getBodyState(body.id),
      ctx.repo.listReports(body.id),
    ]);
    return c.json({ body: { id: body.id, name: body.name, listingUrl: body.listingUrl }, state, reports });
  });

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

  app.post('/admin/recrawl', async (c) => {
    const expected =
      typeof options.adminToken === 'function' ? await options.adminToken() : options.adminToken;
    if (!tokenMatches(c.req.header('x-admin-token'), expected)) {
      return c.json({ error: 'missing or wrong x-admin-token' }, 401);
    }
    const parsed = await readJson(c.req.raw, RecrawlRequest, {});
    if (!parsed.ok) return c.json(parsed.error, 400);
    const unknown = (parsed.data.bodyIds ?? []).filter((id) => !ctx.registry.has(id));
    if (unknown.length > 0) return c.json({ error: 'unknown body ids', issues: unknown }, 400);
    const ids = parsed.data.bodyIds ?? [...ctx.registry.keys()];
    if (ids.length > ctx.cycleBatch && ctx.cycleQueue) {
      // A whole registry is not queued inside one request: one message, fanned out in batches behind it.
      await ctx.cycleQueue.send({
        type: 'fan-out',
        task: 'recrawl',
        ...(parsed.data.bodyIds ? { bodyIds: parsed.data.bodyIds } : {}),
      });
      return c.json({ queued: [], fannedOut: ids.length }, 202);
    }
    const { queued } = await runSchedule(ctx, { force: true, bodyIds: ids });
    return c.json({ queued }, 202);
  });

  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    ctx.log(`api error on ${c.req.method} ${c.req.path}: ${error.message}`);
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
