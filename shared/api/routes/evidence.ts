import { isBodyObject, loadEvidence } from '../../alerts/evidence-load.ts';
import { EVIDENCE_CSP, evidencePage } from '../../alerts/evidence-page.ts';
import { messagePage } from '../../alerts/pages.ts';
import { byteRange } from '../byte-range.ts';
import { noneMatch } from './public-cache.ts';
import type { RouteRegistrar } from './types.ts';

export { evidencePath, evidenceUrl } from '../../alerts/evidence-url.ts';

const HEADERS = {
  'content-security-policy': EVIDENCE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'public, max-age=300',
};

/**
 * `GET /evidence/:id` (public, no login): a finding's evidence page (alerts/evidence-page.ts), and
 * `GET /evidence/:id/raw?key=` the archived bytes behind it (the report's copy by default, or one of the
 * body's listing snapshots), as an attachment that no browser renders, with its sha256 as entity tag and one
 * byte range on request (206; 416 when none is satisfiable), 304 to an If-None-Match naming it. Unknown ids
 * answer 404.
 */
export const registerEvidenceRoutes: RouteRegistrar = (app, ctx) => {
  const notFound = async () =>
    messagePage('未找到 Not found', '没有这一发现的公开证据。', 'No public evidence for this finding.');

  app.get('/evidence/:id', async (c) => {
    const view = await loadEvidence(ctx, c.req.param('id'));
    if (!view) return c.html(await notFound(), 404, HEADERS);
    const raw = (key: string) => `/evidence/${view.id}/raw?key=${encodeURIComponent(key)}`;
    return c.html(await evidencePage(view, { raw }), 200, HEADERS);
  });

  app.get('/evidence/:id/raw', async (c) => {
    const view = await loadEvidence(ctx, c.req.param('id'));
    const key = c.req.query('key') ?? view?.raw?.key;
    if (!view || !key || !isBodyObject(view.body.id, key)) return c.html(await notFound(), 404, HEADERS);
    if (key !== view.raw?.key && !(await ctx.archive.exists(key)))
      return c.html(await notFound(), 404, HEADERS);
    const { bytes, meta } = key === view.raw?.key ? view.raw : await ctx.archive.get(key);
    const name = key.slice(key.lastIndexOf('/') + 1);
    // The archive is content-addressed: the sha256 of the original bytes is a strong entity tag, so a
    // download broken off resumes with Range and If-Range (RFC 9110 §14, §13.1.5), and a cache revalidates
    // with If-None-Match (304, §13.1.2).
    const etag = `"${meta.sha256}"`;
    const headers = {
      ...HEADERS,
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`,
      'x-nianbao-sha256': meta.sha256,
      'accept-ranges': 'bytes',
      etag,
    };
    if (noneMatch(c.req.header('if-none-match'), etag))
      return c.body(null, 304, { etag, 'cache-control': HEADERS['cache-control'] });
    const part = byteRange(bytes.byteLength, c.req.header('range'), c.req.header('if-range'), etag);
    // An error is not for a shared cache to keep (it would answer the plain URL with it).
    if (part.status === 416)
      return c.body(null, 416, {
        'content-range': part.contentRange,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
    // Content-Length set here too, so a HEAD (a download manager sizing its parts) carries it.
    const body = part.status === 206 ? bytes.subarray(part.start, part.end + 1) : bytes;
    const sent = { ...headers, 'content-length': String(body.byteLength) };
    if (part.status === 206)
      return c.body(new Uint8Array(body), 206, { ...sent, 'content-range': part.contentRange });
    return c.body(new Uint8Array(body), 200, sent);
  });
};
