import type { Body } from '#shared/domain/body.ts';
import type { Damage, ParsedReport, PublishedAt } from '#shared/domain/report.ts';
import { dateFromUrl, readDate } from './dates.ts';
import { type Doc, span } from './doc.ts';

const TITLE_LINE = /^.{0,40}?(19|20)\d{2}\s*年.*(报告|年报)$/;
const ORG_SUFFIX =
  /(人民政府|政府|办公室|办公厅|局|委员会|委|厅|办|中心|院|署|区|县|市|旗|镇|乡|街道|街道办事处)$/;

/**
 * The report's title: its own heading (joined with an issuer line printed above it: "XX综合实验区" /
 * "2013年政府信息公开工作年度报告"), the page's h1/<title>, a "特编制…报告" sentence, or the 标题 field.
 * Read from the published characters, not the simplified `text` (issue 10, item 8: 昇 stays 昇), except on
 * a page written in traditional script, whose names are read simplified like the rest of it.
 */
export function findTitle(doc: Doc, htmlTitles: readonly string[]): string {
  const lines = doc.text.split('\n', 6);
  let at = 0;
  let prev: { start: number; text: string } | null = null;
  for (const l of lines) {
    const t = l.trim();
    const start = at + l.indexOf(t);
    if (t.length <= 90 && TITLE_LINE.test(t) && !/[。;；]/.test(t)) {
      const own = published(doc, start, start + t.length);
      const split = /^(19|20)\d{2}\s*年/.test(t) && prev && ORG_LINE.test(prev.text);
      return split && prev ? `${published(doc, prev.start, prev.start + prev.text.length)}${own}` : own;
    }
    prev = { start, text: t };
    at += l.length + 1;
  }
  for (const t of htmlTitles) {
    const part = t
      .split(/\s*[-_|—–]\s*/)
      .map((p) => p.trim())
      .find((p) => /报告|年报|通知|要点/.test(p));
    if (part) return part;
  }
  const m =
    /(?:特编制|特向社会公布|现(?:予以)?公布)《?([^《》。,，]{2,40}?(?:19|20)\d{2}年度?[^《》。,，]{0,20}?报告)》?/.exec(
      doc.text.slice(0, 800),
    );
  if (m) {
    const start = m.index + m[0].indexOf(m[1]!);
    return published(doc, start, start + m[1]!.length);
  }
  const field = /标\s*题\s*[:：]\s*\|?\s*([^|\n]+)/.exec(doc.head);
  if (field?.[1]?.trim()) return field[1].trim();
  const headLines = doc.head
    .split('\n')
    .map((l) => l.replace(/\|/g, ' ').trim())
    .filter((l) => l.length >= 2 && l.length <= 60 && ORG_SUFFIX.test(l));
  if (headLines.length > 0) return headLines[headLines.length - 1]!;
  if (htmlTitles[0]) return htmlTitles[0];
  return (lines[0] ?? '').slice(0, 60);
}

/** A line that is only a body's name (no punctuation, ends like an organisation or a jurisdiction). */
const ORG_LINE =
  /^[\p{Script=Han}()（）]{2,30}(人民政府|政府|办公室|办公厅|局|委员会|管委会|委|厅|中心|院|区|县|市|旗|镇|乡|街道|街道办事处|实验区|试验区)$/u;

/**
 * `doc.text[start, end)` with the published Han characters where normalisation converted them (昇 → 升 is
 * wrong for a name), but widths folded and noise removed as in `text`. A traditional-script page keeps the
 * simplified reading: there every name is converted on purpose.
 */
function published(doc: Doc, start: number, end: number): string {
  const norm = doc.text.slice(start, end);
  if (doc.damage.some((d) => d.kind === 'traditional')) return norm;
  let out = '';
  for (let i = start; i < end; i++) {
    const c = doc.text[i]!;
    const o = doc.originalText[doc.map[i] ?? -1] ?? c;
    out += o !== c && /\p{Script=Han}/u.test(o) && /\p{Script=Han}/u.test(c) ? o : c;
  }
  return out.length === norm.length ? out : norm;
}

export function findYear(title: string, doc: Doc): number | null {
  const fromTitle = /((?:19|20)\d{2})\s*年/.exec(title);
  if (fromTitle) return Number(fromTitle[1]);
  const period = /统计期限[^。\n]{0,6}?((?:19|20)\d{2})\s*年/.exec(doc.text);
  if (period) return Number(period[1]);
  const early = /((?:19|20)\d{2})\s*年/.exec(doc.text.slice(0, 400));
  return early ? Number(early[1]) : null;
}

const stripGov = (s: string): string => s.replace(/(人民政府|政府)(办公室|办公厅)?$/, '');

/** Not a name: what a title or sentence says when it names no one (`政府`, `本局`, `人民政府办公室`). */
const GENERIC_ISSUER = /^(本|我|全)?(人民)?(政府|局|委|办|区|县|市)(办公室|办公厅)?$/;

/**
 * The issuer as written, from the first source that names one (issue 10, item 8): the title (its prefix
 * before the year, or the words after it), the page's h1/<title> parts, "由XX人民政府办公室编制" in the
 * opening text, the footer's 主办 entry; matched to the registry when given. Names keep their published
 * characters (the title is read that way); a bare 政府/本局 is no name.
 */
export function findIssuer(
  title: string,
  doc: Doc,
  registry: readonly Body[] | undefined,
  htmlTitles: readonly string[] = [],
): ParsedReport['issuer'] {
  const name = issuerFromTitle(title) ?? issuerFromPage(doc, htmlTitles);
  const body = registry ? matchRegistry(name, title, doc, registry) : null;
  if (!body) return { name, level: name ? levelOf(name) : null, code: null };
  return { name: name ?? body.name, level: body.level, code: body.id };
}

function issuerFromTitle(title: string): string | null {
  const prefix = /^(.{2,40}?)\s*(?:19|20)\d{2}\s*年/.exec(title);
  const candidates = [
    prefix?.[1]?.trim(),
    /(?:19|20)\d{2}\s*年度?\s*(.{2,40}?)(?:政府信息公开|政务公开|信息公开)/.exec(title)?.[1],
    title.length <= 40 ? title : undefined,
  ];
  return candidates.find((c): c is string => !!c && ORG_SUFFIX.test(c) && !GENERIC_ISSUER.test(c)) ?? null;
}

function issuerFromPage(doc: Doc, htmlTitles: readonly string[]): string | null {
  for (const t of htmlTitles)
    for (const part of t.split(/\s*[-_|—–]\s*/)) {
      const p = part.trim();
      const fromTitle = issuerFromTitle(p);
      if (fromTitle) return fromTitle;
      if (ORG_LINE.test(p) && !GENERIC_ISSUER.test(p)) return p;
    }
  const opening = doc.text.slice(0, 600);
  const compiled =
    /由\s*([\p{Script=Han}]{2,30}?)(人民政府办公室|人民政府办公厅|政府办公室|办公室|办公厅)?\s*(?:负责)?编制/u.exec(
      opening,
    );
  if (compiled?.[1]) {
    const start = compiled.index + compiled[0].indexOf(compiled[1]);
    const office = compiled[2] ?? '';
    const base = published(doc, start, start + compiled[1].length);
    const name = /人民政府|政府/.test(office) ? `${base}人民政府` : `${base}${office}`;
    if (ORG_SUFFIX.test(name) && !GENERIC_ISSUER.test(name)) return name;
  }
  const host = doc.meta.find((m) => m.label === '主办' && m.value.trim().length >= 4);
  if (host) {
    const v = host.value.trim().replace(/(办公室|办公厅)$/, '');
    if (ORG_SUFFIX.test(v) && !GENERIC_ISSUER.test(v)) return v;
  }
  return null;
}

/** A level only the name makes certain: 乡/镇/街道 township, 局/委员会… department, 人民政府 by its place word. */
function levelOf(name: string): ParsedReport['issuer']['level'] {
  if (/(镇|乡|街道|街道办事处)(人民政府)?$/.test(name)) return 'township';
  if (/(局|委员会|办公室|中心|厅|署)$/.test(name) && !/人民政府办公(室|厅)$/.test(name)) return 'department';
  return null;
}

function matchRegistry(name: string | null, title: string, doc: Doc, registry: readonly Body[]): Body | null {
  if (name) {
    const exact = registry.find((b) => b.name === name || stripGov(b.name) === stripGov(name));
    if (exact) return exact;
  }
  // Otherwise the longest registry name (or its short form) named in the title or the opening text.
  const haystack = `${title}\n${doc.text.slice(0, 300)}`;
  let best: Body | null = null;
  let bestLength = 0;
  for (const b of registry) {
    for (const n of [b.name, stripGov(b.name)]) {
      if (n.length >= 2 && n.length > bestLength && haystack.includes(n)) {
        best = b;
        bestLength = n.length;
      }
    }
  }
  return best;
}

const DATE_LABELS = ['发布日期', '发文日期', '发布时间', '生成日期', '成文日期', '时间', '日期'];
const LABELLED_DATE = new RegExp(
  `(${DATE_LABELS.join('|')})\\s*[:：]?\\s*\\|?\\s*((?:19|20)\\d{2}\\s*[-年/.]\\s*\\d{1,2}\\s*[-月/.]\\s*\\d{1,2}日?(?:\\s+\\d{1,2}:\\d{2}(?::\\d{2})?)?)`,
  'g',
);

export function findPublishedAt(
  doc: Doc,
  metaDates: ReadonlyArray<{ name: string; content: string }>,
  url: string,
): PublishedAt {
  let best: { rank: number; date: string; raw: string } | null = null;
  for (const zone of [doc.head, doc.tail]) {
    for (const m of zone.matchAll(LABELLED_DATE)) {
      const rank = DATE_LABELS.indexOf(m[1]!);
      const date = readDate(m[2]!).date;
      if (date && (!best || rank < best.rank)) best = { rank, date, raw: m[0].trim() };
    }
  }
  if (best) return { date: best.date, source: 'meta', raw: best.raw };
  for (const meta of metaDates) {
    const date = readDate(meta.content).date;
    if (date) return { date, source: 'meta', raw: `${meta.name}: ${meta.content}` };
  }
  const fromUrl = dateFromUrl(url);
  if (fromUrl) return { date: fromUrl.date, source: 'url', raw: fromUrl.raw };
  return { date: null, source: 'none', raw: null };
}

export function findIndexNumber(doc: Doc): string | null {
  for (const zone of [doc.head, doc.tail]) {
    const m = /索\s*引\s*号\s*[:：]?\s*\|?\s*([A-Za-z0-9][\w\-/.]*\d[\w\-/.]*)/.exec(zone);
    if (m) return m[1]!;
  }
  return null;
}

const SCRAPED_DATE = String.raw`(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{4,6}日?|\d{3,4}日?`;

/** 统计期限自…起至…止; dates whose 年/月 were lost in scraping are recovered when unambiguous. */
export function findPeriod(doc: Doc, damage: Damage[]): ParsedReport['period'] {
  const m = /统计(?:期限|时限|时间)[为是:：]?\s*((?:自|从)?[^。\n]{4,40}?止)/.exec(doc.text);
  if (!m) return cutOff(doc, damage);
  const rawStart = m.index + m[0].length - m[1]!.length;
  const raw = m[1]!;
  const parts = [...raw.matchAll(new RegExp(SCRAPED_DATE, 'g'))];
  const read = (i: number, year: string | null): string | null => {
    const p = parts[i];
    if (!p) return null;
    let s = p[0].replace(/\s+/g, '');
    if (!/^(19|20)\d{2}/.test(s) && year) s = `${year}${s}`;
    const r = readDate(s);
    if (r.recovered) {
      const sp = span(doc, rawStart + p.index, rawStart + p.index + p[0].length);
      damage.push({ kind: 'lost-digits', text: sp.raw, start: sp.start, end: sp.end });
    }
    return r.date;
  };
  const start = read(0, null);
  const end = read(1, start?.slice(0, 4) ?? null);
  return { start, end, raw: span(doc, rawStart, rawStart + raw.length).raw };
}

/**
 * "数据统计截止日期为20251231日" (issue 10, item 14): the period's end alone, its lost 年/月 recovered when
 * only one reading is a real date (recorded as damage).
 */
function cutOff(doc: Doc, damage: Damage[]): ParsedReport['period'] {
  const m = new RegExp(`截[止至](?:日期|时间)?(?:为|是|到|至)?\\s*(${SCRAPED_DATE})`).exec(
    doc.text.slice(0, 3000),
  );
  if (!m?.[1] || !/^(19|20)\d{2}/.test(m[1])) return null;
  const start = m.index + m[0].length - m[1].length;
  const sp = span(doc, start, start + m[1].length);
  const r = readDate(m[1].replace(/\s+/g, ''));
  if (r.recovered) damage.push({ kind: 'lost-digits', text: sp.raw, start: sp.start, end: sp.end });
  return r.date ? { start: null, end: r.date, raw: sp.raw } : null;
}

const SIGNATURE =
  /^(?:[^。,，;；:：]{0,30}?\s)?((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇零Oo一二]?[〇零Oo一二三四五六七八九]{2,3}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日|(?:19|20)\d{4,6})$/;

/** The first stand-alone date line after `from` (the start of the last section): the signature. */
export function findSignature(doc: Doc, from: number, damage: Damage[]): ParsedReport['signatureDate'] {
  let offset = 0;
  let candidate: { index: number; raw: string } | null = null;
  for (const line of doc.text.split('\n')) {
    const trimmed = line.trim();
    const m = trimmed.length <= 50 ? SIGNATURE.exec(trimmed) : null;
    if (m) {
      const index = offset + line.indexOf(m[1]!);
      if (index >= from) {
        candidate = { index, raw: m[1]! };
        break;
      }
    }
    offset += line.length + 1;
  }
  if (!candidate) return null;
  const sp = span(doc, candidate.index, candidate.index + candidate.raw.length);
  const r = readDate(candidate.raw.replace(/\s+/g, ''));
  if (r.recovered) damage.push({ kind: 'lost-digits', text: sp.raw, start: sp.start, end: sp.end });
  return { date: r.date, raw: sp.raw, start: sp.start };
}
