import type { StageContext } from '../stages/context.ts';
import { createApp } from './app.ts';

export interface ApiRoute {
  method: string;
  /** Hono's syntax: `/status/:bodyId`. */
  path: string;
}

/**
 * The routes the Hono app serves, read from the app itself: infra/constructs/api.ts makes an API Gateway
 * route of each, so a route added to the app is reachable in AWS without a second list to forget.
 * Registering routes touches no context, so an inert one is enough (any use of it throws).
 */
export function apiRoutes(): ApiRoute[] {
  const inert = new Proxy({} as StageContext, {
    get: (_, key) => {
      throw new Error(`apiRoutes(): the app read ctx.${String(key)} while registering routes`);
    },
  });
  const seen = new Set<string>();
  const routes: ApiRoute[] = [];
  for (const r of createApp(inert).routes) {
    if (r.method === 'ALL') continue; // middleware, not a route
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) routes.push({ method: r.method, path: r.path });
    seen.add(key);
  }
  return routes;
}

/** Hono's `:param` as API Gateway's `{param}`. */
export const gatewayPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
