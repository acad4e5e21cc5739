import type { Hono } from 'hono';
import { z } from 'zod';
import type { ReadContext } from '../../read/context.ts';
import { searchReports } from '../../read/report-search.ts';
import { route } from '../openapi.ts';
import { noScope, unknownScope } from './public.ts';
import { Count, ScopeParam, Year } from './schemas.ts';

const ReportSearchQuery = z.object({
  q: z.string().trim().min(1).max(100).describe('words that must all appear in the title'),
  year: Year.describe('the report year searched'),
  scope: ScopeParam,
  offset: Count(0, 1_000_000, 0),
  limit: Count(1, 500, 50),
});

/**
 * `GET /api/reports?q&year&scope&offset&limit`: reports of one year whose title holds every word, across
 * all bodies of the scope (one BatchGetItem per 100 bodies, see searchReports).
 */
export function registerReportSearch(app: Hono, ctx: ReadContext): void {
  route(
    app,
    {
      method: 'get',
      path: '/api/reports',
      tag: 'reports',
      summary: "Search one year's reports by title words across every body of a scope, paginated",
      query: ReportSearchQuery,
      responses: {
        200: { description: 'a page of reports', content: { 'application/json': null } },
        404: { description: 'a scope that covers no body', content: { 'application/json': null } },
      },
    },
    async (c, { query }) =>
      query.scope !== undefined && unknownScope(ctx, query.scope)
        ? c.json(noScope(query.scope), 404)
        : c.json(await searchReports(ctx, query)),
  );
}
