import type { Context } from 'hono';
import type { RouteRegistrar } from '../api/routes/types.ts';
import { bodyInScope } from '../domain/body.ts';
import type { StageContext } from '../stages/context.ts';
import { problem } from './components.ts';
import { apiError, callApi } from './forward.ts';
import { page } from './layout.ts';
import { subscribePage } from './pages/subscribe.ts';
import { type ScopeOption, scopeOptions } from './scopes.ts';
import { sendPage } from './security.ts';

/**
 * The scope options, with the chosen body first when the scope is a department's id (a body page's
 * link). A government's id is its division code: that scope is already listed, and covers its
 * departments too.
 */
function scopesFor(ctx: StageContext, scope: string): ScopeOption[] {
  const options = scopeOptions(ctx.registry);
  const body = ctx.registry.get(scope);
  if (!body || options.some((o) => o.code === body.id)) return options;
  return [{ code: body.id, name: `${body.name}(仅此机关 this body only)`, depth: 0 }, ...options];
}

function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * `GET /subscribe` (the form; `?scope=` preselects a body or a place) and `POST /subscribe` (the form's
 * post, handed to the subscriptions API `POST /subscriptions` as JSON; its answer shown as a sentence).
 */
export const registerSubscribePages: RouteRegistrar = (app, ctx) => {
  app.get('/subscribe', (c) => {
    const scope = c.req.query('scope') ?? '*';
    // A scope that covers no registered body (a mistyped link) is a 404, as on the scoreboard: never a form
    // that silently falls back to 全国 and one press from subscribing to every body.
    if (scope !== '*' && ![...ctx.registry.values()].some((b) => bodyInScope(b, scope))) {
      const shown = scope.length > 40 ? `${scope.slice(0, 40)}…` : scope;
      const title = '没有这个范围 No such scope';
      return sendPage(
        c,
        page(
          { title },
          problem(
            title,
            `"${shown}" 既不是已登记机关的编号,也不是其所在地区的代码。"${shown}" is neither a registered body nor a division with one.`,
          ),
        ),
        404,
      );
    }
    return sendPage(c, subscribePage({ scopes: scopesFor(ctx, scope), scope }));
  });

  app.post('/subscribe', async (c: Context) => {
    const form = (await c.req.parseBody().catch(() => ({}))) as Record<string, unknown>;
    const email = field(form, 'email');
    const scope = field(form, 'scope') || '*';
    const channel = field(form, 'channel') || 'email';
    // A robot's URL and secret go to the API and are never written back into the page.
    const json =
      channel === 'email'
        ? { email, scopes: [scope] }
        : {
            channel,
            robotUrl: field(form, 'robotUrl'),
            ...(field(form, 'robotSecret') ? { robotSecret: field(form, 'robotSecret') } : {}),
            scopes: [scope],
          };
    const { status, body } = await callApi(app, c, 'POST', '/subscriptions', { json });
    const scopes = scopesFor(ctx, scope);
    if (status >= 200 && status < 300)
      return sendPage(c, subscribePage({ scopes, scope, channel, result: { ok: true } }), 202);
    const error = apiError(body);
    const message =
      status === 429
        ? '请求过于频繁,请稍后再试。 Too many requests: try again later.'
        : `未能订阅:${error.message} Could not subscribe.`;
    return sendPage(
      c,
      subscribePage({
        scopes,
        scope,
        channel,
        ...(channel === 'email' ? { email } : {}),
        result: { ok: false, message, issues: error.issues },
      }),
      status === 429 ? 429 : 400,
    );
  });
};
