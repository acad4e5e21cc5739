import { load } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import type { RawTable } from '#shared/domain/figures.ts';

/** A page flattened to text: blocks on their own lines, table cells separated by tabs. */
export interface RenderedPage {
  text: string;
  /** Tables with offsets into `text`. */
  tables: RawTable[];
  /** `<title>` and the first `<h1>` (or CMS title element), as written. */
  titles: string[];
  /** `<meta>` dates a CMS writes for search engines (PubDate, firstpublishedtime …). */
  metaDates: Array<{ name: string; content: string }>;
  links: Array<{ href: string; text: string }>;
  /**
   * Where the page footer starts in `text`, or null. Footers (`<footer>`, `.footer`) are rendered last, after
   * everything else, so the body can never run into them: their 主办/承办/地址 lines are evidence (seed 000's
   * spam sits there), but never report text.
   */
  footerAt: number | null;
}

const SKIP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'head',
  'iframe',
  'object',
  'select',
]);
// Semantic chrome. Class/id based chrome is left to the text-level trimmer, which sees every CMS alike.
const CHROME = new Set(['nav', 'header']);
const CHROME_CLASS = /(^|[\s_-])(breadcrumbs?|crumbs?|navbar|nav|menu|topbar|share|sidebar)([\s_-]|$)/i;
const FOOTER_CLASS = /(^|[\s_-])(footer|foot)([\s_-]|$)/i;
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'tr',
  'table',
  'tbody',
  'thead',
  'section',
  'article',
  'pre',
  'blockquote',
  'center',
  'form',
  'hr',
  'main',
  'aside',
  'caption',
]);
const META_DATE =
  /^(pubdate|publishdate|firstpublishedtime|lastmodifiedtime|article:published_time|dc\.date)$/i;

export function renderHtml(html: string): RenderedPage {
  // htmlparser2 builds the tree in linear time; parse5 (cheerio's default) is quadratic in nesting depth,
  // and portals wrap reports in thousands of <div>s.
  const $ = load(parseDocument(html, { decodeEntities: true }));
  const titles: string[] = [];
  const docTitle = $('title').first().text().trim();
  const h1 = $('h1, .article-title, .title, #title, .bt, .tit').first().text().trim();
  if (h1) titles.push(h1);
  if (docTitle) titles.push(docTitle);
  const metaDates: RenderedPage['metaDates'] = [];
  $('meta').each((_, el) => {
    const name = $(el).attr('name') ?? $(el).attr('property') ?? '';
    const content = $(el).attr('content') ?? '';
    if (META_DATE.test(name) && content) metaDates.push({ name, content });
  });
  const links: RenderedPage['links'] = [];
  $('a[href]').each((_, el) => {
    links.push({ href: $(el).attr('href') ?? '', text: $(el).text().trim() });
  });

  const parts: string[] = [];
  let length = 0;
  let lastChar = '\n';
  const tables: RawTable[] = [];
  const push = (s: string): void => {
    if (s.length === 0) return;
    parts.push(s);
    length += s.length;
    lastChar = s[s.length - 1]!;
  };
  const newline = (): void => {
    if (lastChar !== '\n') push('\n');
  };
  type Row = RawTable['rows'][number];
  let currentRow: Row | null = null;

  /*
   * The walk is iterative (an explicit stack of enter/exit steps): portals nest thousands of <div>s, and a
   * recursive walk overflows the call stack there, which used to turn a real report into "not a report".
   */
  type Step = AnyNode | (() => void);
  const stack: Step[] = [];
  const enterChildren = (el: Element, after?: () => void): void => {
    if (after) stack.push(after);
    const children = el.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  };
  const enter = (node: AnyNode): void => {
    if (node.type === 'text') {
      const t = (node as unknown as { data: string }).data.replace(/[\s\u00a0]+/g, ' ');
      if (t === ' ' && (lastChar === '\n' || lastChar === ' ' || lastChar === '\t')) return;
      push(lastChar === '\n' || lastChar === '\t' ? t.replace(/^ /, '') : t);
      return;
    }
    if (node.type !== 'tag' && node.type !== 'root') {
      if (node.type === 'script' || node.type === 'style') return;
      if (node.type !== 'cdata') return;
    }
    const el = node as Element;
    const name = el.name?.toLowerCase() ?? '';
    if (SKIP.has(name) || CHROME.has(name)) return;
    const cls = `${el.attribs?.class ?? ''} ${el.attribs?.id ?? ''}`;
    if (name && cls.trim() && CHROME_CLASS.test(cls)) return;
    if (!inFooter && (name === 'footer' || (name && FOOTER_CLASS.test(cls)))) {
      footers.push(el);
      return;
    }
    if (name === 'td' || name === 'th') {
      if (currentRow && currentRow.length > 0) push('\t');
      const start = length;
      const row = currentRow;
      enterChildren(el, () => {
        // Block children inside a cell would break the row into lines; a cell stays on its row's line.
        const cellText = parts.length > 0 ? takeSince(start) : '';
        const clean = cellText.replace(/\s+/g, ' ').trim();
        replaceSince(start, clean);
        row?.push({ text: clean, start, end: start + clean.length });
      });
      return;
    }
    if (name === 'table') {
      newline();
      const table: RawTable = { start: length, end: length, rows: [] };
      const outerRow = currentRow;
      currentRow = null;
      openTables.push(table);
      enterChildren(el, () => {
        openTables.pop();
        currentRow = outerRow;
        newline();
        table.end = length;
        if (table.rows.some((r) => r.length > 0)) tables.push(table);
      });
      return;
    }
    if (name === 'tr') {
      newline();
      const row: Row = [];
      currentRow = row;
      // Nested tables: the innermost open table receives the row.
      openTables[openTables.length - 1]?.rows.push(row);
      enterChildren(el, () => {
        currentRow = null;
        newline();
      });
      return;
    }
    const block = BLOCK.has(name);
    if (block) newline();
    enterChildren(el, block ? newline : undefined);
  };
  const walk = (root: AnyNode): void => {
    stack.push(root);
    while (stack.length > 0) {
      const step = stack.pop()!;
      if (typeof step === 'function') step();
      else enter(step);
    }
  };
  const openTables: RawTable[] = [];
  const footers: Element[] = [];
  let inFooter = false;

  /** Text pushed since offset `start` (cells are short, so the walk back is cheap). */
  function takeSince(start: number): string {
    let acc = '';
    let pos = length;
    for (let i = parts.length - 1; i >= 0 && pos > start; i--) {
      const p = parts[i]!;
      pos -= p.length;
      acc = p + acc;
    }
    return acc.slice(start - pos);
  }
  function replaceSince(start: number, replacement: string): void {
    let pos = length;
    while (parts.length > 0 && pos > start) {
      const p = parts.pop()!;
      pos -= p.length;
      if (pos < start) parts.push(p.slice(0, start - pos));
    }
    length = start;
    lastChar = parts.length > 0 ? (parts[parts.length - 1]!.at(-1) ?? '\n') : '\n';
    push(replacement);
  }

  const body = $('body').get(0) ?? $.root().get(0);
  if (body) walk(body as AnyNode);
  let footerAt: number | null = null;
  if (footers.length > 0) {
    newline();
    footerAt = length;
    inFooter = true;
    for (const f of footers) {
      walk(f);
      newline();
    }
  }
  return { text: parts.join(''), tables, titles, metaDates, links, footerAt };
}
