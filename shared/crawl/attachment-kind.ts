import contentDisposition from 'content-disposition';
import iconv from 'iconv-lite';
import type { AttachmentType } from './discover.ts';

export type { AttachmentType };

/**
 * Attachment identification, pure (values in, values out). Portals name attachments in the query string
 * (Hanweb `/module/download/downfile.jsp?classid=0&filename=2601150931.docx`), only in a
 * Content-Disposition header (`…/download?id=88`), sometimes in raw GBK, and answer dead download links with
 * an HTML error page. So a link is first judged from its URL and text ({@link attachmentHint}), and what it
 * answered is judged afterwards, bytes first ({@link identifyAttachment}).
 */

const TYPE_EXT = /\.(pdf|docx?|xlsx?)$/i;
/** Attachments we recognise but cannot read as a type of ours (WPS, OFD): still worth fetching. */
const OTHER_EXT = /\.(wps|ofd|et)$/i;
const DOWNLOAD_PATH = /\/download|downfile|\/module\/download\/|getfile|attach|download\.aspx|filedownload/i;
const STATIC_PAGE = /\.(s?html?|xhtml)$/i;
const DOWNLOAD_TEXT = /附件|下载/;

export interface AttachmentHint {
  /** The type a file name in the link gives, or null when only fetching will tell. */
  type: AttachmentType | null;
  /** False when the only sign is the link text and the URL is an ordinary page (`…/a.html`). */
  likely: boolean;
}

function typeOfName(name: string): AttachmentType | null {
  const m = name.trim().match(TYPE_EXT);
  return m ? (m[1]!.toLowerCase() as AttachmentType) : null;
}

const namesFile = (name: string): boolean => TYPE_EXT.test(name.trim()) || OTHER_EXT.test(name.trim());

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The file name a URL carries: a query value with a file extension, else the last path segment's. */
function urlFileName(u: URL): string | null {
  for (const value of u.searchParams.values()) if (namesFile(value)) return value.split(/[\\/]/).pop()!;
  const last = safeDecode(u.pathname.split('/').pop() ?? '');
  return namesFile(last) ? last : null;
}

/**
 * Whether a link probably leads to an attachment, from the link alone: an extension on the path; a file
 * name in the query (`filename=`, `fileName=`, `file=`, `name=`, `fn=`, or any value ending in
 * .pdf/.doc/.docx/.xls/.xlsx/.wps/.ofd); a download-ish path (`/download`, `downfile.jsp`,
 * `/module/download/`, `getfile`, `attach`, `DownLoad.aspx`, `fileDownload`); or link text that ends in such
 * an extension or says 附件/下载. `type` is null for WPS/OFD and for download paths (decided after fetching).
 * Null for a plain page link, or a URL that does not parse.
 */
export function attachmentHint(url: string, linkText: string): AttachmentHint | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const fromUrl = urlFileName(u);
  if (fromUrl) return { type: typeOfName(fromUrl), likely: true };
  // A download-ish path ending in .html is a 下载中心 page, not a file.
  if (DOWNLOAD_PATH.test(u.pathname) && !STATIC_PAGE.test(u.pathname)) return { type: null, likely: true };
  const text = linkText.trim();
  if (namesFile(text) || DOWNLOAD_TEXT.test(text)) {
    // 附件下载说明.html is a page about attachments: the text alone does not outweigh a page URL.
    return { type: typeOfName(text), likely: !STATIC_PAGE.test(u.pathname) };
  }
  return null;
}

/** Bytes as UTF-8 when they are valid UTF-8, else as GB18030 (a superset of GBK and GB2312). */
function decodeNameBytes(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'gb18030');
  }
}

/**
 * A raw (non-RFC 8187) file name as Node hands it over: each header byte as one latin1 character. Re-read
 * as bytes and decoded as UTF-8 when valid, else GB18030; a name already outside latin1 is kept as is.
 * Percent-encoded names (Java's URLEncoder on the server) are decoded the same way.
 */
function repairRawName(value: string): string {
  let name = value;
  if (/^[\u0000-\u00ff]*$/.test(name) && /[\u0080-\u00ff]/.test(name)) {
    name = decodeNameBytes(Buffer.from(name, 'latin1'));
  } else if (/%[0-9A-Fa-f]{2}/.test(name)) {
    name = decodeNameBytes(percentBytes(name));
  }
  const encodedWord = name.match(/^=\?([^?]+)\?B\?([A-Za-z0-9+/=]+)\?=$/i); // RFC 2047, sent by some servers
  if (encodedWord && iconv.encodingExists(encodedWord[1]!)) {
    name = iconv.decode(Buffer.from(encodedWord[2]!, 'base64'), encodedWord[1]!);
  }
  return name;
}

function percentBytes(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 1) {
    const hex = s.slice(i + 1, i + 3);
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else out.push(...Buffer.from(s[i]!, 'latin1'));
  }
  return Buffer.from(out);
}

/** Without any path a server left in (RFC 6266 §4.3: recipients use the last path segment only). */
const baseName = (name: string): string | null => name.split(/[\\/]/).pop()?.trim() || null;

/**
 * The file name of a Content-Disposition header (RFC 6266), `filename*` (RFC 8187 `charset'lang'%XX`)
 * preferred over `filename`. Parsed by the `content-disposition` package; a header it rejects (unquoted
 * spaces, raw GBK bytes, a charset other than UTF-8/ISO-8859-1) is read by a lenient pattern instead, so a
 * malformed header never throws. Null when no file name is given.
 */
export function dispositionFilename(header: string): string | null {
  try {
    const { parameters } = contentDisposition.parse(header);
    const value = parameters.filename;
    if (value === undefined) return null;
    // The package decodes filename* itself; only a plain filename can hold raw header bytes.
    return baseName(/filename\*\s*=/i.test(header) ? value : repairRawName(value));
  } catch {
    const ext = header.match(/filename\*\s*=\s*"?([^'";]*)'[^']*'([^;"]+)/i);
    if (ext) {
      const charset = ext[1]!.trim() || 'utf-8';
      const bytes = percentBytes(ext[2]!.trim());
      return baseName(iconv.encodingExists(charset) ? iconv.decode(bytes, charset) : decodeNameBytes(bytes));
    }
    const plain = header.match(/filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"?|([^;]+))/i);
    const raw = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
    return raw ? baseName(repairRawName(raw)) : null;
  }
}

const CONTENT_TYPES: Record<string, AttachmentType | 'html'> = {
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  'application/msword': 'doc',
  'application/x-msword': 'doc',
  'application/vnd.ms-word': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/x-excel': 'xls',
  'application/x-msexcel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
};

/** The type a Content-Type names; null for application/octet-stream and anything else that names none. */
function typeOfContentType(value: string | undefined): AttachmentType | 'html' | null {
  const mime = value?.split(';')[0]?.trim().toLowerCase() ?? '';
  return CONTENT_TYPES[mime] ?? null;
}

/** True for a body that is markup: `<`, after an optional byte order mark and white space. */
function looksLikeMarkup(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && i < 1024 && (bytes[i] === 0x20 || (bytes[i]! >= 0x09 && bytes[i]! <= 0x0d)))
    i += 1;
  return bytes[i] === 0x3c;
}

/** `%PDF-` within the first KiB: readers accept leading junk there, file-type only looks at offset 0. */
function hasPdfHeader(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-');
}

/**
 * Word or Excel, from a compound file's directory entries (MS-CFB §2.6: a 128-byte entry, UTF-16LE name, its
 * byte length at +64, object type at +66, 2 = stream): `WordDocument` is Word's, `Workbook`/`Book` Excel's.
 * Null when neither or both appear (a document embedding the other); other evidence decides then.
 */
function cfbKind(bytes: Uint8Array): 'doc' | 'xls' | null {
  const shift = bytes[30]! | (bytes[31]! << 8);
  if (shift !== 9 && shift !== 12) return null;
  const found = new Set<string>();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let off = 1 << shift; off + 128 <= buf.length; off += 128) {
    const nameBytes = buf.readUInt16LE(off + 64);
    if (buf[off + 66] !== 2 || nameBytes < 2 || nameBytes > 64 || nameBytes % 2 !== 0) continue;
    const name = buf.toString('utf16le', off, off + nameBytes - 2);
    if (name === 'WordDocument') found.add('doc');
    else if (name === 'Workbook' || name === 'Book') found.add('xls');
  }
  return found.size === 1 ? (found.values().next().value as 'doc' | 'xls') : null;
}

export interface AttachmentInput {
  bytes: Uint8Array;
  /** Response headers; names in any case. Values as Node gives them (latin1 for raw bytes). */
  headers: Record<string, string>;
  /** The URL that answered (after redirects). */
  url: string;
  /** What the link suggested ({@link attachmentHint}'s type). */
  hint: AttachmentType | null;
}

export interface AttachmentKind {
  /** `html` when the answer is a web page (an error or login page behind a download link), not a file. */
  type: AttachmentType | 'html' | null;
  /** From Content-Disposition, else from the URL; null when neither names the file. */
  filename: string | null;
  /** The evidence that decided `type`. */
  by: 'magic' | 'content-type' | 'content-disposition' | 'url' | 'none';
}

/**
 * What a fetched attachment is, strongest evidence first: magic bytes (file-type: PDF, OOXML docx/xlsx,
 * OLE compound files told apart by their streams, else by file name, hint or Content-Type, default doc);
 * a markup body or a text/html Content-Type (→ `html`); the Content-Disposition file name (RFC 6266 / RFC
 * 8187, raw GBK names repaired); the Content-Type; the URL, then the link's hint. A recognised format that
 * is none of ours (an image, a plain zip) gives type null by magic. Never throws on bad headers.
 */
export async function identifyAttachment(input: AttachmentInput): Promise<AttachmentKind> {
  const header = (name: string): string | undefined =>
    Object.entries(input.headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const disposition = header('content-disposition');
  const cdName = disposition ? dispositionFilename(disposition) : null;
  let u: URL | null = null;
  try {
    u = new URL(input.url);
  } catch {}
  const filename = cdName ?? (u ? urlFileName(u) : null);
  const contentType = typeOfContentType(header('content-type'));
  const fromUrl = u ? typeOfName(urlFileName(u) ?? '') : null;
  const claimed = [cdName ? typeOfName(cdName) : null, input.hint, contentType, fromUrl];
  const result = (type: AttachmentKind['type'], by: AttachmentKind['by']): AttachmentKind => ({
    type,
    filename,
    by,
  });

  if (input.bytes.length > 0) {
    const { fileTypeFromBuffer } = await import('file-type/core');
    const magic = await fileTypeFromBuffer(input.bytes).catch(() => undefined);
    if (magic?.ext === 'pdf' || (!magic && hasPdfHeader(input.bytes))) return result('pdf', 'magic');
    if (magic?.ext === 'docx' || magic?.ext === 'xlsx') return result(magic.ext, 'magic');
    if (magic?.ext === 'cfb') {
      const excel = claimed.some((t) => t === 'xls' || t === 'xlsx') || /\.et$/i.test(filename ?? '');
      return result(cfbKind(input.bytes) ?? (excel ? 'xls' : 'doc'), 'magic');
    }
    // A plain zip may still be OOXML whose parts file-type could not reach: only then do names decide.
    if (magic && !(magic.ext === 'zip' && claimed.some((t) => t === 'docx' || t === 'xlsx'))) {
      return result(null, 'magic');
    }
    if (!magic && looksLikeMarkup(input.bytes)) return result('html', 'magic');
  }
  if (contentType === 'html') return result('html', 'content-type');
  if (input.bytes.length === 0) return result(null, 'none');
  const cdType = cdName ? typeOfName(cdName) : null;
  if (cdType) return result(cdType, 'content-disposition');
  if (contentType) return result(contentType, 'content-type');
  if (fromUrl ?? input.hint) return result(fromUrl ?? input.hint, 'url');
  return result(null, 'none');
}
