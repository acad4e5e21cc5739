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
/** Where the page's title is written: `h1`, or a CMS title element (`.article-title`, `.title`, `#title`, `.bt`, `.tit`). */
const HEADING_CLASS = /(?:^|\s)(?:article-title|title|bt|tit)(?:$|\s)/;

interface Found {
  title?: Element;
  heading?: Element;
  body?: Element;
  metas: Element[];
  links: Element[];
}

/**
 * The elements the renderer reads, in one walk in document order: the first `<title>`, the first heading
 * (`h1, .article-title, .title, #title, .bt, .tit`), the first `<body>`, every `<meta>` and every `<a href>`:
 * what cheerio's selectors give, without their search, which shifts a stack per level and is quadratic
 * in the page's nesting depth (issue 12).
 */
function scan(root: AnyNode): Found {
  const found: Found = { metas: [], links: [] };
  const stack: AnyNode[] = [...((root as Element).children ?? [])].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
      const el = node as Element;
      const name = el.name;
      if (name === 'title') found.title ??= el;
      else if (name === 'body') found.body ??= el;
      else if (name === 'meta') found.metas.push(el);
      else if (name === 'a' && Object.hasOwn(el.attribs, 'href')) found.links.push(el);
      if (
        !found.heading &&
        (name === 'h1' || el.attribs.id === 'title' || HEADING_CLASS.test(el.attribs.class ?? ''))
      )
        found.heading = el;
    }
    const children = (node as Element).children;
    if (children) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return found;
}

/**
 * A table with tables nested this many levels inside it is page layout, not a report's table: it is not
 * recorded (its text still is, in the page text). Without this cap a report wrapped in n nested layout
 * tables was recorded n times over, quadratic in the page (issue 12). Report tables nest at most once.
 */
export const MAX_TABLE_HEIGHT = 3;
const META_DATE =
  /^(pubdate|publishdate|firstpublishedtime|lastmodifiedtime|article:published_time|dc\.date)$/i;

export function renderHtml(html: string): RenderedPage {
  // htmlparser2 builds the tree in linear time; parse5 (cheerio's default) is quadratic in nesting depth,
  // and portals wrap reports in thousands of <div>s.
  const $ = load(parseDocument(html, { decodeEntities: true }));
  const found = scan($.root().get(0) as AnyNode);
  const titles: string[] = [];
  const docTitle = found.title ? $(found.title).text().trim() : '';
  const h1 = found.heading ? $(found.heading).text().trim() : '';
  if (h1) titles.push(h1);
  if (docTitle) titles.push(docTitle);
  const metaDates: RenderedPage['metaDates'] = [];
  for (const el of found.metas) {
    const name = el.attribs.name ?? el.attribs.property ?? '';
    const content = el.attribs.content ?? '';
    if (META_DATE.test(name) && content) metaDates.push({ name, content });
  }
  const links: RenderedPage['links'] = found.links.map((el) => ({
    href: el.attribs.href ?? '',
    text: $(el).text().trim(),
  }));

  const parts: string[] = [];
  let length = 0;
  let lastChar = '\n';
  const tables: RawTable[] = [];
  // `last`: the last character when the caller knows it (reading it from a joined cell would copy the cell).
  const push = (s: string, last?: string): void => {
    if (s.length === 0) return;
    parts.push(s);
    length += s.length;
    lastChar = last ?? s[s.length - 1]!;
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
        const { text: clean, last } = parts.length > 0 ? cleanSince(start) : { text: '', last: '' };
        replaceSince(start, clean, last);
        if (clean.length > 0) cleanParts.set(parts.length - 1, last);
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
      heights.push(0);
      enterChildren(el, () => {
        openTables.pop();
        const height = 1 + (heights.pop() ?? 0);
        if (heights.length > 0) heights[heights.length - 1] = Math.max(heights[heights.length - 1]!, height);
        currentRow = outerRow;
        newline();
        table.end = length;
        if (height <= MAX_TABLE_HEIGHT && table.rows.some((r) => r.length > 0)) tables.push(table);
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
  /** Per open table, the height of the tallest table nested in it so far. */
  const heights: number[] = [];
  /** Indexes in `parts` of cleaned cell texts (no whitespace runs, no space at either end): their last character. */
  const cleanParts = new Map<number, string>();
  const footers: Element[] = [];
  let inFooter = false;

  /**
   * The text pushed since offset `start` with whitespace runs folded to one space and trimmed: what
   * `text.replace(/\s+/g, ' ').trim()` gives, piece by piece. A part that is already a cleaned cell (an inner
   * table's cell, `cleanParts`) is taken as it is, without reading it again, so a report wrapped in nested
   * layout cells costs its length once, not once per level (issue 12).
   */
  function cleanSince(start: number): { text: string; last: string } {
    let pos = length;
    let i = parts.length - 1;
    for (; i >= 0 && pos > start; i--) pos -= parts[i]!.length;
    const pieces: string[] = [];
    const lasts: string[] = [];
    let last = ' '; // at the start, like after a space: leading whitespace is trimmed
    for (let k = i + 1; k < parts.length; k++) {
      let piece = parts[k]!;
      const cleanLast = cleanParts.get(k);
      if (k === i + 1 && pos < start) piece = piece.slice(start - pos);
      else if (cleanLast !== undefined) {
        // Already clean: no space at either end, nothing to read.
        pieces.push(piece);
        lasts.push(cleanLast);
        last = cleanLast;
        continue;
      }
      piece = piece.replace(/\s+/g, ' ');
      if (last === ' ' && piece.startsWith(' ')) piece = piece.slice(1);
      if (piece.length === 0) continue;
      pieces.push(piece);
      last = piece[piece.length - 1]!;
      lasts.push(last);
    }
    if (last === ' ' && pieces.length > 0) {
      // Only a piece read above ends in a space; one that was a lone space follows a piece ending otherwise.
      const cut = pieces.pop()!.slice(0, -1);
      if (cut.length > 0) pieces.push(cut);
      last = lasts[pieces.length - 1] ?? '';
      if (cut.length > 0) last = cut[cut.length - 1]!;
    }
    // `+` joins without copying (V8 keeps a rope), which `join` would not.
    let out = '';
    for (const piece of pieces) out += piece;
    return { text: out, last: out.length === 0 ? '' : last };
  }
  function replaceSince(start: number, replacement: string, last: string): void {
    let pos = length;
    while (parts.length > 0 && pos > start) {
      const p = parts.pop()!;
      cleanParts.delete(parts.length);
      pos -= p.length;
      if (pos < start) parts.push(p.slice(0, start - pos));
    }
    length = start;
    lastChar = parts.length > 0 ? (parts[parts.length - 1]!.at(-1) ?? '\n') : '\n';
    push(replacement, last);
  }

  const body = found.body ?? $.root().get(0);
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
