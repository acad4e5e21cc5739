import type { Datastore } from './listing-scan.ts';
import type { JpageCall, TrsPager } from './listing-scripts.ts';

/**
 * Pages of one listing, as the CMS families name them:
 * - plain links: 下一页/下页/后页 (next), 尾页/末页 (last), 上一页/首页, and numbered links 1 2 3 that point
 *   beside the listing (`index_2.html`, `list.asp?page=3`, `?pageNum=2`);
 * - TRS WCM: `index.html`, `index_1.html` … `index_{count-1}.html` in the listing's folder;
 * - Hanweb jpage: `/module/web/jpage/dataproxy.jsp?startrecord=N&endrecord=M&perpage=P&<ajaxParam…>`
 *   for the records the page does not carry inline.
 */

export type PageWord = 'next' | 'last' | 'prev' | 'first' | number;

const NEXT = /^(下一页|下页|后页|后一页|下一頁|next|nextpage|›|»|>|>>)$/i;
const LAST = /^(尾页|末页|最后一页|最末页|尾頁|末頁|last|lastpage)$/i;
const PREV = /^(上一页|上页|前页|前一页|上一頁|prev|previous|‹|«|<|<<)$/i;
const FIRST = /^(首页|第一页|first|firstpage)$/i;
const NUMBER = /^(?:第)?(\d{1,3})(?:页)?$/;

/** What a control's text says it leads to, if it reads as pagination. */
export function pageWord(text: string): PageWord | null {
  const t = text.replace(/[\s[\]【】()（）]/g, '');
  if (NEXT.test(t)) return 'next';
  if (LAST.test(t)) return 'last';
  if (PREV.test(t)) return 'prev';
  if (FIRST.test(t)) return 'first';
  const n = NUMBER.exec(t);
  return n ? Number(n[1]) : null;
}

const dir = (path: string): string => path.slice(0, path.lastIndexOf('/') + 1);
const INDEX = /\/index\.(s?html?|jsp|aspx?|php)$/i;

/** The same page, `dir/` and `dir/index.html` counted as one. */
export function samePage(a: string, b: string): boolean {
  const norm = (u: string): string => {
    const url = new URL(u);
    return `${url.host}${url.pathname.replace(INDEX, '/')}${url.search}`;
  };
  return norm(a) === norm(b);
}

/**
 * Whether a link reads as another page of the listing at `pageUrl` (or its `<base>`): next/last/prev on the
 * same host; 首页 and numbers only beside the listing (a nav 首页 goes to the site's home page).
 */
export function isListingPage(url: string, word: PageWord, pageUrl: string, base: string): boolean {
  const u = new URL(url);
  const page = new URL(pageUrl);
  if (u.host !== page.host) return false;
  if (word === 'next' || word === 'last' || word === 'prev') return u.pathname !== '/' || u.search !== '';
  if (typeof word === 'number' && word < 1) return false;
  return [page, new URL(base)].some(
    (p) =>
      u.pathname === p.pathname || (dir(u.pathname).startsWith(dir(p.pathname)) && dir(p.pathname) !== '/'),
  );
}

/** `共3页`, `当前第2页`, `2/3页` in the pager's text. */
export function pagerNumbers(texts: readonly string[]): { total?: number; current?: number } {
  const out: { total?: number; current?: number } = {};
  for (const t of texts) {
    const total = /共\s*(\d+)\s*页/.exec(t);
    if (total && out.total === undefined) out.total = Number(total[1]);
    const current = /第\s*(\d+)\s*页/.exec(t);
    if (current && out.current === undefined) out.current = Number(current[1]);
    const slash = /(\d+)\s*\/\s*(\d+)\s*页?/.exec(t);
    if (slash && out.current === undefined && out.total === undefined) {
      out.current = Number(slash[1]);
      out.total = Number(slash[2]);
    }
  }
  return out;
}

/** Every TRS page but the current one, in order. */
export function trsPages(trs: TrsPager, base: string, limit: number): string[] {
  const pages: string[] = [];
  for (let i = 0; i < Math.min(trs.count, limit); i++) {
    if (i === trs.current) continue;
    pages.push(new URL(i === 0 ? `${trs.name}.${trs.ext}` : `${trs.name}_${i}.${trs.ext}`, base).href);
  }
  return pages;
}

export type JpagePlan =
  | { kind: 'complete' }
  | { kind: 'pages'; urls: string[]; total: number; perPage: number | null }
  | { kind: 'unread'; reason: string };

const DEFAULT_PROXY = '/module/web/jpage/dataproxy.jsp';

/**
 * The dataproxy requests for the records a jpage listing does not carry inline: groups of perPage ×
 * groupSize records (the size the server inlines), the POST parameters put in the query.
 */
export function jpagePlan(call: JpageCall | null, store: Datastore | undefined, base: string): JpagePlan {
  const total = call?.totalRecord ?? store?.totalRecord ?? null;
  const inline = store?.records ?? 0;
  if (total === null) {
    if (store?.nextgroup)
      return { kind: 'pages', urls: [new URL(store.nextgroup, base).href], total: 0, perPage: null };
    return call ? { kind: 'unread', reason: 'jpage totalRecord we cannot read' } : { kind: 'complete' };
  }
  if (total <= inline) return { kind: 'complete' };
  const perPage = call?.perPage ?? null;
  if (call?.params) {
    const step = perPage && call.groupSize ? perPage * call.groupSize : inline || perPage || 15;
    const proxy = new URL(call.proxyUrl ?? DEFAULT_PROXY, base);
    const urls: string[] = [];
    for (let start = inline + 1; start <= total && urls.length < 2000; start += step) {
      const query = new URLSearchParams([
        ['startrecord', String(start)],
        ['endrecord', String(Math.min(total, start + step - 1))],
        ['perpage', String(perPage ?? step)],
        ...call.params,
      ]);
      urls.push(`${proxy.origin}${proxy.pathname}?${query}`);
    }
    return { kind: 'pages', urls, total, perPage };
  }
  if (store?.nextgroup) return { kind: 'pages', urls: [new URL(store.nextgroup, base).href], total, perPage };
  const named = call?.unreadable.length
    ? `we cannot read (${call.unreadable.join(', ')})`
    : 'the page does not name';
  return { kind: 'unread', reason: `jpage dataproxy needs POST parameters ${named}` };
}
