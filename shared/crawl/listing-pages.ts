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

/** Arrows, brackets and punctuation around a pager word (`下一页&gt;&gt;`, `Next ›`, `« 上一页`). */
const DECOR = /[<>«»‹›＜＞《》〈〉→←⇒⇐▶◀►◄▸◂·•.,，。:：|｜/\\~～\-_—…]+/g;

/** What a control's text says it leads to, if it reads as pagination. */
export function pageWord(text: string): PageWord | null {
  const t = text.replace(/[\s[\]【】()（）]/g, '');
  const bare = t.replace(DECOR, '');
  for (const w of bare && bare !== t ? [t, bare] : [t]) {
    if (NEXT.test(w)) return 'next';
    if (LAST.test(w)) return 'last';
    if (PREV.test(w)) return 'prev';
    if (FIRST.test(w)) return 'first';
    const n = NUMBER.exec(w);
    if (n) return Number(n[1]);
  }
  return null;
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

/** A pager's words in the page's text, linked or not: the page says it has more than one page. */
export const PAGER_MARKER = /共\s*\d+\s*页|第\s*\d+\s*页|页次|尾页|下一页/;

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

/**
 * A pager of plain links must name every page, or the next one (each page is read in turn, so naming the
 * next is enough); one that names only some (首页 … 尾页) has the others inferred from their numbering.
 * The pages to add, or why the page stays unread.
 */
export function pagerGap(
  named: ReadonlyArray<{ url: string; word: PageWord }>,
  pageUrl: string,
  pages: number,
  stated: { total?: number | undefined; current?: number | undefined; text: string },
  limit: number,
): string[] | string {
  const { total, current } = stated;
  const others = named.filter((n) => !samePage(n.url, pageUrl));
  const onward = others.some((n) => n.word === 'next' || n.word === (current ?? 1) + 1);
  if (total === undefined || total <= 1) {
    const last = others.find((n) => n.word === 'last');
    const numbers = others.map((n) => n.word).filter((w) => typeof w === 'number');
    const listed = last && others.some((n) => typeof n.word === 'number' && n.url === last.url);
    const all = numbers.every((n) => n <= new Set(numbers).size + 1);
    if (last && !onward && !(listed && all))
      return `pager names the last page ${last.url} but neither the next page nor the count`;
    return [];
  }
  if ((current !== undefined && current >= total) || onward) return [];
  // With the current page known, count the page numbers named (a 首页 under another URL is not page 2).
  const numbers = new Set([current, ...named.map((n) => numberOf(n.word, total, current))]);
  const all = Array.from({ length: total }, (_, i) => i + 1).every((p) => numbers.has(p));
  if (current === undefined ? pages >= total - 1 : all) return [];
  const inferred = inferPages(named, pageUrl, total, current, limit);
  if (inferred) return inferred;
  if (others.length === 0 && !PAGER_MARKER.test(stated.text)) return [];
  return `pager states ${total} pages; the page names ${pages} other(s) and no next page`;
}

/**
 * The pages a pager leaves out (首页 … 尾页, or 1 2 … 9 with no next), when the page states how many there
 * are and the pages it names show their numbering: `index_K` (TRS, from 0: `index_2` is page 3 of 3),
 * `list_K`, `?page=K`. The named pages calibrate it; null when they do not, or disagree.
 */
function inferPages(
  named: ReadonlyArray<{ url: string; word: PageWord }>,
  pageUrl: string,
  total: number,
  current: number | undefined,
  limit: number,
): string[] | null {
  const known: Array<{ url: URL; page: number }> = [{ url: new URL(pageUrl), page: current ?? Number.NaN }];
  for (const { url, word } of named) {
    const page = numberOf(word, total, current);
    if (page !== undefined) known.push({ url: new URL(url), page });
  }
  for (const slot of slotsOf(known.slice(1).map((k) => k.url))) {
    const offsets = new Set<number>();
    const pages = new Set<number>();
    let unnumbered: string | null = null;
    for (const { url, page } of known) {
      const k = slot.number(url);
      if (k === undefined || !Number.isInteger(page)) continue;
      pages.add(page);
      if (k === null) {
        if (page === 1) unnumbered = url.href;
      } else offsets.add(page - k);
    }
    // The slot must vary with the page: two pages of it seen (a `cid=9` beside `page=1` does not).
    if (offsets.size !== 1 || pages.size < 2) continue;
    const offset = [...offsets][0]!;
    const here = current ?? (slot.number(known[0]!.url) === null ? 1 : undefined);
    if (here === undefined) continue;
    const urls: string[] = [];
    for (let p = 1; p <= Math.min(total, limit); p++) {
      if (p === here) continue;
      const k = p - offset;
      if (k >= (slot.zero ? 0 : 1)) urls.push(slot.make(k));
      else if (p === 1 && unnumbered) urls.push(unnumbered);
      else return null;
    }
    return urls;
  }
  return null;
}

/** The page number a pager word names, when the pager's count and current page tell it. */
function numberOf(word: PageWord, total: number, current: number | undefined): number | undefined {
  if (typeof word === 'number') return word;
  if (word === 'last') return total;
  if (word === 'first') return 1;
  return current === undefined ? undefined : current + (word === 'next' ? 1 : -1);
}

interface Slot {
  zero: boolean;
  /** The page number in this slot; null for the template's unnumbered form; undefined: another URL. */
  number(url: URL): number | null | undefined;
  make(k: number): string;
}

/** Where a number varies in these URLs: the last number of the path (`index_2.html`), or a query value. */
function slotsOf(urls: readonly URL[]): Slot[] {
  const slots: Slot[] = [];
  const seen = new Set<string>();
  for (const u of urls) {
    const path = /^(.*?[_\-/]?)(\d+)(\.\w+|\/)?$/.exec(u.pathname);
    if (path && !seen.has(`p${u.search}${path[1]}${path[3]}`)) {
      seen.add(`p${u.search}${path[1]}${path[3]}`);
      const [, pre, , ext = ''] = path;
      const bare = pre!.replace(/[_-]$/, '');
      slots.push({
        zero: false,
        number: (x) => {
          if (x.host !== u.host || x.search !== u.search) return undefined;
          if (x.pathname.startsWith(pre!) && x.pathname.endsWith(ext)) {
            const mid = x.pathname.slice(pre!.length, x.pathname.length - ext.length);
            if (/^\d+$/.test(mid)) return Number(mid);
          }
          if (bare === pre) return undefined;
          const home = x.pathname === `${bare}${ext}` || (/\/index$/.test(bare) && x.pathname === dir(bare));
          return home ? null : undefined;
        },
        make: (k) => `${u.origin}${pre}${k}${ext}${u.search}`,
      });
    }
    for (const [key, value] of u.searchParams) {
      if (!/^\d+$/.test(value) || seen.has(`q${u.pathname}${key}`)) continue;
      seen.add(`q${u.pathname}${key}`);
      const rest = (x: URL) => {
        const q = new URLSearchParams(x.search);
        q.delete(key);
        return `${x.host}${x.pathname}?${q}`;
      };
      slots.push({
        zero: true,
        number: (x) => {
          if (rest(x) !== rest(u)) return undefined;
          const v = x.searchParams.get(key);
          return v === null ? null : /^\d+$/.test(v) ? Number(v) : undefined;
        },
        make: (k) => {
          const x = new URL(u.href);
          x.searchParams.set(key, String(k));
          return x.href;
        },
      });
    }
  }
  return slots;
}
