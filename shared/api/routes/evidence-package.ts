import type { RouteRegistrar } from './types.ts';

/** Evidence packages and verification downloads (issue 16): no routes yet. */
export const registerEvidencePackageRoutes: RouteRegistrar = () => {};
