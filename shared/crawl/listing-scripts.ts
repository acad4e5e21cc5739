import {
  callArgs,
  collectFunctions,
  evalExpr,
  evalRange,
  HOLE,
  type JsFunction,
  type ObjVal,
  parseObject,
  readGlobals,
  readPath,
  type Tok,
  tokenize,
  type Val,
} from './listing-js.ts';
import type { JsContext } from './listing-nav.ts';

/**
 * What a listing page's inline scripts say about its pages, per CMS family:
 *
 * - **TRS WCM** writes the pager with `document.write` from
 *   `createPageHTML(countPage, currentPage, "index", "html")` (currentPage from 0), or the newer
 *   `createPageHTML('page_div', countPage, currentPage, 'index', 'html', rowCount)`, the arguments literal
 *   or `var countPage = 5` declared before. Older templates inline the pager instead:
 *   `var currentPage = 0; var countPage = 12; … document.write("<a href=\"index" + "_" + nextPage + "." + "html\">下一页</a>")`.
 *   Pages: `index.html`, `index_1.html` … `index_{countPage-1}.html` in the listing's folder.
 * - **Hanweb 大汉 jpage** keeps the first records in `<script type="text/xml"><datastore>…` (read by the
 *   page reader) and names the rest in `$('#unit').jpage({ totalRecord, perPage, groupSize, proxyUrl:
 *   '/module/web/jpage/dataproxy.jsp', ajaxParam: { col, appid, webid, path, columnid, unitid, webname,
 *   permissiontype } })`; the browser POSTs `ajaxParam` to `dataproxy.jsp?startrecord=N&endrecord=M&perpage=P`,
 *   and the same servers answer a GET with those parameters in the query.
 * - Links **written by script** (`document.write('<a href="…">')`, `innerHTML = html` built in a loop): the
 *   literal ones are read; a computed href is reported, since only a browser sees it.
 */

export interface TrsPager {
  form: 'createPageHTML' | 'createPageHTML-6' | 'inline-vars';
  count: number;
  /** From 0, as TRS counts. */
  current: number;
  name: string;
  ext: string;
}

export interface JpageCall {
  totalRecord: number | null;
  perPage: number | null;
  groupSize: number | null;
  proxyUrl: string | null;
  /** The POST parameters, when every one of them is a literal; null when some cannot be read. */
  params: Array<[string, string]> | null;
  /** Names of parameters whose values could not be read. */
  unreadable: string[];
}

export interface WrittenLink {
  href: string;
  text: string;
}

export interface ScriptScan {
  ctx: JsContext;
  trs: TrsPager | null;
  jpage: JpageCall | null;
  /** Literal links written by each script, by script index. */
  written: Map<number, WrittenLink[]>;
  unread: string[];
}

const SINK =
  /document\.write|innerHTML|insertAdjacentHTML|\.html\s*\(|\.append\s*\(|appendChild|\.after\s*\(|\.prepend\s*\(/;
const OPEN_HREF = /<a\b[^>]*\bhref\s*=\s*\\?["']?$/i;
const LITERAL_LINK = /<a\b[^>]*?\bhref\s*=\s*(["']?)([^"'\s>]+)\1[^>]*>([\s\S]*?)<\/a>/gi;

export function scanScripts(scripts: readonly string[]): ScriptScan {
  const functions = new Map<string, JsFunction>();
  const globals = new Map<string, Val>();
  const tokens = scripts.map((s) => tokenize(s));
  for (const toks of tokens) collectFunctions(toks, functions);
  let trs: TrsPager | null = null;
  let jpage: JpageCall | null = null;
  const written = new Map<number, WrittenLink[]>();
  const unread: string[] = [];

  tokens.forEach((toks, index) => {
    let pagerScript = false;
    readGlobals(toks, globals, (i) => {
      const tok = toks[i]!;
      if (tok.t !== 'id' || toks[i + 1]?.v !== '(') return;
      if (tok.v === 'createPageHTML') {
        pagerScript = true;
        if (toks[i - 1]?.v === 'function' || trs) return;
        const read = readCreatePageHtml(toks, i + 1, globals);
        if (typeof read === 'string') unread.push(read);
        else trs = read;
      } else if (tok.v === 'jpage' && toks[i + 2]?.v === '{' && !jpage) {
        const obj = parseObject(toks, i + 2, globals)?.obj;
        if (obj) jpage = readJpage(obj);
      }
    });
    if (!pagerScript && !trs) {
      const inline = readInlineTrsPager(toks, globals);
      if (inline) {
        trs = inline;
        pagerScript = true;
      }
    }
    const other = pagerScript ? null : unknownPager(toks, globals);
    if (other) {
      unread.push(`script pager ${other} that only a browser can page`);
      pagerScript = true;
    }
    if (pagerScript || !SINK.test(scripts[index]!)) return;
    const found = writtenLinks(toks);
    if (found.links.length > 0) written.set(index, found.links);
    if (found.computed)
      unread.push(`links written by script (${found.computed}) that only a browser can read`);
  });
  return { ctx: { functions, globals }, trs, jpage, written, unread };
}

/** Keys a pager widget is configured with: how many records or pages there are. */
const PAGER_KEY =
  /^(count|total|totals|pages|pageCount|pagecount|totalPage|totalPages|totalpage|totalRecord|totalCount|totalNum|records|itemCount|totalItems)$/;
const PAGER_NAME = /pag(e|er|ing|ination|inator)|laypage/i;

/**
 * A pager widget the reader does not know (`laypage.render({count, limit, jump})`, `$('#p').pagination({
 * total })`, `new Pager({pageCount})`): a call on a pager-named function with a count-like option.
 */
function unknownPager(toks: readonly Tok[], env: Map<string, Val>): string | null {
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok.t !== 'id' || !PAGER_NAME.test(tok.v) || toks[i - 1]?.v === 'function') continue;
    // Read by the TRS and jpage readers.
    if (/^(jpage|createPageHTML)$/.test(tok.v)) continue;
    const path = readPath(toks, i);
    if (!path || toks[path.next]?.v !== '(') continue;
    for (const [start] of callArgs(toks, path.next)) {
      const obj = toks[start]?.v === '{' ? parseObject(toks, start, env)?.obj : null;
      if (obj && Object.keys(obj).some((k) => PAGER_KEY.test(k)))
        return `${path.name.replace(/\[.*?\]/g, '')}()`;
    }
    i = path.next;
  }
  return null;
}

function num(v: Val | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function readCreatePageHtml(toks: readonly Tok[], open: number, env: Map<string, Val>): TrsPager | string {
  const args = callArgs(toks, open).map((range) => evalRange(toks, range, env));
  const six = typeof args[0] === 'string' && num(args[0]) === null && args.length >= 5;
  const [count, current, name, ext] = six ? args.slice(1, 5) : args.slice(0, 4);
  const c = num(count);
  const cur = num(current);
  if (c === null || cur === null) return 'TRS createPageHTML() with a page count we cannot read';
  return {
    form: six ? 'createPageHTML-6' : 'createPageHTML',
    count: c,
    current: cur,
    name: typeof name === 'string' && name ? name : 'index',
    ext: typeof ext === 'string' && ext ? ext : 'html',
  };
}

const COUNT_VARS = ['countPage', 'pageCount', 'totalPage', 'pagecount'];
const CURRENT_VARS = ['currentPage', 'curPage', 'pageIndex'];

/** Older TRS templates: the page count in `var countPage`, the pager hrefs concatenated in document.write. */
function readInlineTrsPager(toks: readonly Tok[], env: Map<string, Val>): TrsPager | null {
  const count = num(COUNT_VARS.map((v) => env.get(v)).find((v) => v !== undefined));
  const current = num(CURRENT_VARS.map((v) => env.get(v)).find((v) => v !== undefined));
  if (count === null || current === null) return null;
  for (let i = 0; i < toks.length; i++) {
    const path = toks[i]!.t === 'id' ? readPath(toks, i) : null;
    if (path?.name !== 'document.write' || toks[path.next]?.v !== '(') continue;
    const r = evalExpr(toks, path.next + 1, new Map(), { symbolic: true });
    const m = r && typeof r.value === 'string' ? /href=\\?["']?([\w.-]*?)_\u0001\.(\w+)/.exec(r.value) : null;
    if (m) return { form: 'inline-vars', count, current, name: m[1] || 'index', ext: m[2]! };
  }
  return null;
}

function readJpage(obj: Record<string, ObjVal>): JpageCall {
  const n = (v: ObjVal | undefined) => (typeof v === 'number' || typeof v === 'string' ? num(v) : null);
  const param = obj.ajaxParam;
  let params: Array<[string, string]> | null = null;
  const unreadable: string[] = [];
  if (param && typeof param === 'object') {
    params = [];
    for (const [k, v] of Object.entries(param)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        params.push([k, String(v)]);
      else unreadable.push(k);
    }
    if (unreadable.length > 0) params = null;
  } else if (param !== undefined) unreadable.push('ajaxParam');
  return {
    totalRecord: n(obj.totalRecord),
    perPage: n(obj.perPage),
    groupSize: n(obj.groupSize),
    proxyUrl: typeof obj.proxyUrl === 'string' ? obj.proxyUrl : null,
    params,
    unreadable,
  };
}

/** Literal `<a href>` markup in a script's strings; `computed` names how a computed href is written. */
function writtenLinks(toks: readonly Tok[]): { links: WrittenLink[]; computed: string | null } {
  const links: WrittenLink[] = [];
  let computed: string | null = null;
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok.t === 'id' && tok.v === 'createElement' && /^a$/i.test(toks[i + 2]?.v ?? '')) {
      computed ??= 'createElement("a")';
    }
    if (tok.t !== 'str') continue;
    if (OPEN_HREF.test(tok.v) && toks[i + 1]?.v === '+') computed ??= 'document.write / innerHTML';
    for (const m of tok.v.matchAll(LITERAL_LINK)) {
      const href = m[2]!;
      if (href.includes(HOLE) || /^(javascript:|#)/i.test(href)) continue;
      links.push({ href, text: m[3]!.replace(/<[^>]*>/g, '').trim() });
    }
  }
  return { links, computed };
}
