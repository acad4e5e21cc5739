// The format libraries are loaded on first use: most pages have no attachment, and together they cost
// tens of MB of memory in every process (and Lambda) that imports the parser.
import type { Body } from '#shared/domain/body.ts';
import type { ParseResult, PublishedAt } from '#shared/domain/report.ts';
import { NianbaoError } from '#shared/errors.ts';
import { renderHtml } from './html.ts';
import { parseReport } from './parse-report.ts';

/*
 * Text out of report attachments. The only I/O-free-but-not-pure part of shared/parse: the libraries are
 * asynchronous. Library choices:
 * - PDF: unpdf (pdf.js, serverless build).
 * - DOCX: mammoth, to HTML so that tables stay tables (Table 三 is a table).
 * - DOC: word-extractor (Word 97–2003 binary).
 * - XLS/XLSX: @e965/xlsx, an automated npm republish of SheetJS CE 0.20.3 from the SheetJS CDN. The npm
 *   `xlsx` package is stuck at 0.18.5 with the prototype-pollution (CVE-2023-30533) and ReDoS
 *   (CVE-2024-22363) advisories, both fixed in 0.20.x; exceljs reads .xlsx only, and old portals publish
 *   .xls (BIFF8) 统计表. One library for both formats, read-only use.
 */

export type AttachmentType = 'pdf' | 'doc' | 'docx' | 'xls' | 'xlsx';

export interface ExtractedAttachment {
  text: string;
  /** HTML with the document's tables, when the format has them (DOCX, XLS/XLSX); parsed instead of text. */
  html: string | null;
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  // pdf.js detaches the buffer it is given: hand it a copy so the caller's bytes stay usable.
  const { extractText, getDocumentProxy } = await import('unpdf');
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: true });
  return text;
}

async function sheetsHtml(bytes: Uint8Array): Promise<string> {
  const XLSX = await import('@e965/xlsx');
  const book = XLSX.read(bytes, { type: 'array', cellDates: false, dense: true });
  const tables = book.SheetNames.map((name) => {
    const sheet = book.Sheets[name];
    return sheet ? XLSX.utils.sheet_to_html(sheet, { header: '', footer: '' }) : '';
  });
  return `<html><body>${tables.join('\n')}</body></html>`;
}

export async function extractAttachment(
  bytes: Uint8Array,
  type: AttachmentType,
): Promise<ExtractedAttachment> {
  switch (type) {
    case 'pdf':
      return { text: await pdfText(bytes), html: null };
    case 'docx': {
      const { default: mammoth } = await import('mammoth');
      const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
      const html = `<html><body>${value}</body></html>`;
      return { text: renderHtml(html).text, html };
    }
    case 'doc': {
      const { default: WordExtractor } = await import('word-extractor');
      const doc = await new WordExtractor().extract(Buffer.from(bytes));
      return { text: doc.getBody(), html: null };
    }
    case 'xls':
    case 'xlsx': {
      const html = await sheetsHtml(bytes);
      return { text: renderHtml(html).text, html };
    }
  }
}

/** The text of an attachment; tables come out one row per line, cells separated by tabs. */
export async function extractAttachmentText(bytes: Uint8Array, type: AttachmentType): Promise<string> {
  return (await extractAttachment(bytes, type)).text;
}

export interface AttachmentInput {
  bytes: Uint8Array;
  type: AttachmentType;
  /** Where the attachment was fetched from: the record's source. */
  url: string;
  /** The detail page that linked it. */
  pageUrl: string;
  sha256?: string | null;
  registry?: readonly Body[];
  /** The linking page's date: an attachment has none of its own to show. */
  pagePublishedAt?: PublishedAt;
}

/**
 * An attachment the format library could not read (corrupt or truncated bytes, or a library bug). Not a
 * verdict on the document: a truncated download and a parser bug look alike here, and calling either
 * "not a report" could let the sweep mail `deadline.missing` for a report that exists. The stage records
 * the failure (the year is inconclusive) and `reparse` retries it.
 */
export class AttachmentUnreadableError extends NianbaoError {
  constructor(
    readonly url: string,
    readonly type: AttachmentType,
    options: { cause: unknown },
  ) {
    super(`cannot read ${type} attachment ${url}: ${String(options.cause)}`, options);
  }
}

/**
 * Parses an attachment like a page, linked to the page it came from. Throws AttachmentUnreadableError when
 * the bytes cannot be read; never returns "not a report" for a failure of ours.
 */
export async function parseAttachment(input: AttachmentInput): Promise<ParseResult> {
  let extracted: ExtractedAttachment;
  try {
    extracted = await extractAttachment(input.bytes, input.type);
  } catch (error) {
    throw new AttachmentUnreadableError(input.url, input.type, { cause: error });
  }
  const base = {
    url: input.url,
    sha256: input.sha256 ?? null,
    ...(input.registry ? { registry: input.registry } : {}),
  };
  const result = parseReport(
    extracted.html !== null ? { ...base, html: extracted.html } : { ...base, text: extracted.text },
  );
  if (result.kind !== 'report') return result;
  const publishedAt =
    result.publishedAt.date === null && input.pagePublishedAt ? input.pagePublishedAt : result.publishedAt;
  return { ...result, publishedAt, linkedFrom: input.pageUrl };
}
