import { z } from 'zod';

/** Characters that would let an address break out of a header (RFC 5322 specials, spaces, controls). */
const PLAIN = /^[^\s<>()[\],;:"\\@]+@[^\s<>()[\],;:"\\@]+\.[^\s<>()[\],;:"\\@.]+$/u;

/** Control and format characters (Unicode Cc, Cf, Zl, Zp: NUL, DEL, NEL U+0085, ZWSP, bidi marks…). */
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * An e-mail address as subscriptions accept it: one plain `local@domain.tld` (internationalised names
 * allowed, RFC 6531/6532: 用户@例子.中国), at most 254 characters (RFC 5321 §4.5.3.1.3), with no space,
 * control character, quote, angle bracket or comma, so it can never carry a second address or a header.
 */
export const EmailAddress = z
  .string()
  .trim()
  .refine((s) => !CONTROL.test(s), 'an e-mail address has no control or format character')
  .max(254, 'an e-mail address has at most 254 characters')
  .pipe(z.email({ pattern: z.regexes.unicodeEmail, error: 'not an e-mail address' }))
  .refine((s) => PLAIN.test(s), 'not a plain e-mail address (one local@domain.tld, nothing else)');

/**
 * An address as a page reached by a (possibly forwarded) mailed link shows it: the first character of
 * the local part, `•••`, then the domain (reader@example.org → r•••@example.org), so whoever holds a
 * forwarded alert does not learn the subscriber's address. Code points, not UTF-16 units (用户@例子.中国).
 */
export function maskAddress(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  const first = [...email.slice(0, at)][0] ?? '';
  return `${first}•••${email.slice(at)}`;
}
