import type { Body } from '#shared/domain/body.ts';
import type { Figures } from '#shared/domain/figures.ts';
import type { Damage, ParseResult, Source } from '#shared/domain/report.ts';
import { findAttachmentLinks } from './attachment-links.ts';
import { notAReportReason } from './classify.ts';
import { buildDoc, type Doc } from './doc.ts';
import { findFigures } from './figures.ts';
import { renderHtml } from './html.ts';
import {
  findIndexNumber,
  findIssuer,
  findPeriod,
  findPublishedAt,
  findSignature,
  findTitle,
  findYear,
} from './metadata.ts';
import { detectFormat, findSections, missingSections, toSections } from './structure.ts';

/*
 * The pipeline, each step in its own file:
 *   html.ts        HTML → page text (blocks on lines, cells tab-separated) + tables, titles, meta dates, links
 *   normalise.ts   traditional → simplified, pinyin noise / ?? / U+FFFD removed (recorded as damage), widths,
 *                  whitespace; with an offset map back to the published characters
 *   chrome.ts      the report body apart from metadata bars, breadcrumbs, footers (line level, so scraped
 *                  text and HTML are handled alike); doc.ts joins the two into one Doc
 *   meta-block.ts  the metadata bar and footer lines as label/value pairs: kept in originalText as a header
 *                  and a trailer region around the body (evidence for placeholder/1970/spam rules)
 *   classify.ts    not-a-report (notices, work plans, empty pages)
 *   metadata.ts    title, issuer (+ registry), year, page date, 索引号, period, signature
 *   structure.ts   sections 一、二、…, format, missing sections
 *   figures*.ts    narrative figures, stated percentages, 统计表, template tables 二/三/四
 */

export interface ParseInput {
  html?: string;
  text?: string;
  url: string;
  sha256?: string | null;
  registry?: readonly Body[];
}

/**
 * Parses a report page (HTML or scraped text) into one record. Pure. Arbitrary HTML never makes it throw
 * (the property test); an exception that still escapes is a parser bug and propagates: turning it into
 * "not a report" would let the deadline sweep call an existing report missing. The parse stage records
 * the failure, the year stays inconclusive, and `reparse` retries it once the bug is fixed.
 */
export function parseReport(input: ParseInput): ParseResult {
  return parseUnsafe(input, sourceOf(input));
}

function sourceOf(input: ParseInput): Source {
  return sourceFor(input.url, input.sha256 ?? null);
}

/** The record's source: the URL as given, its host (empty for a file path), the hash when well-formed. */
export function sourceFor(url: string, sha256: string | null): Source {
  let host = '';
  try {
    host = new URL(url).host;
  } catch {
    // A file path or an invalid URL has no host; the record still says where it came from.
  }
  return { url, host, sha256: sha256 && /^[0-9a-f]{64}$/.test(sha256) ? sha256 : null };
}

function parseUnsafe(input: ParseInput, source: Source): ParseResult {
  const rendered =
    input.html !== undefined
      ? renderHtml(input.html)
      : { text: input.text ?? '', tables: [], titles: [], metaDates: [], links: [], footerAt: null };
  const doc = buildDoc(rendered.text, rendered.footerAt);
  const title = findTitle(doc, rendered.titles);
  const reason = notAReportReason(title, doc.text);
  if (reason) return { kind: 'not-a-report', reason, title: title || null, source };

  const damage: Damage[] = [...doc.damage];
  const tables = rendered.tables.flatMap((t) => relocateTable(doc, t));
  const year = findYear(title, doc);
  const textSections = findSections(doc, tables);
  const last = textSections[textSections.length - 1];
  const figures: Figures = findFigures(doc, tables, damage);
  const format = detectFormat(
    textSections,
    year,
    {
      applications: figures.applications !== null,
      is2021: figures.applications?.rows.some((r) => r.key.startsWith('result.other.')) ?? false,
      pre2019: figures.pre2019 !== null,
    },
    doc.text,
  );
  const period = findPeriod(doc, damage);
  const signatureDate = findSignature(doc, last?.start ?? 0, damage);
  damage.sort((a, b) => a.start - b.start);
  return {
    kind: 'report',
    title,
    issuer: findIssuer(title, doc, input.registry, rendered.titles),
    year,
    format,
    publishedAt: findPublishedAt(doc, rendered.metaDates, input.url),
    indexNumber: findIndexNumber(doc),
    period,
    signatureDate,
    sections: toSections(doc, textSections),
    missingSections: missingSections(textSections, format),
    figures,
    damage,
    attachments: findAttachmentLinks(rendered.links, doc, input.url),
    meta: doc.meta,
    text: doc.text,
    originalText: doc.originalText,
    source,
  };
}

/** Moves a rendered table into originalText coordinates; tables in the chrome are dropped. */
function relocateTable(doc: Doc, t: Figures['tables'][number]): Figures['tables'] {
  const start = doc.fromPage(t.start, true);
  const end = doc.fromPage(t.end, true) ?? (start === null ? null : doc.originalText.length);
  if (start === null || end === null) return [];
  const rows = t.rows.map((row) =>
    row.flatMap((c) => {
      const s = doc.fromPage(c.start, true);
      const e = c.end === c.start ? s : doc.fromPage(c.end, true);
      return s === null || e === null ? [] : [{ text: c.text, start: s, end: e }];
    }),
  );
  return [{ start, end, rows }];
}
