import type { Hono } from 'hono';
import type { StageContext } from '../../stages/context.ts';
import type { ApiOptions } from '../options.ts';

/**
 * One group of routes, registered on the app by shared/api/app.ts. A registrar must not read `ctx` while
 * registering (only inside handlers): shared/api/routes.ts lists the routes with an inert context to
 * generate the API Gateway routes.
 */
export type RouteRegistrar = (app: Hono, ctx: StageContext, options: ApiOptions) => void;
