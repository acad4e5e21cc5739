import type { Context } from 'hono';
import { LetterError, letterMarkdown } from '../../evidence/letter.ts';
import { letterFor } from '../../evidence/letter-build.ts';
import { letterDocx } from '../../evidence/letter-docx.ts';
import { buildEvidencePackage, PackageError, parseTarget } from '../../evidence/package-build.ts';
import { softwareInfo } from '../../evidence/software.ts';
import type { RouteRegistrar } from './types.ts';

/**
 * Evidence packages (issue 16; docs/evidence.md): `GET /evidence/:id/package.wacz`, where `:id` is a
 * finding's id (`rule/bodyId/year`) or a report year (`bodyId/year`), URL-encoded
 * (shared/evidence/links.ts builds the links); `GET /evidence/:id/letter.md` and `letter.docx`, the draft
 * complaint letter of a deadline.missing, deadline.late or date.backdated finding. 400 for an id of
 * neither form or a rule that gets no letter, 404 for one not known.
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
  const letter = (format: 'md' | 'docx') => async (c: Context) => {
    const id = c.req.param('id') ?? '';
    try {
      const { letter } = await letterFor(ctx, id, softwareInfo());
      const docx = format === 'docx';
      return new Response(docx ? Buffer.from(await letterDocx(letter)) : letterMarkdown(letter), {
        headers: {
          'content-type': docx
            ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
            : 'text/markdown; charset=utf-8',
          'content-disposition': `attachment; filename="letter_${id.replaceAll('/', '_')}.${format}"`,
        },
      });
    } catch (error) {
      if (error instanceof LetterError) return c.json({ error: error.message }, 400);
      if (error instanceof PackageError)
        return c.json({ error: error.message }, /expected/.test(error.message) ? 400 : 404);
      throw error;
    }
  };
  app.get('/evidence/:id/letter.md', letter('md'));
  app.get('/evidence/:id/letter.docx', letter('docx'));
};
