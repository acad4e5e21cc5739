import { buildEvidencePackage, PackageError, parseTarget } from '../../evidence/package-build.ts';
import { softwareInfo } from '../../evidence/software.ts';
import type { RouteRegistrar } from './types.ts';

/**
 * Evidence packages (issue 16; docs/evidence.md): `GET /evidence/:id/package.wacz`, where `:id` is a
 * finding's id (`rule/bodyId/year`) or a report year (`bodyId/year`), URL-encoded
 * (shared/evidence/links.ts builds the links). 400 for an id of neither form, 404 for one not known.
 */
export const registerEvidencePackageRoutes: RouteRegistrar = (app, ctx) => {
  app.get('/evidence/:id/package.wacz', async (c) => {
    let target: ReturnType<typeof parseTarget>;
    try {
      target = parseTarget(c.req.param('id'));
    } catch (error) {
      return c.json({ error: (error as Error).message }, 400);
    }
    try {
      const pkg = await buildEvidencePackage(ctx, target, softwareInfo());
      return new Response(Buffer.from(pkg.bytes), {
        headers: {
          'content-type': 'application/zip',
          'content-disposition': `attachment; filename="${pkg.filename}"`,
          'x-content-sha256': pkg.sha256,
        },
      });
    } catch (error) {
      if (error instanceof PackageError) return c.json({ error: error.message }, 404);
      throw error;
    }
  });
};
