import type { Context } from 'hono';
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
 * The admin key kept for the browser after a login: HttpOnly (no script reads it), SameSite=Strict (no
 * other site's form or link sends it), Path=/admin, Secure when the page was served over https, 8 hours.
 * The key itself is what the admin API checks (`x-admin-token`), so rotating the key ends every session.
 */
export function setAdminCookie(c: Context, key: string): void {
  setCookie(c, ADMIN_COOKIE, key, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/admin',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: 8 * 3600,
  });
}

export function adminCookie(c: Context): string | undefined {
  const value = getCookie(c, ADMIN_COOKIE);
  return value && value.length > 0 ? value : undefined;
}

export function clearAdminCookie(c: Context): void {
  deleteCookie(c, ADMIN_COOKIE, { path: '/admin' });
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
