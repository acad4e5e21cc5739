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

/**
 * Figures that change at every visit without the report changing: a server-rendered visit counter
 * (浏览次数：1234, 访问量：56次, 点击数: 7, 您是第89位访客; the label's colon is required, so a report's own
 * 网站访问量1234万次 is not masked) and the page chrome's date of today (今天是2026年11月30日
 * 星期一, 当前时间). Their digits are masked before a page's text is compared.
 */
const VOLATILE = [
  /((?:浏览|访问|阅读|点击|查看)(?:次数|人次|量|数)\s*[:：]\s*)[\d,，]+(\s*次)?/g,
  /(第\s*)\d+(\s*位(?:访客|访问者|浏览者))/g,
  /((?:今天是|今日是|当前时间\s*[:：]?)\s*)[\d年月日\-/:：\s]+(?:星期[一二三四五六日天])?()/g,
];

/**
 * The text a re-check compares, for plain-HTTP and rendered pages alike: the visible text (tokens, nonces
 * and scripts in the markup make no difference) with visit counters and today's date masked (`#`).
 */
export function comparableText(html: string): string {
  let text = visibleText(html);
  for (const re of VOLATILE) text = text.replace(re, (_m, a: string, b?: string) => `${a}#${b ?? ''}`);
  return text;
}

/** sha256 (hex) of `comparableText(html)`: what a link's `lastTextHash` holds. */
export function visibleTextHash(html: string): string {
  return createHash('sha256').update(comparableText(html)).digest('hex');
}
