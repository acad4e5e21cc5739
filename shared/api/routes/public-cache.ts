import { createHash } from 'node:crypto';
import type { Hono, MiddlewareHandler } from 'hono';

/** Seconds a shared cache or browser may reuse a public read without asking again. */
export const PUBLIC_MAX_AGE = 60;

/**
 * Whether an `If-None-Match` field value names `etag` (RFC 9110 §13.1.2: `*`, or a list of entity-tags
 * compared weakly, so `W/"x"` matches `"x"`).
 */
export function noneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return (ifNoneMatch.match(/(?:W\/)?"[^"]*"/g) ?? []).some((t) => t.replace(/^W\//, '') === opaque);
}

/** Headers a 304 keeps of the 200 it stands for (RFC 9110 §15.4.5). */
const KEPT_ON_304 = ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary'];

/**
 * Conditional GET for public reads (RFC 9110 §8.8.3, §13.1.2; RFC 9111 §5.2.2): a 200 carries a strong
 * `ETag` (the SHA-1 of its bytes) and `Cache-Control: public, max-age=60`; a request whose
 * `If-None-Match` names the current tag is answered 304 without a body. The route still reads the store
 * to know its bytes: a 304 saves the transfer, and `max-age` lets a cache in front (CloudFront, a
 * browser) answer repeats for a minute, so data changes show within a minute.
 * The body is read once and sent as those bytes (Hono's etag middleware clones the response and tees its
 * stream, which cost more than the hashing). Only for bounded responses: the streamed dataset export must
 * not be hashed (it would be buffered).
 */
export function publicCache(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || c.res.status !== 200) return;
    const res = c.res;
    const bytes = new Uint8Array(await res.arrayBuffer());
    const etag = `"${createHash('sha1').update(bytes).digest('hex')}"`;
    const headers = new Headers(res.headers);
    headers.set('etag', etag);
    headers.set('cache-control', `public, max-age=${PUBLIC_MAX_AGE}`);
    // Unset first: assigning over a response makes Hono copy it through a stream (context.ts `set res`).
    c.res = undefined;
    if (noneMatch(c.req.header('if-none-match'), etag)) {
      for (const name of [...headers.keys()]) if (!KEPT_ON_304.includes(name)) headers.delete(name);
      c.res = new Response(null, { status: 304, headers });
    } else c.res = new Response(bytes, { status: 200, headers });
  };
}

/** The public read routes of routes/public.ts whose responses are bounded (not the streamed dataset). */
const PUBLIC_READS = [
  '/api/bodies',
  '/api/bodies/:bodyId',
  '/api/bodies/:bodyId/*',
  '/api/scoreboard',
  '/api/export/scoreboard.csv',
  '/api/findings',
  '/api/feeds/:format',
  '/api/reports',
];

/** `publicCache()` in front of every bounded public read route (register before the routes). */
export function cachePublicReads(app: Hono): void {
  const cached = publicCache();
  for (const path of PUBLIC_READS) app.use(path, cached);
}
