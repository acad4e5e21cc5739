import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * What a signed link lets its bearer do, for one recipient (`h`, the address hash):
 * - `unsubscribe`: drop scope `s` (or every scope when `s` is `*all`) — the link in every alert and the
 *   RFC 8058 one-click `List-Unsubscribe` target;
 * - `manage`: open the manage-my-alerts page.
 * `x` is the expiry (Unix seconds); `v` the recipient's link epoch when signed: unsubscribing from
 * everything raises the epoch, so every older link of that recipient stops working (a replay changes
 * nothing).
 */
export const LinkClaims = z.object({
  p: z.enum(['unsubscribe', 'manage']),
  h: z.string().regex(/^[0-9a-f]{32}$/),
  s: z.string().max(64).optional(),
  x: z.number().int().positive(),
  v: z.number().int().nonnegative(),
});
export type LinkClaims = z.infer<typeof LinkClaims>;

/** Every scope of a recipient, as `s` of an unsubscribe link. */
export const ALL_SCOPES = '*all';

export type VerifyResult =
  | { ok: true; claims: LinkClaims }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const mac = (key: Buffer, payload: string): Buffer => createHmac('sha256', key).update(payload).digest();

/** `base64url(JSON claims).base64url(HMAC-SHA256(key, that))`: URL-safe, no padding. Pure. */
export function signLink(key: Buffer, claims: LinkClaims): string {
  const payload = Buffer.from(JSON.stringify(LinkClaims.parse(claims))).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/**
 * Checks a token's signature (constant time) and expiry against `nowSeconds`. A token not of the form,
 * or whose claims do not parse, is `malformed`; a wrong signature `forged`; a past expiry `expired`.
 * Whether the claims still hold (the epoch, the scope) is the caller's question. Pure.
 */
export function verifyLink(key: Buffer, token: string, nowSeconds: number): VerifyResult {
  const m = /^([A-Za-z0-9_-]{10,1000})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m?.[1] || !m[2]) return { ok: false, reason: 'malformed' };
  const want = mac(key, m[1]);
  const got = Buffer.from(m[2], 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: 'forged' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const claims = LinkClaims.safeParse(json);
  if (!claims.success) return { ok: false, reason: 'malformed' };
  if (claims.data.x < nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims: claims.data };
}
