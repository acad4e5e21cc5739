import { createHash } from 'node:crypto';
import type { Hono, MiddlewareHandler } from 'hono';
import { etag } from 'hono/etag';

/** Seconds a shared cache or browser may reuse a public read without asking again. */
export const PUBLIC_MAX_AGE = 60;

/**
 * Conditional GET for public reads (RFC 9110 §8.8.3, §13.1.2; RFC 9111 §5.2.2): a 200 carries a strong
 * `ETag` (from the SHA-1 of its bytes, Hono's etag middleware) and `Cache-Control: public, max-age=60`; a
 * request whose `If-None-Match` names the current tag is answered 304 without a body. The route still
 * reads the store to know its bytes: a 304 saves the transfer, and `max-age` lets a cache in front
 * (CloudFront, a browser) answer repeats for a minute, so data changes show within a minute.
 * Only for bounded responses: the streamed dataset export must not be hashed (it would be buffered).
 */
export function publicCache(): MiddlewareHandler {
  // Node's synchronous SHA-1, not the default WebCrypto digest (an async job per call: 5 % of the bench's CPU).
  const tag = etag({
    generateDigest: (body) => Uint8Array.from(createHash('sha1').update(body).digest()).buffer,
  });
  return async (c, next) => {
    await tag(c, next);
    if (c.res.status === 200 || c.res.status === 304)
      c.res.headers.set('cache-control', `public, max-age=${PUBLIC_MAX_AGE}`);
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
