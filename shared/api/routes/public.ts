import type { Context } from 'hono';
import { z } from 'zod';
import { bodyInScope } from '../../domain/body.ts';
import { comparisonDocx, comparisonHtml, comparisonMarkdown } from '../../read/compare-export.ts';
import { datasetChunks, scoreboardCsv, textStream } from '../../read/exports.ts';
import { FEED_TYPES, findingsFeed } from '../../read/feeds.ts';
import { encodeFindingsCursor } from '../../read/findings-cursor.ts';
import {
  bodyDetail,
  bodyYears,
  compareYears,
  NotFoundError,
  reportDetail,
  scopeFindings,
  scoreboard,
  searchBodies,
} from '../../read/index.ts';
import type { PublicFinding } from '../../read/types.ts';
import { ErrorBody, route } from '../openapi.ts';
import { publicBase } from '../options.ts';
import { cachePublicReads } from './public-cache.ts';
import { registerReportSearch } from './report-search.ts';
import {
  BodiesQuery,
  BodyParams,
  BodyYearParams,
  CompareQuery,
  DatasetQuery,
  FeedParams,
  FindingsQuery,
  ScoreboardQuery,
} from './schemas.ts';
import type { RouteRegistrar } from './types.ts';

const json = (description: string, schema: z.ZodType | null = null) => ({
  description,
  content: { 'application/json': schema },
});
const notFound = { description: 'no such body or report', content: { 'application/json': ErrorBody } };
const noSuchScope = {
  description: 'unknown scope: no body in the registry has this id or lies in this division',
  content: { 'application/json': ErrorBody },
};
/** `/api/findings`' answer: a page of findings and the cursor of the next. */
const FindingsPage = z.object({
  scope: z.string(),
  items: z.array(z.object({ id: z.string(), evidencePage: z.string() }).loose()),
  next: z
    .string()
    .nullable()
    .describe('the cursor of the next page (pass it as `cursor`); null on the last page'),
  nextUrl: z.string().nullable().describe('the next page on the public URL; null on the last page'),
});

/** A read that may name something absent: NotFoundError → 404 with its sentence. */
async function orNotFound(c: Context, read: () => Promise<Response>): Promise<Response> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NotFoundError) return c.json({ error: error.message }, 404);
    throw error;
  }
}

const Page = z.object({
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
  items: z.array(z.unknown()),
});

/**
 * The public read API over the read model (shared/read): bodies, a body's years, one report, the
 * year-over-year comparison, the scoreboard, findings and their feeds, and the exports. Every path and
 * query is validated (400 with field and reason); unknown bodies and years are 404. Bounded reads carry
 * an ETag and answer 304 to a matching If-None-Match (public-cache.ts).
 */
export const registerPublicRoutes: RouteRegistrar = (app, ctx, options) => {
  cachePublicReads(app); // ETag / 304 and a minute's Cache-Control on the bounded reads
  registerReportSearch(app, ctx);

  route(
    app,
    {
      method: 'get',
      path: '/api/bodies',
      tag: 'bodies',
      summary: 'Search bodies by name or code, filter by level and parent division, paginated',
      query: BodiesQuery,
      responses: { 200: json('a page of bodies', Page) },
    },
    (c, { query }) => c.json(searchBodies(ctx.registry, query)),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/bodies/:bodyId',
      tag: 'bodies',
      summary: 'A body with its parent chain, crawl health and check-log summary',
      params: BodyParams,
      responses: { 200: json('the body'), 404: notFound },
    },
    (c, { params }) => orNotFound(c, async () => c.json(await bodyDetail(ctx, params.bodyId))),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/bodies/:bodyId/years',
      tag: 'bodies',
      summary:
        "Each year's outcome (on-time, late, undated, missing, inconclusive, unreachable) with its deadline and legal basis, the report and its findings",
      params: BodyParams,
      responses: { 200: json('the years, newest first'), 404: notFound },
    },
    (c, { params }) => orNotFound(c, async () => c.json(await bodyYears(ctx, params.bodyId))),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/bodies/:bodyId/reports/:year',
      tag: 'reports',
      summary: 'One report: figures with offsets, findings with evidence, revisions, archived copies',
      params: BodyYearParams,
      responses: { 200: json('the report'), 404: notFound },
    },
    (c, { params }) => orNotFound(c, async () => c.json(await reportDetail(ctx, params.bodyId, params.year))),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/bodies/:bodyId/compare/:year',
      tag: 'reports',
      summary:
        'Year N beside year N−1: every figure with its change, findings of both, text diff (JSON, md, html, docx)',
      params: BodyYearParams,
      query: CompareQuery,
      responses: {
        200: {
          description: 'the comparison',
          content: {
            'application/json': null,
            'text/markdown': null,
            'text/html': null,
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document': null,
          },
        },
        404: notFound,
      },
    },
    (c, { params, query }) =>
      orNotFound(c, async () => {
        const cmp = await compareYears(ctx, params.bodyId, params.year);
        const name = `${params.bodyId}-${params.year}-vs-${params.year - 1}`;
        if (query.format === 'md')
          return c.body(comparisonMarkdown(cmp), 200, { 'content-type': 'text/markdown; charset=utf-8' });
        if (query.format === 'html') return c.html(comparisonHtml(cmp));
        if (query.format === 'docx')
          return c.body(new Uint8Array(await comparisonDocx(cmp)), 200, {
            'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
            'content-disposition': `attachment; filename="${name}.docx"`,
          });
        return c.json(cmp);
      }),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/scoreboard',
      tag: 'scoreboard',
      summary:
        'Per jurisdiction: counts per outcome and per finding severity for a year (docs/scoreboard-method.md)',
      query: ScoreboardQuery,
      responses: { 200: json('the scoreboard'), 404: noSuchScope },
    },
    async (c, { query }) =>
      unknownScope(ctx, query.scope)
        ? c.json(noScope(query.scope), 404)
        : c.json(await scoreboard(ctx, query.year, query.scope)),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/export/scoreboard.csv',
      tag: 'exports',
      summary: 'The scoreboard as CSV (UTF-8 with BOM)',
      query: ScoreboardQuery,
      responses: { 200: { description: 'CSV', content: { 'text/csv': null } }, 404: noSuchScope },
    },
    async (c, { query }) =>
      unknownScope(ctx, query.scope)
        ? c.json(noScope(query.scope), 404)
        : c.body(scoreboardCsv(await scoreboard(ctx, query.year, query.scope)), 200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="scoreboard-${query.year}.csv"`,
          }),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/export/dataset',
      tag: 'exports',
      summary:
        "Every report's figures with provenance (body, year, key, value — blank is empty, not 0 — source URL, sha256, offsets), streamed as CSV or JSON Lines",
      query: DatasetQuery,
      responses: {
        200: { description: 'the dataset', content: { 'text/csv': null, 'application/x-ndjson': null } },
      },
    },
    (c, { query }) =>
      c.body(textStream(datasetChunks(ctx, query.format)), 200, {
        'content-type':
          query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="nianbao-dataset.${query.format}"`,
      }),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/findings',
      tag: 'findings',
      summary:
        'Public findings of a scope, newest first, each with its evidence page; `next` (null on the last page) is the cursor of the page after',
      query: FindingsQuery,
      responses: { 200: json('findings, newest first', FindingsPage), 404: noSuchScope },
    },
    async (c, { query }) => {
      if (unknownScope(ctx, query.scope)) return c.json(noScope(query.scope), 404);
      const base = publicBase(options, ctx.publicUrl);
      const findings = await scopeFindings(ctx, query.scope, query.limit, query.cursor);
      const next = nextCursor(findings, query.limit);
      return c.json({
        scope: query.scope,
        items: findings.map((f) => ({ ...f, evidencePage: `${base}/evidence/${encodeURIComponent(f.id)}` })),
        next,
        nextUrl: next ? `${base}/api/findings?${pageQuery(query.scope, query.limit, next)}` : null,
      });
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/feeds/:format',
      tag: 'findings',
      summary:
        'Findings of a scope as a feed: rss (RSS 2.0), atom (Atom 1.0) or json (JSON Feed version 1), newest first',
      params: FeedParams,
      query: FindingsQuery,
      responses: {
        200: {
          description: 'the feed',
          content: {
            'application/rss+xml': null,
            'application/atom+xml': null,
            'application/feed+json': null,
          },
        },
        404: noSuchScope,
      },
    },
    async (c, { params, query }) => {
      if (unknownScope(ctx, query.scope)) return c.json(noScope(query.scope), 404);
      const findings = await scopeFindings(ctx, query.scope, query.limit, query.cursor);
      const names = new Map([...ctx.registry.values()].map((b) => [b.id, b.name]));
      const base = publicBase(options, ctx.publicUrl);
      const next = nextCursor(findings, query.limit);
      // This page's own URL (RFC 4287 §4.2.7.2): the limit as asked (absent when it was) and the cursor.
      const asked = new URL(c.req.url).searchParams;
      const selfQuery = new URLSearchParams({ scope: query.scope });
      if (asked.has('limit')) selfQuery.set('limit', String(query.limit));
      const cursor = asked.get('cursor');
      if (query.cursor !== undefined && cursor !== null) selfQuery.set('cursor', cursor);
      const body = findingsFeed(findings, {
        base,
        scope: query.scope,
        format: params.format,
        names,
        self: `${base}/api/feeds/${params.format}?${selfQuery}`,
        ...(next
          ? { next: `${base}/api/feeds/${params.format}?${pageQuery(query.scope, query.limit, next)}` }
          : {}),
      });
      return c.body(body, 200, { 'content-type': FEED_TYPES[params.format] });
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/feed',
      tag: 'findings',
      summary: 'The RSS feed of findings (a redirect to /api/feeds/rss with the same query)',
      responses: { 302: { description: 'to /api/feeds/rss' } },
    },
    // The query goes along: a reader subscribed to /feed?scope=36 gets scope 36, not every body.
    (c) => {
      const search = new URL(c.req.url).search;
      return c.redirect(`${publicBase(options, ctx.publicUrl)}/api/feeds/rss${search}`, 302);
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/export.csv',
      tag: 'exports',
      summary: 'The dataset of every report figure as CSV (a redirect to /api/export/dataset?format=csv)',
      responses: { 302: { description: 'to /api/export/dataset?format=csv' } },
    },
    (c) => c.redirect(`${publicBase(options, ctx.publicUrl)}/api/export/dataset?format=csv`, 302),
  );

  route(
    app,
    {
      method: 'get',
      path: '/bodies',
      tag: 'bodies',
      summary: 'Bodies by name or code: a redirect to the search page (JSON: /api/bodies)',
      responses: { 302: { description: 'to /search' } },
    },
    (c) => {
      const q = c.req.query('q');
      return c.redirect(
        `${publicBase(options, ctx.publicUrl)}/search${q ? `?q=${encodeURIComponent(q)}` : ''}`,
        302,
      );
    },
  );
};

/**
 * A scope that covers no body of the registry: `*` covers all; a body id covers that body; a division code
 * covers the bodies whose code starts with it. A mistyped scope answers 404 rather than an empty feed
 * that stays empty forever.
 */
export function unknownScope(
  ctx: { registry: ReadonlyMap<string, { id: string; divisionCode: string }> },
  scope: string,
): boolean {
  // The read model's own test (a full code such as 360000 or 360800 is its province or city).
  for (const b of ctx.registry.values()) if (bodyInScope(b, scope)) return false;
  return true;
}

export const noScope = (scope: string) => ({
  error: `unknown scope ${scope}: no body in the registry has this id or lies in this division`,
});

/** The cursor of the page after `page` (a full page may have more after it), or null on a short page. */
function nextCursor(page: readonly PublicFinding[], limit: number): string | null {
  const last = page.at(-1);
  return last && page.length === limit ? encodeFindingsCursor(last) : null;
}

/** The query string of a findings page: scope, limit and cursor. */
function pageQuery(scope: string, limit: number, cursor: string): string {
  return new URLSearchParams({ scope, limit: String(limit), cursor }).toString();
}
