import type { Link } from './discover.ts';
import { handlerName, type Nav, navigationOf, selectorLinks, stuckReason } from './listing-nav.ts';
import {
  isListingPage,
  jpagePlan,
  type PageWord,
  pagerGap,
  pagerNumbers,
  pageWord,
  samePage,
  trsPages,
} from './listing-pages.ts';
import {
  type RawControl,
  type RawPage,
  type RawSelect,
  type Region,
  scanPage,
  titleOf,
} from './listing-scan.ts';
import { type ScriptScan, scanScripts } from './listing-scripts.ts';

/**
 * Reading a listing page the way county and bureau portals build them (docs/domain.md, "Listings as CMSs build
 * them"), without running it. Pure: html and its URL in, a ListingRead out.
 *
 * - Links: `<a href>`/`<area href>`, resolved against `<base href>` when the page has one (home-grown ASP/JSP
 *   sites: `<base href="/xxgk/d/">` makes `show.asp?id=3` mean `/xxgk/d/show.asp?id=3`); `javascript:` hrefs
 *   and onclick handlers that name a URL (`javascript:openWin('/art/2023/1/31/art_6924_1618518.html')`,
 *   `onclick="window.open('…')"`, `javascript:goPage(3)` with `function goPage(n){…}` on the page).
 * - Frames: `<iframe src="list.html">`, `<frame src>` — the links often live there.
 * - Pages (listing-pages.ts): plain 下一页/尾页/1 2 3 links; TRS WCM `createPageHTML` (listing-scripts.ts);
 *   Hanweb 大汉 jpage datastores (`<script type="text/xml"><datastore>…`, more records from
 *   `/module/web/jpage/dataproxy.jsp`); `<select onchange="location.href=this.value">` jump menus;
 *   onclick/javascript: page handlers. Hanweb's annual-report module
 *   (`/module/xxgk/xxgkAnnualReport.jsp?area=<code>&fbtime=<year>`) lists one link per year.
 * - Unread: what the page names but we could not resolve. A listing with an `unread` entry was not read
 *   completely, so it can never prove a report missing.
 */

export interface ListingLink extends Link {
  region: Region;
  via: 'href' | 'script' | 'record' | 'select';
}

export type PaginationScheme =
  | 'none'
  | 'links'
  | 'trs'
  | 'hanweb-jpage'
  | 'hanweb-annual'
  | 'select'
  | 'script-handler';

export interface ListingRead {
  links: ListingLink[];
  frames: string[];
  pages: string[];
  pagination: { scheme: PaginationScheme; total?: number; current?: number };
  unread: string[];
}

/** More pages than this from one pager is a broken count, not a listing. */
const MAX_PAGES = 2000;
const DOCUMENT_TITLE = /(19|20)\d{2}|报告|年报/;
const ANNUAL = /\/xxgkAnnualReport\.jsp$/i;

export function readListing(html: string, pageUrl: string, options: { selector?: string } = {}): ListingRead {
  const raw: RawPage = { items: [], frames: [], scripts: [], base: null, pagerText: [], datastores: [] };
  scanPage(html, raw);
  const base = resolve(raw.base, pageUrl) ?? pageUrl;
  const scripts = scanScripts(raw.scripts);
  const read = new Reading(pageUrl, base, scripts);
  for (const item of raw.items) {
    if (item.kind === 'control') read.control(item);
    else if (item.kind === 'select') read.select(item);
    else {
      for (const w of scripts.written.get(item.index) ?? []) {
        const url = resolve(w.href, base);
        if (url) read.link(url, w.text, item.region, 'script');
      }
    }
  }
  if (options.selector) {
    const links = selectorLinks(html, options.selector, scripts.ctx, (href) => resolve(href, base));
    read.replaceLinks(links.map((l) => ({ ...l, title: tidy(l.title) })));
  }
  for (const { src, region } of raw.frames) read.frame(src, region);
  return read.finish(raw);
}

function resolve(href: string | null, base: string): string | null {
  if (!href?.trim()) return null;
  try {
    const url = new URL(href.trim(), base);
    return /^https?:$/.test(url.protocol) ? url.href.replace(/#.*$/, '') : null;
  } catch {
    return null;
  }
}

const tidy = (s: string): string => s.replace(/\s+/g, ' ').trim();

class Reading {
  private readonly links = new Map<string, ListingLink>();
  private readonly pages = new Set<string>();
  private readonly frames = new Set<string>();
  private readonly unread = new Set<string>();
  /** Pagination controls with no URL: unread unless the listing's pages are otherwise all known. */
  private readonly stuck = new Set<string>();
  private readonly schemes = new Set<PaginationScheme>();
  private selectPager: { total: number; current?: number } | null = null;
  /** Every pager link of the content and what it says it is, the current page's own included. */
  private readonly named: Array<{ url: string; word: PageWord }> = [];

  constructor(
    private readonly pageUrl: string,
    private readonly base: string,
    private readonly scripts: ScriptScan,
  ) {
    for (const reason of scripts.unread) this.unread.add(reason);
  }

  /** Links titled only by an image's alt: a later link to the same place with words says it better. */
  private readonly weak = new Set<string>();

  link(url: string, title: string, region: Region, via: ListingLink['via'], weak = false): void {
    const known = this.links.get(url);
    if (!known) {
      this.links.set(url, { url, title: tidy(title), region, via });
      if (weak) this.weak.add(url);
    } else {
      // The same target in the content and in a footer is content; the first title that says something wins.
      if (region === 'content') known.region = 'content';
      if ((!known.title || this.weak.has(url)) && !weak && tidy(title)) {
        known.title = tidy(title);
        this.weak.delete(url);
      }
    }
  }

  page(url: string, scheme: PaginationScheme): void {
    if (samePage(url, this.pageUrl)) return;
    this.pages.add(url);
    this.schemes.add(scheme);
  }

  control(c: RawControl): void {
    const nav: Nav = c.code ? navigationOf(c.code, this.scripts.ctx) : null;
    const target = c.href ?? (nav?.kind === 'url' ? nav.url : null);
    const url = resolve(target, this.base);
    const { title, weak } = titleOf(c);
    const word = pageWord(c.text) ?? (c.title ? pageWord(c.title) : null) ?? (c.alt ? pageWord(c.alt) : null);
    if (url) {
      this.link(url, title, c.region, c.record ? 'record' : c.href ? 'href' : 'script', weak);
      if (word !== null && c.region === 'content' && isListingPage(url, word, this.pageUrl, this.base)) {
        this.named.push({ url, word });
        this.page(url, c.href ? 'links' : 'script-handler');
      }
      return;
    }
    if (c.region !== 'content' || c.inert) return;
    if (word === 'next' || word === 'last' || (typeof word === 'number' && word >= 2)) {
      this.stuck.add(stuckReason(c, nav));
    } else if ((nav?.kind === 'unknown' || nav?.kind === 'post') && DOCUMENT_TITLE.test(title)) {
      this.unread.add(
        `link handler ${handlerName(c.code ?? '') ?? nav.what} with no resolvable URL: ${tidy(title)}`,
      );
    }
  }

  select(s: RawSelect): void {
    if (!s.onchange) return;
    const options = s.options.filter((o) => o.value && o.value !== '#' && !/请选择|跳转|选择/.test(o.text));
    const pager =
      options.length > 0 && options.filter((o) => pageWord(o.text) !== null).length * 2 >= options.length;
    let current: number | undefined;
    options.forEach((o, i) => {
      const bound = new Map([
        ['this.value', o.value],
        ['this.options[this.selectedIndex].value', o.value],
      ]);
      const nav = navigationOf(s.onchange!, this.scripts.ctx, bound);
      const url = resolve(nav?.kind === 'url' ? nav.url : null, this.base);
      if (!url) {
        if (pager && nav) this.stuck.add(stuckReason({ code: s.onchange, text: o.text }, nav));
        return;
      }
      if (!pager) this.link(url, o.text, s.region, 'select');
      else if (samePage(url, this.pageUrl) || o.selected) current = i + 1;
      if (pager) this.page(url, 'select');
    });
    if (pager && !this.selectPager) {
      this.selectPager =
        current === undefined ? { total: options.length } : { total: options.length, current };
    }
  }

  frame(src: string, region: Region): void {
    if (/^(about|javascript|data):/i.test(src.trim())) return;
    const url = resolve(src, this.base);
    if (!url) return;
    if (new URL(url).host === new URL(this.pageUrl).host) this.frames.add(url);
    // A widget in the header or footer (a hotline, a 纠错 box) holds no part of the listing.
    else if (region === 'content') this.unread.add(`cross-site frame ${url}`);
  }

  /** Pages a pager of plain links leaves out, inferred, or why the page stays unread (listing-pages.ts). */
  private linkedPages(total: number | undefined, current: number | undefined, text: string): void {
    const gap = pagerGap(this.named, this.pageUrl, this.pages.size, { total, current, text }, MAX_PAGES);
    if (typeof gap === 'string') this.unread.add(gap);
    else for (const url of gap) this.page(url, 'links');
  }

  /** A page that only refreshes to another (`<meta http-equiv="refresh" content="0;url=list.shtml">`). */
  private refresh(target: string | null): void {
    const url = resolve(target, this.base);
    if (!url || samePage(url, this.pageUrl)) return;
    if (new URL(url).host === new URL(this.pageUrl).host) this.pages.add(url);
    else this.unread.add(`page refreshes to another site: ${url}`);
  }

  replaceLinks(links: ListingLink[]): void {
    const records = [...this.links.values()].filter((l) => l.via === 'record');
    this.links.clear();
    for (const l of [...links, ...records]) this.link(l.url, l.title, l.region, l.via);
  }

  finish(raw: RawPage): ListingRead {
    const pagination: ListingRead['pagination'] = { scheme: 'none' };
    const text = pagerNumbers(raw.pagerText);
    let total: number | undefined;
    let current: number | undefined;
    const { trs, jpage } = this.scripts;
    const pages = [...this.pages];
    this.pages.clear();
    if (trs) {
      for (const url of trsPages(trs, this.base, MAX_PAGES)) this.page(url, 'trs');
      if (trs.count > MAX_PAGES)
        this.unread.add(`TRS pager names ${trs.count} pages; the first ${MAX_PAGES} read`);
      this.schemes.add('trs');
      total = trs.count;
      current = trs.current + 1;
    }
    if (jpage || raw.datastores.length > 0) {
      this.schemes.add('hanweb-jpage');
      const answer = /dataproxy\.jsp$/i.test(new URL(this.pageUrl).pathname);
      const store = raw.datastores[0];
      if (!answer) {
        const plan = jpagePlan(jpage, store, this.base);
        if (plan.kind === 'unread') this.unread.add(plan.reason);
        if (plan.kind === 'pages') {
          for (const url of plan.urls) this.page(url, 'hanweb-jpage');
          if (plan.perPage && plan.total) total ??= Math.ceil(plan.total / plan.perPage);
          current ??= 1;
        }
      } else if (
        store?.nextgroup &&
        store.records > 0 &&
        !new URL(this.pageUrl).searchParams.has('startrecord')
      ) {
        this.page(new URL(store.nextgroup, this.base).href, 'hanweb-jpage');
      }
    }
    if (this.selectPager) {
      total ??= this.selectPager.total;
      current ??= this.selectPager.current;
    }
    for (const url of pages) this.pages.add(url);
    const stated = pagerNumbers(text.total === undefined && raw.text ? [raw.text] : []);
    total ??= text.total ?? stated.total;
    current ??= text.current ?? stated.current;
    if (!trs && !jpage && !this.selectPager) this.linkedPages(total, current, raw.text ?? '');
    this.refresh(raw.refresh ?? null);
    const known =
      total !== undefined && (this.pages.size >= total - 1 || (current !== undefined && current >= total));
    if (!known) for (const reason of this.stuck) this.unread.add(reason);
    if ([...this.links.keys()].some((u) => ANNUAL.test(new URL(u).pathname) && /[?&]fbtime=/.test(u))) {
      this.schemes.add('hanweb-annual');
    }
    const order: PaginationScheme[] = [
      'trs',
      'hanweb-jpage',
      'select',
      'script-handler',
      'links',
      'hanweb-annual',
    ];
    pagination.scheme = order.find((s) => this.schemes.has(s)) ?? 'none';
    if (pagination.scheme !== 'none' && pagination.scheme !== 'hanweb-annual') {
      if (total !== undefined) pagination.total = total;
      if (current !== undefined) pagination.current = current;
    }
    return {
      links: [...this.links.values()],
      frames: [...this.frames],
      pages: [...this.pages],
      pagination,
      unread: [...this.unread],
    };
  }
}
