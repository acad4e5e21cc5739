import { createHash } from 'node:crypto';
import { Parser } from 'htmlparser2';

const INVISIBLE = new Set(['script', 'style', 'noscript', 'template']);

/**
 * The text a reader sees, whitespace collapsed: what a browser-rendered page is compared by. Its DOM
 * changes on every load (nonces, tokens, timestamps in attributes, injected scripts), its text does not,
 * so comparing DOM bytes would record a false revision at each re-check.
 */
export function visibleText(html: string): string {
  let hidden = 0;
  const parts: string[] = [];
  const parser = new Parser(
    {
      onopentag(name) {
        if (INVISIBLE.has(name)) hidden += 1;
      },
      onclosetag(name) {
        if (INVISIBLE.has(name) && hidden > 0) hidden -= 1;
      },
      ontext(text) {
        if (hidden === 0) parts.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(html);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

export function visibleTextHash(html: string): string {
  return createHash('sha256').update(visibleText(html)).digest('hex');
}
