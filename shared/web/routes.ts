import type { RouteRegistrar } from '../api/routes/types.ts';

/** The dashboard's server-rendered pages (issue 15): no pages yet. */
export const registerWebRoutes: RouteRegistrar = () => {};
