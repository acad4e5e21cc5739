import type { Body } from '#shared/domain/body.ts';
import type { Damage, ParsedReport, PublishedAt } from '#shared/domain/report.ts';
import { dateFromUrl, readDate } from './dates.ts';
import { type Doc, span } from './doc.ts';

const TITLE_LINE = /^.{0,40}?(19|20)\d{2}\s*年.*(报告|年报)$/;
const ORG_SUFFIX =
  /(人民政府|政府|办公室|办公厅|局|委员会|委|厅|办|中心|院|署|区|县|市|旗|镇|乡|街道|街道办事处)$/;

/** The report's title: its own heading, the page's h1/<title>, a "特编制…报告" sentence, or the 标题 field. */
export function findTitle(doc: Doc, htmlTitles: readonly string[]): string {
  const lines = doc.text.split('\n', 6).map((l) => l.trim());
  const own = lines.find((l) => l.length <= 90 && TITLE_LINE.test(l) && !/[。;；]/.test(l));
  if (own) return own;
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
  if (m) return m[1]!;
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

export function findYear(title: string, doc: Doc): number | null {
  const fromTitle = /((?:19|20)\d{2})\s*年/.exec(title);
  if (fromTitle) return Number(fromTitle[1]);
  const period = /统计期限[^。\n]{0,6}?((?:19|20)\d{2})\s*年/.exec(doc.text);
  if (period) return Number(period[1]);
  const early = /((?:19|20)\d{2})\s*年/.exec(doc.text.slice(0, 400));
  return early ? Number(early[1]) : null;
}

const stripGov = (s: string): string => s.replace(/(人民政府|政府)(办公室|办公厅)?$/, '');

/** The issuer as written (title prefix, or a short heading line), matched to the registry when given. */
export function findIssuer(
  title: string,
  doc: Doc,
  registry: readonly Body[] | undefined,
): ParsedReport['issuer'] {
  let name: string | null = null;
  const prefix = /^(.{2,40}?)\s*(?:19|20)\d{2}\s*年/.exec(title);
  if (prefix && ORG_SUFFIX.test(prefix[1]!.trim())) name = prefix[1]!.trim();
  if (!name) {
    const after = /(?:19|20)\d{2}\s*年度?\s*(.{2,40}?)(?:政府信息公开|政务公开|信息公开)/.exec(title);
    if (after && ORG_SUFFIX.test(after[1]!)) name = after[1]!;
  }
  if (!name && ORG_SUFFIX.test(title) && title.length <= 40) name = title;
  const body = registry ? matchRegistry(name, title, doc, registry) : null;
  if (!body) return { name, level: null, code: null };
  return { name: name ?? body.name, level: body.level, code: body.id };
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
  if (!m) return null;
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
