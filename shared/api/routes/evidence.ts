import type { RouteRegistrar } from './types.ts';

/** Evidence pages of findings (issue 13): no routes yet. */
export const registerEvidenceRoutes: RouteRegistrar = () => {};
