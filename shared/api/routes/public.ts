import type { RouteRegistrar } from './types.ts';

/** The public read API, OpenAPI, feeds and exports (issue 14): no routes yet. */
export const registerPublicRoutes: RouteRegistrar = () => {};
