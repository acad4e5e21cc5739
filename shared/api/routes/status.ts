import { z } from 'zod';
import { bodyStatus, crawlHealth, NotFoundError, yearsOfBodies } from '../../read/index.ts';
import { ErrorBody, route } from '../openapi.ts';
import { publicCache } from './public-cache.ts';
import { BodyParams, Count } from './schemas.ts';
import type { RouteRegistrar } from './types.ts';

const StatusQuery = z.object({
  offset: Count(0, 1_000_000, 0),
  limit: Count(1, 200, 50),
});

/**
 * `GET /health`, `GET /status` (every body's due years, paginated) and `GET /status/:bodyId` (the body's
 * crawl state, every due year's outcome with its deadline and legal basis, and its reports); both carry an
 * ETag and answer 304 to a matching If-None-Match (public-cache.ts).
 */
export const registerStatusRoutes: RouteRegistrar = (app, ctx) => {
  const cached = publicCache();
  app.use('/status', cached);
  app.use('/status/:bodyId', cached);

  route(
    app,
    {
      method: 'get',
      path: '/health',
      tag: 'status',
      summary: 'Liveness: the registry size and the date deadlines are judged on',
      responses: { 200: { description: 'ok', content: { 'application/json': null } } },
    },
    (c) => c.json({ ok: true, bodies: ctx.registry.size, today: ctx.today() }),
  );

  route(
    app,
    {
      method: 'get',
      path: '/status',
      tag: 'status',
      summary: "Every body's years (outcome, deadline, legal basis), in id order, paginated",
      query: StatusQuery,
      responses: { 200: { description: 'a page of bodies', content: { 'application/json': null } } },
    },
    async (c, { query }) => {
      const all = [...ctx.registry.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const page = all.slice(query.offset, query.offset + query.limit);
      const years = await yearsOfBodies(ctx, page);
      return c.json({
        today: ctx.today(),
        total: all.length,
        offset: query.offset,
        limit: query.limit,
        items: page.map((b) => years.get(b.id)),
      });
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/status/:bodyId',
      tag: 'status',
      summary:
        "A body's crawl state, every due year's outcome with deadline and legal basis, and its reports",
      params: BodyParams,
      responses: {
        200: { description: 'the body', content: { 'application/json': null } },
        404: { description: 'unknown body', content: { 'application/json': ErrorBody } },
      },
    },
    async (c, { params }) => {
      const body = ctx.registry.get(params.bodyId);
      if (!body) return c.json({ error: `unknown body ${params.bodyId}` }, 404);
      try {
        const { state, reports, years } = await bodyStatus(ctx, body.id);
        return c.json({
          body: { id: body.id, name: body.name, listingUrl: body.listingUrl },
          today: years.today,
          health: crawlHealth(state),
          state,
          years: years.years,
          reports,
        });
      } catch (error) {
        if (error instanceof NotFoundError) return c.json({ error: error.message }, 404);
        throw error;
      }
    },
  );
};
