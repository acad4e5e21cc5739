import type { Context } from 'hono';
import { FIRST_REPORT_YEAR, Year } from '../api/routes/schemas.ts';
import type { RouteRegistrar } from '../api/routes/types.ts';
import { bodyInScope } from '../domain/body.ts';
import { latestDueYear } from '../domain/deadlines.ts';
import { lookupDivision } from '../domain/divisions.ts';
import { ParsedReport } from '../domain/report.ts';
import {
  bodyDetail,
  bodyYears,
  compareYears,
  countScoreboard,
  NotFoundError,
  reportDetail,
  SCOREBOARD_METHOD,
  searchBodies,
  yearOfBodies,
  yearsOfBodies,
} from '../read/index.ts';
import type { StageContext } from '../stages/context.ts';
import { registerAdminPages } from './admin-routes.ts';
import { TABLE_JS } from './assets.ts';
import { problem } from './components.ts';
import { page } from './layout.ts';
import { scoreboardLinks } from './links.ts';
import { bodyPage } from './pages/body.ts';
import { comparePage } from './pages/compare.ts';
import { methodPage } from './pages/method.ts';
import { reportPage } from './pages/report.ts';
import { scoreboardPage } from './pages/scoreboard.ts';
import { searchPage } from './pages/search.ts';
import { scopeChain, scopeOptions } from './scopes.ts';
import { sendPage, wantsHtml } from './security.ts';
import { registerSubscribePages } from './subscribe-routes.ts';

/** Bodies listed one by one under the scoreboard's counts; a wider scope asks the reader to narrow it. */
const BODIES_LISTED = 300;

const SCOPE = /^(\*|\d{2,12}(-[a-z0-9]+)?)$/;
const YEAR = /^(19|20)\d{2}$/;

/** A 404/400 page with the dashboard's headers. */
export function problemPage(c: Context, status: 400 | 404, title: string, detail: string) {
  return sendPage(c, page({ title }, problem(title, detail)), status);
}

/**
 * The answer to a path no route serves: a page for a browser (wantsHtml), else the API's JSON error.
 * Both carry the security headers (security.ts, securityHeaders).
 */
export function notFound(c: Context) {
  if (wantsHtml(c))
    return problemPage(
      c,
      404,
      '没有这个页面 Page not found',
      `本站没有 ${c.req.path} 这个地址。There is no page at ${c.req.path}.`,
    );
  return c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404);
}

/** The answer to an unexpected failure: a page for a browser, else `{"error":"internal error"}`; never a trace. */
export function internalError(c: Context) {
  if (wantsHtml(c))
    return sendPage(
      c,
      page(
        { title: '出错了 Something went wrong' },
        problem(
          '出错了 Something went wrong',
          '服务器出错,已记录。请稍后再试。The error is logged; try again later.',
        ),
      ),
      500,
    );
  return c.json({ error: 'internal error' }, 500);
}

/** The latest report year whose deadline has passed for any registered body (the scoreboard's default). */
function defaultYear(ctx: StageContext): number {
  let year = 0;
  for (const b of ctx.registry.values()) year = Math.max(year, latestDueYear(b, ctx.today()));
  return year || Number(ctx.today().slice(0, 4)) - 1;
}

/**
 * The year a page was asked for, or why it cannot be one (the API's own rule: schemas.ts `Year`, 2008
 * onward), and never later than this year: a year's report is only published the year after.
 */
function readYear(ctx: StageContext, text: string): { year: number } | { reason: string } {
  const parsed = Year.safeParse(text);
  if (!parsed.success)
    return { reason: `"${text}" 不是有效的年度:${parsed.error.issues[0]?.message ?? 'expected a year'}` };
  const thisYear = Number(ctx.today().slice(0, 4));
  if (parsed.data > thisYear)
    return {
      reason: `${parsed.data} 年尚未到来,年报在次年发布。${parsed.data} has not come yet: a year's report is published the year after.`,
    };
  return { year: parsed.data };
}

/** A 400 page for a year that cannot be one, or null. */
function badYear(c: Context, ctx: StageContext, text: string) {
  const read = readYear(ctx, text);
  return 'reason' in read ? problemPage(c, 400, '年度有误 Bad year', read.reason) : null;
}

async function scoreboardView(c: Context, ctx: StageContext) {
  const scope = c.req.query('scope') || '*';
  const yearText = c.req.query('year');
  if (!SCOPE.test(scope))
    return problemPage(
      c,
      400,
      '范围有误 Bad scope',
      `"${scope}" 不是地区代码或机关编号。Expected *, a division code or a body id.`,
    );
  if (yearText) {
    const refused = badYear(c, ctx, yearText);
    if (refused) return refused;
  }
  const inScope = [...ctx.registry.values()].filter((b) => bodyInScope(b, scope));
  if (inScope.length === 0) {
    const place = lookupDivision(scope);
    return problemPage(
      c,
      404,
      '没有这个范围 No such scope',
      place
        ? `${place.name} (${scope}) 没有登记的机关。No body in ${scope} is registered.`
        : `"${scope}" 既不是已登记机关的编号,也不是其所在地区的代码。${scope} is neither a registered body nor a division with one.`,
    );
  }
  const year = yearText ? Number(yearText) : defaultYear(ctx);
  // Only the chosen year of each body is read (BatchGetItem, no Query per body): the page shows that year.
  const years = await yearOfBodies(ctx, inScope, year);
  const board = countScoreboard(inScope, years, year, scope, ctx.today());
  const chain = scopeChain(scope, ctx.registry);
  // Every year a report can be for (2008, the 条例's first year, to the latest due), so older years stay
  // one choice away without reading every body's reports to list them.
  const allYears = new Set([year]);
  for (let y = defaultYear(ctx); y >= FIRST_REPORT_YEAR; y -= 1) allYears.add(y);
  const listed = inScope.slice(0, BODIES_LISTED).flatMap((b) => years.get(b.id) ?? []);
  return sendPage(
    c,
    scoreboardPage({
      board,
      scopeName:
        chain.length > 1
          ? chain
              .slice(1)
              .map((s) => s.name)
              .join(' › ')
          : '全国',
      scopeChain: chain,
      years: [...allYears].sort((a, b) => b - a),
      scopes: scopeOptions(ctx.registry),
      bodies: listed,
      bodiesCut: inScope.length - listed.length,
      links: scoreboardLinks(year, scope),
    }),
  );
}

/**
 * The dashboard (issue 15): server-rendered pages over the read model (shared/read/), every value
 * escaped by the page shell, sent with a strict Content-Security-Policy (security.ts). Pages: `/`
 * scoreboard, `/method`, `/search`, `/bodies/:id`, `/bodies/:id/compare/:year`, `/reports/:bodyId/:year`,
 * `/subscribe` (subscribe-routes.ts) and `/admin` (admin-routes.ts); `/assets/table.js` sorts and filters
 * tables. A registrar reads `ctx` only inside handlers (routes.ts lists routes with an inert context).
 */
export const registerWebRoutes: RouteRegistrar = (app, ctx, options) => {
  app.get('/assets/table.js', (c) =>
    c.body(TABLE_JS, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
    }),
  );

  app.get('/', (c) => scoreboardView(c, ctx));

  app.get('/method', (c) => sendPage(c, methodPage(SCOREBOARD_METHOD), 200, 3600));

  app.get('/search', async (c) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 100);
    if (!q) return sendPage(c, searchPage(null));
    const words = q.split(/\s+/);
    const yearWords = words.filter((w) => YEAR.test(w)).map(Number);
    const nameWords = words.filter((w) => !YEAR.test(w));
    const byName = (w: string | undefined) => searchBodies(ctx.registry, { q: w, limit: 50 });
    const bodies = byName(nameWords[0]);
    const matched = bodies.items
      .map((b) => ctx.registry.get(b.id))
      .filter((b) => b !== undefined)
      .filter((b) => nameWords.every((w) => b.name.includes(w) || b.id.startsWith(w)));
    const years = await yearsOfBodies(ctx, matched);
    const reports = [...years.values()].flatMap((b) =>
      b.years.flatMap((y) =>
        y.report && (yearWords.length === 0 || yearWords.includes(y.year))
          ? [{ body: b.body, report: y.report }]
          : [],
      ),
    );
    return sendPage(c, searchPage({ q, bodies, reports }));
  });

  app.get('/bodies/:id', async (c) => {
    try {
      const id = c.req.param('id');
      const [detail, years] = await Promise.all([bodyDetail(ctx, id), bodyYears(ctx, id)]);
      return sendPage(c, bodyPage(detail, years));
    } catch (error) {
      if (error instanceof NotFoundError)
        return problemPage(c, 404, '没有这个机关 No such body', error.message);
      throw error;
    }
  });

  app.get('/bodies/:id/compare/:year', async (c) => {
    const year = c.req.param('year');
    const refused = badYear(c, ctx, year);
    if (refused) return refused;
    try {
      return sendPage(c, comparePage(await compareYears(ctx, c.req.param('id'), Number(year))));
    } catch (error) {
      if (error instanceof NotFoundError)
        return problemPage(c, 404, '没有可对比的报告 Nothing to compare', error.message);
      throw error;
    }
  });

  app.get('/reports/:bodyId/:year', async (c) => {
    const year = c.req.param('year');
    const refused = badYear(c, ctx, year);
    if (refused) return refused;
    try {
      const detail = await reportDetail(ctx, c.req.param('bodyId'), Number(year));
      const item = await ctx.repo.getReport(detail.body.id, detail.report.year);
      if (!item) throw new NotFoundError(`no ${year} report of ${detail.body.id} is stored`);
      // The report's own sections and tables (a record an older parser wrote may lack them: then the
      // text is shown whole, its flags still marked).
      const parsed = ParsedReport.safeParse(await ctx.archive.getJson(item.parsedKey));
      const layout = parsed.success
        ? parsed.data
        : { sections: [], originalText: detail.originalText, figures: { tables: [] } };
      return sendPage(c, reportPage(detail, layout));
    } catch (error) {
      if (error instanceof NotFoundError)
        return problemPage(c, 404, '没有这份报告 No such report', error.message);
      throw error;
    }
  });

  registerSubscribePages(app, ctx, options);
  registerAdminPages(app, ctx, options);
};
