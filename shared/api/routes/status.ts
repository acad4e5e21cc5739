import type { RouteRegistrar } from './types.ts';

/** `GET /health` and `GET /status/:bodyId` (the body's crawl state and its reports). */
export const registerStatusRoutes: RouteRegistrar = (app, ctx) => {
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
};
