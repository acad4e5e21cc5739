import type { Context } from 'hono';
import {
  ADMIN_SESSION_MS,
  adminKeyAccepted,
  adminSessionValid,
  closeAdminSession,
  openAdminSession,
} from '../api/admin-token.ts';
import { publicBase } from '../api/options.ts';
import type { RouteRegistrar } from '../api/routes/types.ts';
import { bodySummary } from '../read/index.ts';
import type { StageContext } from '../stages/context.ts';
import { apiError, callApi } from './forward.ts';
import { type AdminView, adminLoginPage, adminPage, type DiscoverProposalView } from './pages/admin.ts';
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

/** Bodies offered in the action forms' selects (a larger registry: pick by scope, or use the API). */
const ADMIN_BODIES = 2000;

/** What each action asks of the admin API: method, path and JSON body from the form's fields. */
function apiRequest(
  ctx: StageContext,
  action: string,
  form: Record<string, string>,
): { method: 'POST' | 'PUT'; path: string; json: unknown } | string {
  const bodyId = form.bodyId ?? '';
  const needBody = () => (ctx.registry.has(bodyId) ? null : `unknown body ${bodyId}`);
  switch (action) {
    case 'recrawl':
      return needBody() ?? { method: 'POST', path: '/admin/recrawl', json: { bodyIds: [bodyId] } };
    case 'recrawl-scope': {
      const scope = form.scope ?? '*';
      return { method: 'POST', path: '/admin/recrawl', json: scope === '*' ? {} : { scope } };
    }
    case 'reparse':
      return needBody() ?? { method: 'POST', path: '/admin/reparse', json: { bodyIds: [bodyId] } };
    case 'rerun-rules':
      return needBody() ?? { method: 'POST', path: '/admin/rules', json: { bodyIds: [bodyId] } };
    case 'registry': {
      let entry: unknown;
      try {
        entry = JSON.parse(form.entry ?? '');
      } catch {
        return '登记条目不是有效的 JSON。 The entry is not valid JSON.';
      }
      const id = (entry as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || id === '') return '登记条目缺少 id。 The entry has no id.';
      return { method: 'PUT', path: `/admin/registry/${encodeURIComponent(id)}`, json: entry };
    }
    case 'requeue':
      return { method: 'POST', path: '/admin/dead-letters/requeue', json: form.id ? { ids: [form.id] } : {} };
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
    const pending = Array.isArray((body as { pending?: unknown })?.pending)
      ? ((body as { pending: unknown[] }).pending.length as number)
      : 0;
    const fanned = typeof b.fannedOut === 'number' ? b.fannedOut : 0;
    if (fanned)
      return { ok: true, text: `已分批排队 ${fanned} 个机关。 ${fanned} bodies queued in batches.` };
    const already = pending
      ? ` ${pending} 个已在排队,未重复排队。 ${pending} already pending: not queued again.`
      : '';
    return { ok: true, text: `已排队 ${queued} 个抓取。 ${queued} crawl(s) queued.${already}` };
  }
  const n = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  const r = (body ?? {}) as { requeued?: unknown; changes?: unknown; newAlerts?: unknown; created?: unknown };
  if (action === 'requeue')
    return { ok: true, text: `已重新入队 ${n(r.requeued)} 条。 ${n(r.requeued)} requeued.` };
  if (action === 'reparse')
    return { ok: true, text: `已重新解析 ${n(r.changes)} 个页面。 ${n(r.changes)} page(s) re-parsed.` };
  if (action === 'rerun-rules')
    return {
      ok: true,
      text: `规则已重新运行,新提醒 ${n(r.newAlerts)} 条。 Rules run again: ${n(r.newAlerts)} new alert(s).`,
    };
  if (action === 'registry')
    return {
      ok: true,
      text: r.created === true ? '已新增机关。 Body added.' : '已更新登记条目。 Entry updated.',
    };
  return { ok: true, text: `已完成 Done (${action}).` };
}

/** One list of the admin API (`{ items }`), or why it could not be read. */
async function apiList(
  app: Parameters<RouteRegistrar>[0],
  c: Context,
  session: string,
  path: string,
): Promise<{ rows: Array<Record<string, unknown>> | null; note?: string }> {
  const r = await callApi(app, c, 'GET', path, { headers: { 'x-admin-session': session } });
  const items = (r.body as { items?: unknown } | null)?.items;
  if (r.status === 200 && Array.isArray(items)) return { rows: items as Array<Record<string, unknown>> };
  return { rows: null, note: `${apiError(r.body).message} (HTTP ${r.status})` };
}

async function adminView(
  app: Parameters<RouteRegistrar>[0],
  c: Context,
  ctx: StageContext,
  session: string,
  flash: AdminView['flash'],
): Promise<AdminView> {
  const [queues, failing, inconclusive, errors, dead] = await Promise.all(
    [
      '/admin/queues',
      '/admin/failing',
      '/admin/inconclusive',
      '/admin/crawl-errors',
      '/admin/dead-letters',
    ].map((p) => apiList(app, c, session, p)),
  );
  const editing = c.req.query('bodyId');
  const entry = editing ? ctx.registry.get(editing) : undefined;
  return {
    sections: [
      { title: '队列深度', en: 'Queue depths', ...(queues as ApiList) },
      { title: '抓取失败的机关', en: 'Failing bodies', ...(failing as ApiList) },
      {
        title: '无法判定或无法访问的年度',
        en: 'Inconclusive and unreachable years',
        ...(inconclusive as ApiList),
      },
      { title: '最近的抓取错误', en: 'Recent crawl errors', ...(errors as ApiList) },
      { title: '死信', en: 'Dead letters', requeue: true, ...(dead as ApiList) },
    ],
    bodies: [...ctx.registry.values()].slice(0, ADMIN_BODIES).map(bodySummary),
    scopes: scopeOptions(ctx.registry),
    flash,
    entry: entry ? { id: entry.id, json: JSON.stringify(entry, null, 2) } : null,
  };
}

type ApiList = Awaited<ReturnType<typeof apiList>>;

/**
 * `/admin` (the page; the login form without a live session), `POST /admin/login` (the key, checked, opens
 * a session: only its id goes into an HttpOnly, SameSite=Strict cookie: security.ts, admin-token.ts),
 * `POST /admin/logout` (ends the session), and `POST /admin/do/:action`: each button's form handed to the
 * admin API (`x-admin-session`), then back to the page with the API's answer as a sentence (POST → 303 →
 * GET). Every POST is first checked to come from this site (Origin / Sec-Fetch-Site).
 */
export const registerAdminPages: RouteRegistrar = (app, ctx, options) => {
  const live = (c: Context) => adminSessionValid(ctx.repo, options, adminCookie(c), ctx.now());
  const crossSite = (c: Context) =>
    sameOriginPost(c, publicBase(options, ctx.publicUrl))
      ? null
      : sendPage(c, adminLoginPage('来源不明的请求。 Cross-site request refused.'), 403);

  app.get('/admin', async (c) => {
    if (!(await live(c))) return sendPage(c, adminLoginPage(null));
    return sendPage(c, adminPage(await adminView(app, c, ctx, adminCookie(c) ?? '', takeFlash(c))));
  });

  app.post('/admin/login', async (c) => {
    const refused = crossSite(c);
    if (refused) return refused;
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    if (!(await adminKeyAccepted(ctx.repo, options, key)))
      return sendPage(c, adminLoginPage('密钥无效。 That key is not valid.'), 403);
    // A session the browser held before the login is ended, not carried over (session fixation).
    await closeAdminSession(ctx.repo, adminCookie(c), ctx.now());
    setAdminCookie(c, await openAdminSession(ctx.repo, key, ctx.now()), ADMIN_SESSION_MS / 1000);
    return c.redirect('/admin', 303);
  });

  app.post('/admin/logout', async (c) => {
    const refused = crossSite(c);
    if (refused) return refused;
    await closeAdminSession(ctx.repo, adminCookie(c), ctx.now());
    clearAdminCookie(c);
    return c.redirect('/admin', 303);
  });

  // Discover: the admin API's proposal shown in the page (its entry in the editor), nothing written; the
  // page is answered directly (no redirect: the proposal is too long for the flash cookie).
  app.post('/admin/do/discover', async (c) => {
    const refused = crossSite(c);
    if (refused) return refused;
    const session = adminCookie(c);
    if (!session || !(await live(c))) return sendPage(c, adminLoginPage('请先登录。 Sign in first.'), 401);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const url = typeof form.url === 'string' ? form.url.trim() : '';
    const r = await callApi(app, c, 'POST', '/admin/discover', {
      json: { url },
      headers: { 'x-admin-session': session },
    });
    const view = await adminView(app, c, ctx, session, null);
    view.discoverUrl = url;
    const found = r.body as (DiscoverProposalView & { entry?: { id?: unknown } }) | null;
    if (r.status === 200 && found?.entry) {
      const registered = ctx.registry.get(String(found.entry.id ?? ''));
      view.proposal = {
        ...found,
        ...(registered
          ? { registered: { id: registered.id, name: registered.name, listingUrl: registered.listingUrl } }
          : {}),
      };
      view.entry = { id: String(found.entry.id ?? ''), json: JSON.stringify(found.entry, null, 2) };
      view.flash = { ok: true, text: `找到年报栏目 Found the 年报 column: ${found.listingUrl}` };
    } else {
      const { message, issues } = apiError(r.body);
      view.flash = flashText('discover', r.status, r.body);
      if (r.status === 422 || r.status === 400)
        view.flash = {
          ok: false,
          text: `未能查找 Discover failed: ${message}${issues.length ? `: ${issues.join('; ')}` : ''}`,
        };
    }
    return sendPage(c, adminPage(view), r.status === 200 ? 200 : 400);
  });

  app.post('/admin/do/:action', async (c) => {
    const refused = crossSite(c);
    if (refused) return refused;
    const session = adminCookie(c);
    if (!session || !(await live(c))) return sendPage(c, adminLoginPage('请先登录。 Sign in first.'), 401);
    const raw = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const form = Object.fromEntries(
      Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const action = c.req.param('action');
    const request = apiRequest(ctx, action, form);
    const flash =
      typeof request === 'string'
        ? { ok: false, text: request }
        : await callApi(app, c, request.method, request.path, {
            json: request.json,
            headers: { 'x-admin-session': session },
          }).then((r) => flashText(action, r.status, r.body));
    setFlash(c, flash);
    return c.redirect('/admin', 303);
  });
};
