import { Hono } from 'hono';
import type { StageContext } from '../stages/context.ts';
import { registerWebRoutes } from '../web/routes.ts';
import type { ApiOptions } from './options.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerEvidenceRoutes } from './routes/evidence.ts';
import { registerEvidencePackageRoutes } from './routes/evidence-package.ts';
import { registerPublicRoutes } from './routes/public.ts';
import { registerStatusRoutes } from './routes/status.ts';
import { registerSubscriptionRoutes } from './routes/subscriptions.ts';
import type { RouteRegistrar } from './routes/types.ts';

export type { ApiOptions } from './options.ts';
export { RecrawlRequest } from './routes/admin.ts';
export { SubscriptionRequest } from './routes/subscriptions.ts';

/** Every group of routes, each in its own file under routes/ (and the dashboard's under shared/web/). */
const registrars: RouteRegistrar[] = [
  registerStatusRoutes,
  registerPublicRoutes,
  registerSubscriptionRoutes,
  registerEvidenceRoutes,
  registerEvidencePackageRoutes,
  registerAdminRoutes,
  registerWebRoutes,
];

/**
 * The HTTP API and pages, served by API Gateway in AWS (functions/api/handler.ts) and by any Node server
 * locally: it only talks to the StageContext, so both runtimes run the same routes.
 */
export function createApp(ctx: StageContext, options: ApiOptions = {}): Hono {
  const app = new Hono();
  for (const register of registrars) register(app, ctx, options);

  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    ctx.log(`api error on ${c.req.method} ${c.req.path}: ${error.message}`);
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
