import type { Context } from 'hono';
import { adminKeyValid, tokenMatches } from '../api/admin-token.ts';
import { type ApiOptions, publicBase } from '../api/options.ts';
import type { RouteRegistrar } from '../api/routes/types.ts';
import { bodyInScope } from '../domain/body.ts';
import { bodySummary, crawlHealth, yearsOfBodies } from '../read/index.ts';
import type { StageContext } from '../stages/context.ts';
import { callApi } from './forward.ts';
import { type AdminView, adminLoginPage, adminPage } from './pages/admin.ts';
import { scopeOptions } from './scopes.ts';
import {
  adminCookie,
  clearAdminCookie,
  sameOriginPost,
  sendPage,
  setAdminCookie,
  setFlash,
  takeFlash,
} from './security.ts';

/** Bodies the admin page reads state for; a larger registry is the admin API's to list (issue 14). */
const ADMIN_BODIES = 2000;

/** The configured token or an issued key (the admin API's own rules: shared/api/admin-token.ts). */
async function keyValid(ctx: StageContext, options: ApiOptions, key: string | undefined): Promise<boolean> {
  if (!key) return false;
  const expected = typeof options.adminToken === 'function' ? await options.adminToken() : options.adminToken;
  return tokenMatches(key, expected) || (await adminKeyValid(ctx.repo, key));
}

/** What each action asks of the admin API: its path and JSON body from the form's fields. */
function apiRequest(
  ctx: StageContext,
  action: string,
  form: Record<string, string>,
): { path: string; json: unknown } | string {
  const bodyId = form.bodyId ?? '';
  const needBody = () => (ctx.registry.has(bodyId) ? null : `unknown body ${bodyId}`);
  switch (action) {
    case 'recrawl':
      return needBody() ?? { path: '/admin/recrawl', json: { bodyIds: [bodyId] } };
    case 'recrawl-scope': {
      const scope = form.scope ?? '*';
      if (scope === '*') return { path: '/admin/recrawl', json: {} };
      const ids = [...ctx.registry.values()].filter((b) => bodyInScope(b, scope)).map((b) => b.id);
      return ids.length ? { path: '/admin/recrawl', json: { bodyIds: ids } } : `no body in scope ${scope}`;
    }
    case 'reparse':
      return needBody() ?? { path: '/admin/reparse', json: { bodyIds: [bodyId] } };
    case 'rerun-rules':
      return needBody() ?? { path: '/admin/rules', json: { bodyIds: [bodyId] } };
    case 'registry':
      try {
        return { path: '/admin/registry', json: JSON.parse(form.entry ?? '') };
      } catch {
        return '登记条目不是有效的 JSON。 The entry is not valid JSON.';
      }
    case 'discover':
      return { path: '/admin/discover', json: { url: form.url ?? '' } };
    case 'requeue':
      return { path: '/admin/dead-letters/requeue', json: { id: form.id ?? '' } };
    default:
      return `unknown action ${action}`;
  }
}

/** The sentence shown after an action, from the API's status and answer (never from the query alone). */
function flashText(action: string, status: number, body: unknown): { ok: boolean; text: string } {
  const b = (body ?? {}) as { queued?: unknown; fannedOut?: unknown; error?: unknown; issues?: unknown };
  if (status === 404)
    return { ok: false, text: `管理接口尚未提供此操作 (${action})。 The admin API has no such action yet.` };
  if (status === 401 || status === 403)
    return { ok: false, text: '密钥无效或已更换,请重新登录。 Key refused: sign in again.' };
  if (status === 429)
    return { ok: false, text: '操作过于频繁,请稍后再试。 Too many requests: wait a minute.' };
  if (status >= 400) {
    const issues = Array.isArray(b.issues) ? `: ${b.issues.map(String).join('; ')}` : '';
    return { ok: false, text: `未完成 Not done: ${typeof b.error === 'string' ? b.error : status}${issues}` };
  }
  if (action.startsWith('recrawl')) {
    const queued = Array.isArray(b.queued) ? b.queued.length : 0;
    const fanned = typeof b.fannedOut === 'number' ? b.fannedOut : 0;
    if (fanned)
      return { ok: true, text: `已分批排队 ${fanned} 个机关。 ${fanned} bodies queued in batches.` };
    return queued
      ? { ok: true, text: `已排队 ${queued} 个抓取。 ${queued} crawl(s) queued.` }
      : { ok: true, text: '已有抓取在排队,没有重复排队。 A crawl is already pending: nothing more queued.' };
  }
  return { ok: true, text: `已完成 Done (${action}).` };
}

async function adminView(c: Context, ctx: StageContext, flash: AdminView['flash']): Promise<AdminView> {
  const bodies = [...ctx.registry.values()].slice(0, ADMIN_BODIES);
  const [states, years] = await Promise.all([
    Promise.all(bodies.map((b) => ctx.repo.getBodyState(b.id))),
    yearsOfBodies(ctx, bodies),
  ]);
  const failing = bodies.flatMap((b, i) => {
    const health = crawlHealth(states[i] ?? { bodyId: b.id, consecutiveFailures: 0 });
    return health.consecutiveFailures > 0 || !health.reachable ? [{ body: bodySummary(b), health }] : [];
  });
  const inconclusive = [...years.values()].flatMap((b) =>
    b.years
      .filter((y) => y.outcome === 'inconclusive')
      .map((y) => ({ body: b.body, year: y.year, reasons: y.reasons })),
  );
  const editing = c.req.query('bodyId');
  const entry = editing ? ctx.registry.get(editing) : undefined;
  return {
    failing,
    inconclusive,
    api: [],
    bodies: bodies.map(bodySummary),
    scopes: scopeOptions(ctx.registry),
    flash,
    entry: entry ? { id: entry.id, json: JSON.stringify(entry, null, 2) } : null,
  };
}

/**
 * `/admin` (the page; the login form without a valid key), `POST /admin/login` and `/admin/logout` (the
 * key in an HttpOnly, SameSite=Strict cookie: security.ts), and `POST /admin/do/:action`: each button's
 * form, checked to come from this site, handed to the admin API (`x-admin-token` from the cookie), then
 * back to the page with the API's answer as a sentence (POST → 303 → GET).
 */
export const registerAdminPages: RouteRegistrar = (app, ctx, options) => {
  app.get('/admin', async (c) => {
    if (!(await keyValid(ctx, options, adminCookie(c)))) return sendPage(c, adminLoginPage(null));
    return sendPage(c, adminPage(await adminView(c, ctx, takeFlash(c))));
  });

  app.post('/admin/login', async (c) => {
    if (!sameOriginPost(c, publicBase(options, ctx.publicUrl)))
      return sendPage(c, adminLoginPage('来源不明的请求。 Cross-site request refused.'), 403);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    if (!(await keyValid(ctx, options, key)))
      return sendPage(c, adminLoginPage('密钥无效。 That key is not valid.'), 403);
    setAdminCookie(c, key);
    return c.redirect('/admin', 303);
  });

  app.post('/admin/logout', (c) => {
    clearAdminCookie(c);
    return c.redirect('/admin', 303);
  });

  app.post('/admin/do/:action', async (c) => {
    if (!sameOriginPost(c, publicBase(options, ctx.publicUrl)))
      return sendPage(c, adminLoginPage('来源不明的请求。 Cross-site request refused.'), 403);
    const key = adminCookie(c);
    if (!(await keyValid(ctx, options, key)))
      return sendPage(c, adminLoginPage('请先登录。 Sign in first.'), 401);
    const raw = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const form = Object.fromEntries(
      Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const action = c.req.param('action');
    const request = apiRequest(ctx, action, form);
    const flash =
      typeof request === 'string'
        ? { ok: false, text: request }
        : await callApi(app, c, 'POST', request.path, {
            json: request.json,
            headers: { 'x-admin-token': key ?? '' },
          }).then((r) => flashText(action, r.status, r.body));
    setFlash(c, flash);
    return c.redirect('/admin', 303);
  });
};
