import { Parser } from 'htmlparser2';

/**
 * One streaming pass over a listing page (htmlparser2, no document tree): the raw material the reader
 * resolves afterwards, once the page's `<base href>` and script functions are known (both may come after
 * the links that need them).
 */

export type Region = 'content' | 'nav' | 'footer';

export interface RawControl {
  kind: 'control';
  /** A real href (not `javascript:`, not `#`). */
  href: string | null;
  /** Handler code: a `javascript:` href's body, or the element's onclick. */
  code: string | null;
  /** The href as written when it leads nowhere by itself (`#`, `javascript:;`), for reports. */
  deadHref: string | null;
  text: string;
  title: string | null;
  region: Region;
  record: boolean;
  /** Its class/id mark it as the current or a disabled control. */
  inert: boolean;
  /** The alt of the images it holds (an image-only 下一页 arrow, a logo). */
  alt: string;
  /** The text of its row (the nearest enclosing li/tr/dd/dt/p/div), once that row is closed. */
  row: string | null;
}

export interface RawSelect {
  kind: 'select';
  onchange: string | null;
  region: Region;
  options: Array<{ value: string; text: string; selected: boolean }>;
}

export type RawItem = RawControl | RawSelect | { kind: 'script'; index: number; region: Region };

export interface RawPage {
  items: RawItem[];
  frames: Array<{ src: string; region: Region }>;
  scripts: string[];
  base: string | null;
  /** Short text fragments naming pages (`共3页`, `当前第1页`, `1/3`). */
  pagerText: string[];
  datastores: Datastore[];
  /** `<meta http-equiv="refresh" content="0;url=…">`: where the page sends the browser. */
  refresh?: string | null;
  /** The page's visible text (not scripts or styles), capped: pager words split over several nodes. */
  text?: string;
}

export interface Datastore {
  records: number;
  nextgroup: string | null;
  totalRecord: number | null;
}

const FOOTER = /foot|bottom|copyright|底部|版权/i;
/** Tokens of an id/class naming navigation: menus, headers, top bars, breadcrumbs (当前位置). */
const NAV_TOKEN =
  /nav|menu|header|crumb|导航|^(top|head)([-_]?(bar|box|wrap|line|links?))?$|^(top|head)[-_]|[-_](top|head)$|(^|[-_])(position|location|weizhi|dqwz)$/i;
/** Elements whose boundary separates words in a link's text (a clickable table row's cells). */
const BLOCK = new Set(['td', 'th', 'li', 'div', 'p', 'br', 'tr', 'dd', 'dt', 'h1', 'h2', 'h3', 'h4']);
/** Elements whose text is a listing item's row (the title beside a 查看详情 link). */
const ROW = new Set(['li', 'tr', 'dd', 'dt', 'p', 'div']);
/** Attributes a script reads to page a listing (`<a data-page="2">下一页</a>`). */
const DATA_NAV = ['data-href', 'data-url', 'data-link'];
const DATA_PAGE = /^data-(page|pageno|pagenum|p|num|index|curr)$/;
const TEXT_CAP = 100_000;
const INERT_TOKEN = /^(disabled?|current|curr?|active|selected|on|gr[ae]y|nolink|nopage)$/i;

export function regionOf(tag: string, attrs: Record<string, string>): Region | null {
  if (tag === 'footer') return 'footer';
  if (tag === 'nav' || tag === 'header') return 'nav';
  const names = `${attrs.id ?? ''} ${attrs.class ?? ''}`.trim();
  if (!names) return null;
  if (FOOTER.test(names)) return 'footer';
  return names.split(/\s+/).some((t) => NAV_TOKEN.test(t)) ? 'nav' : null;
}

const PAGER_TEXT = /共\s*\d+\s*页|第\s*\d+\s*页|\d+\s*\/\s*\d+\s*页?/;

interface Open {
  depth: number;
  anchor: boolean;
  control: RawControl;
}

/** Scans a page (or a datastore record's markup, with `record`) into `into`. */
export function scanPage(html: string, into: RawPage, record = false, baseRegion: Region = 'content'): void {
  const stack: Region[] = [];
  const region = () => stack[stack.length - 1] ?? baseRegion;
  const open: Open[] = [];
  let select: RawSelect | null = null;
  let option: { value: string | null; text: string; selected: boolean } | null = null;
  let script: { text: string; xml: boolean; region: Region } | null = null;
  let inStyle = false;
  let inRecord = false;
  let inNextgroup = false;
  let inTotal = false;
  const rows: Array<{ depth: number; text: string; controls: RawControl[] }> = [];
  into.text ??= '';

  const closeOpen = (depth: number) => {
    while (open.length > 0 && open[open.length - 1]!.depth >= depth) open.pop();
    while (rows.length > 0 && rows[rows.length - 1]!.depth >= depth) {
      const row = rows.pop()!;
      const text = row.text.replace(/\s+/g, ' ').trim();
      for (const c of row.controls) c.row ??= text;
    }
  };
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const depth = stack.length;
        stack.push(regionOf(name, attrs) ?? region());
        if (BLOCK.has(name)) {
          for (const o of open) o.control.text += ' ';
          for (const r of rows) r.text += ' ';
          into.text += ' ';
        }
        if (ROW.has(name)) rows.push({ depth, text: '', controls: [] });
        if (name === 'base' && into.base === null && attrs.href) into.base = attrs.href;
        if (name === 'img' && (attrs.alt?.trim() || attrs.title?.trim())) {
          // An image-only control (a 下一页 arrow) says what it does in its alt.
          for (const o of open) o.control.alt += ` ${attrs.alt?.trim() || attrs.title?.trim()}`;
        }
        if (name === 'meta' && /^refresh$/i.test(attrs['http-equiv']?.trim() ?? '') && !record) {
          const url = /^\s*[\d.]*\s*[;,]?\s*url\s*=\s*(['"]?)([^'"]*)\1/i.exec(attrs.content ?? '')?.[2];
          if (url?.trim()) into.refresh ??= url.trim();
        }
        if (name === 'iframe' || name === 'frame') {
          // A srcdoc frame's document is the page's own: its links are read as if written here.
          if (attrs.srcdoc !== undefined) scanPage(attrs.srcdoc, into, record, region());
          else {
            // Lazy-loaded frames keep their page in data-src while src is about:blank.
            const blank = !attrs.src || /^about:/i.test(attrs.src.trim());
            const src = blank ? (attrs['data-src'] ?? attrs['data-url'] ?? attrs.src) : attrs.src;
            if (src) into.frames.push({ src, region: region() });
          }
        } else if (name === 'object' && /html/i.test(attrs.type ?? '') && attrs.data) {
          into.frames.push({ src: attrs.data, region: region() });
        } else if (name === 'script') {
          script = { text: '', xml: /xml/i.test(attrs.type ?? ''), region: region() };
          if (attrs.src) script = null;
        } else if (name === 'style') inStyle = true;
        else if (name === 'select') {
          select = { kind: 'select', onchange: attrs.onchange ?? null, region: region(), options: [] };
          into.items.push(select);
        } else if (name === 'option' && select) {
          option = { value: attrs.value ?? null, text: '', selected: attrs.selected !== undefined };
        } else if (name === 'datastore')
          into.datastores.push({ records: 0, nextgroup: null, totalRecord: null });
        else if (name === 'record') inRecord = true;
        else if (name === 'nextgroup') inNextgroup = true;
        else if (name === 'totalrecord') inTotal = true;
        const isLink = name === 'a' || name === 'area';
        const onclick = attrs.onclick?.trim() || null;
        const dataHref = DATA_NAV.map((k) => attrs[k]?.trim()).find(Boolean) ?? null;
        const dataPage = Object.keys(attrs).find((k) => DATA_PAGE.test(k));
        const scripted = dataHref !== null || dataPage !== undefined;
        if (!isLink && !onclick && !scripted) return;
        // An <a> inside an unclosed <a> ends it, as browsers do.
        if (name === 'a') open.splice(0, open.length, ...open.filter((o) => !o.anchor));
        const rawHref = isLink ? (attrs.href?.trim() ?? dataHref) : dataHref;
        const js = rawHref && /^javascript:/i.test(rawHref) ? rawHref : null;
        const dead = rawHref === null || rawHref === '' || rawHref.startsWith('#') || js !== null;
        const href = dead ? null : rawHref;
        // A real href wins over a click handler (often only analytics); a dead one leaves it to the handler.
        const code = href ? null : (onclick ?? js);
        // A dead href (`#`, `javascript:;`) is kept: script may bind it, and pagination text on it matters.
        if (!href && !code && rawHref === null && !scripted) return;
        const names = `${attrs.class ?? ''} ${attrs.id ?? ''}`.split(/\s+/);
        const control: RawControl = {
          kind: 'control',
          href,
          code,
          deadHref: dead ? (rawHref ?? (dataPage ? `${dataPage}="${attrs[dataPage]}"` : null)) : null,
          text: name === 'input' ? (attrs.value ?? '') : '',
          title: attrs.title?.trim() || null,
          region: region(),
          record,
          inert: names.some((n) => INERT_TOKEN.test(n)) || attrs.disabled !== undefined,
          alt: '',
          row: null,
        };
        into.items.push(control);
        rows[rows.length - 1]?.controls.push(control);
        open.push({ depth, anchor: name === 'a', control });
      },
      ontext(text) {
        if (script) {
          script.text += text;
          return;
        }
        if (inStyle) return;
        if (option) option.text += text;
        for (const o of open) if (o.control.text.length < 400) o.control.text += text;
        for (const r of rows) if (r.text.length < 400) r.text += text;
        if (into.text!.length < TEXT_CAP) into.text += text;
        if (inTotal) currentStore(into).totalRecord = Number(text.trim()) || null;
        if (text.length < 200 && PAGER_TEXT.test(text)) into.pagerText.push(text.trim());
      },
      oncomment(data) {
        // A bare datastore (a dataproxy.jsp answer): records are CDATA, which HTML parsing reads as comments.
        if (!data.startsWith('[CDATA[')) return;
        const markup = data.slice(7, data.lastIndexOf(']]'));
        if (inRecord) {
          currentStore(into).records += 1;
          scanPage(markup, into, true, region());
        } else if (inNextgroup) currentStore(into).nextgroup ??= hrefOf(markup);
      },
      onclosetag(name) {
        stack.pop();
        closeOpen(stack.length);
        if (name === 'script' && script) {
          const s: { text: string; xml: boolean; region: Region } = script;
          script = null;
          if (s.xml || /<datastore[\s>]/i.test(s.text)) readDatastore(s.text, into, s.region);
          else {
            into.items.push({ kind: 'script', index: into.scripts.length, region: s.region });
            into.scripts.push(s.text);
          }
        } else if (name === 'style') inStyle = false;
        else if (name === 'option' && select && option) {
          const text = option.text.replace(/\s+/g, ' ').trim();
          select.options.push({ value: (option.value ?? text).trim(), text, selected: option.selected });
          option = null;
        } else if (name === 'select') select = null;
        else if (name === 'record') inRecord = false;
        else if (name === 'nextgroup') inNextgroup = false;
        else if (name === 'totalrecord') inTotal = false;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
}

function currentStore(into: RawPage): Datastore {
  if (into.datastores.length === 0) into.datastores.push({ records: 0, nextgroup: null, totalRecord: null });
  return into.datastores[into.datastores.length - 1]!;
}

function hrefOf(markup: string): string | null {
  return /href\s*=\s*["']([^"']*)["']/i.exec(markup)?.[1] || null;
}

const RECORD = /<record\b[^>]*>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([\s\S]*?))\s*<\/record>/gi;

/** A jpage datastore inside `<script type="text/xml">`: its records, its next group and record count. */
function readDatastore(xml: string, into: RawPage, region: Region): void {
  const store: Datastore = { records: 0, nextgroup: null, totalRecord: null };
  into.datastores.push(store);
  const next = /<nextgroup>\s*<!\[CDATA\[([\s\S]*?)\]\]>/i.exec(xml)?.[1];
  store.nextgroup = next ? hrefOf(next) : null;
  store.totalRecord = Number(/<totalrecord>\s*(\d+)/i.exec(xml)?.[1]) || null;
  for (const m of xml.matchAll(RECORD)) {
    store.records += 1;
    scanPage(m[1] ?? m[2] ?? '', into, true, region);
  }
}

const tidy = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Link words that name no document: 点击查看详情, 查看, 详细, 更多, 阅读全文, more. */
const GENERIC =
  /^(点击|请点击)?(查看|浏览|阅读|进入|打开)?(详情|详细|详细信息|详细内容|全文|原文|更多|内容|正文)?$|^(more|details?|readmore|view|viewmore|detail)$/i;

export function genericTitle(s: string): boolean {
  const t = s.replace(/[\s[\]【】()（）<>«»›‹>.…。:：+＋]/g, '');
  return GENERIC.test(t);
}

/** A listing row's publication date (`2025-01-20`, `[2025/01/20]`, `2025年1月20日`): not part of a title. */
const DATE = /[[(（【]?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?[\])）】]?/g;

/**
 * A control's title: its title attribute unless that is generic (`title="点击查看详情"`), else its text, else
 * its images' alt; when its words are generic (`查看详情` beside the report's title), the text of its row
 * without them and without the row's date. `weak`: a title a later link to the same place should replace.
 */
export function titleOf(c: RawControl): { title: string; weak: boolean } {
  const text = tidy(c.text);
  const own = c.title && !genericTitle(c.title) ? c.title : text || (c.title ?? '');
  const alt = tidy(c.alt);
  if (own && !genericTitle(own)) return { title: own, weak: false };
  if (!own && alt) return { title: alt, weak: true };
  const row =
    c.row && (own || c.region === 'content') ? tidy((own ? c.row.split(own) : [c.row]).join(' ')) : '';
  const rowTitle = tidy(row.replace(DATE, ' '));
  if (rowTitle && rowTitle.length <= 200 && !genericTitle(rowTitle)) return { title: rowTitle, weak: !own };
  return { title: own, weak: false };
}
