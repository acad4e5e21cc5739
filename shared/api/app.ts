import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { StageContext } from '../stages/context.ts';
import { isInternalCall } from '../web/forward.ts';
import { internalError, notFound, registerWebRoutes } from '../web/routes.ts';
import { securityHeaders } from '../web/security.ts';
import { openApiDocument } from './openapi.ts';
import { docsPage } from './openapi-docs.ts';
import { type ApiOptions, DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_LIMITS, publicBase } from './options.ts';
import { clientAddress, rateCounter } from './rate-limit.ts';
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

const API_VERSION = '1.0.0';

/**
 * The HTTP API and pages, served by API Gateway in AWS (functions/api/handler.ts) and by any Node server
 * locally: it only talks to the StageContext, so both runtimes run the same routes.
 *
 * Every route: a request body larger than `maxBodyBytes` is refused with 413 before it is read; each
 * client is counted per minute, in the process and in batches in the table (rate-limit.ts), and refused with 429 past its limit; an
 * error is logged and answered `{"error":"internal error"}` (a page for a browser) with 500, never a stack
 * trace; every response carries the security headers, and a browser gets an HTML 404 page.
 */
export function createApp(ctx: StageContext, options: ApiOptions = {}): Hono {
  const app = new Hono();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const rate = rateCounter();

  app.use('*', securityHeaders);
  app.use(
    '*',
    bodyLimit({
      maxSize: maxBody,
      onError: (c) => c.json({ error: `request body too large (limit ${maxBody} bytes)` }, 413),
    }),
  );
  app.use('*', async (c, next) => {
    if (isInternalCall(c)) return next();
    const admin = c.req.path.startsWith('/admin');
    const limit = admin ? limits.adminPerMinute : limits.publicPerMinute;
    const decision = await rate
      .count(ctx.repo, admin ? 'admin' : 'public', clientAddress(c), limit, ctx.now())
      .catch((error: unknown) => {
        // The limiter's own store failing must not take the API down: counted as allowed, and logged.
        ctx.log(`rate limit not counted: ${(error as Error).message}`);
        return null;
      });
    if (decision && !decision.allowed) {
      c.header('Retry-After', String(decision.retryAfter));
      return c.json(
        {
          error: `too many requests: ${decision.limit} a minute per client; retry in ${decision.retryAfter} s`,
        },
        429,
      );
    }
    await next();
  });

  for (const register of registrars) register(app, ctx, options);

  const spec = () =>
    openApiDocument(app, {
      title: 'nianbao-watch',
      version: API_VERSION,
      serverUrl: publicBase(options, ctx.publicUrl),
    });
  app.get('/openapi.json', (c) => c.json(spec()));
  app.get('/api/docs', (c) => c.html(docsPage(spec() as Parameters<typeof docsPage>[0])));

  app.notFound(notFound);
  app.onError((error, c) => {
    ctx.log(`api error on ${c.req.method} ${c.req.path}: ${error.message}`);
    return internalError(c);
  });
  return app;
}
