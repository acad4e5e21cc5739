import { z } from 'zod';
import { runSchedule } from '../../stages/schedule-stage.ts';
import { tokenMatches } from '../admin-token.ts';
import { readJson } from '../http.ts';
import type { RouteRegistrar } from './types.ts';

export const RecrawlRequest = z.object({ bodyIds: z.array(z.string().min(1)).min(1).optional() });

/** The admin actions, behind the `x-admin-token` header: `POST /admin/recrawl`. */
export const registerAdminRoutes: RouteRegistrar = (app, ctx, options) => {
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
};
