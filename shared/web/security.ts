import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { STYLE_HASH } from './style.ts';

/**
 * Content-Security-Policy of every dashboard page (W3C CSP Level 3): scripts only from this site
 * (/assets/…), the one inline stylesheet by its hash, no plugins, no frames of others, forms posting only
 * here, no <base>. Report text is escaped anyway; this is the second wall should an escape ever be missed.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src ${STYLE_HASH}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every dashboard page is sent with. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/** Sends a rendered page with the dashboard's security headers; `cache` in seconds (0: private, no-store). */
export async function sendPage(
  c: Context,
  body: string | Promise<string>,
  status: 200 | 202 | 400 | 401 | 403 | 404 | 429 | 500 | 502 = 200,
  cache = 0,
): Promise<Response> {
  const headers = {
    ...PAGE_HEADERS,
    'cache-control': cache > 0 ? `public, max-age=${cache}` : 'private, no-store',
  };
  return c.html(await body, status, headers);
}

const ADMIN_COOKIE = 'nb_admin';

/**
 * The dashboard session id kept for the browser after a login (never the admin key: admin-token.ts
 * stores only the id's hash, so logout, expiry and revoking the key end it): HttpOnly (no script reads
 * it), SameSite=Strict (no other site's form or link sends it), Path=/admin, Secure when the page was
 * served over https, for the session's life (RFC 6265 §4.1.2).
 */
export function setAdminCookie(c: Context, sessionId: string, maxAgeSeconds: number): void {
  setCookie(c, ADMIN_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/admin',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: maxAgeSeconds,
  });
}

/** The session id the browser presents, or undefined. */
export function adminCookie(c: Context): string | undefined {
  const value = getCookie(c, ADMIN_COOKIE);
  return value && value.length > 0 ? value : undefined;
}

export function clearAdminCookie(c: Context): void {
  deleteCookie(c, ADMIN_COOKIE, { path: '/admin', secure: new URL(c.req.url).protocol === 'https:' });
}

/**
 * A state-changing form post must come from this site's own pages (OWASP CSRF cheat sheet: Fetch
 * Metadata, then the Origin header): refused when `Sec-Fetch-Site` says another site, or `Origin` names
 * another origin than the request's or the configured public URL's.
 */
export function sameOriginPost(c: Context, publicUrl: string | undefined): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = c.req.header('origin');
  if (!origin) return site === 'same-origin';
  const allowed = new Set([new URL(c.req.url).origin]);
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  return allowed.has(origin);
}

const FLASH_COOKIE = 'nb_flash';

/**
 * The result of an admin action, carried across its POST → 303 → GET in a one-minute cookie (any
 * container may serve the GET in Lambda). It is shown escaped to the browser that holds it, nothing more.
 */
export function setFlash(c: Context, flash: { ok: boolean; text: string }): void {
  const value = encodeURIComponent(JSON.stringify({ ok: flash.ok, text: flash.text.slice(0, 600) }));
  setCookie(c, FLASH_COOKIE, value, { httpOnly: true, sameSite: 'Strict', path: '/admin', maxAge: 60 });
}

/** The flash set by the last action (then cleared), or null. */
export function takeFlash(c: Context): { ok: boolean; text: string } | null {
  const value = getCookie(c, FLASH_COOKIE);
  if (!value) return null;
  deleteCookie(c, FLASH_COOKIE, { path: '/admin' });
  try {
    const parsed = JSON.parse(decodeURIComponent(value)) as { ok?: unknown; text?: unknown };
    return typeof parsed.text === 'string' ? { ok: parsed.ok === true, text: parsed.text } : null;
  } catch {
    return null;
  }
}

/**
 * The policy of a response that set none (the API's JSON, its 404 and 500, the OpenAPI page): nothing
 * may load but an inline stylesheet, nothing may frame it. Dashboard pages send their stricter CSP.
 */
export const FALLBACK_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Middleware giving every response the headers pages are sent with (CSP, nosniff, Referrer-Policy),
 * where a route did not set its own: 404s, 413s, 429s and 500s included. Runs first, so it sees the
 * final response whatever answered it.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  if (!headers.has('content-security-policy')) headers.set('content-security-policy', FALLBACK_CSP);
  if (!headers.has('x-content-type-options')) headers.set('x-content-type-options', 'nosniff');
  if (!headers.has('referrer-policy')) headers.set('referrer-policy', PAGE_HEADERS['referrer-policy']!);
};

/**
 * Whether the client would rather read a page than JSON: a browser's navigation (`Accept` naming
 * text/html) to a path outside the JSON API (`/api/…`, `/openapi.json`).
 */
export function wantsHtml(c: Context): boolean {
  if (c.req.path.startsWith('/api/') || c.req.path === '/openapi.json') return false;
  return /\btext\/html\b/.test(c.req.header('accept') ?? '');
}
