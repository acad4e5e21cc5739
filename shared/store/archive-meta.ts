import { z } from 'zod';
import { PeerRecord } from '../crawl/peer-record.ts';

export const RawMeta = z.object({
  bodyId: z.string(),
  kind: z.enum(['listing', 'detail', 'attachment']),
  url: z.string(),
  /** After redirects. */
  finalUrl: z.string(),
  /** Where the bytes came from when a canonical host was served by a stand-in (demo portal). */
  fetchedFrom: z.string().optional(),
  parentUrl: z.string().optional(),
  linkTitle: z.string().optional(),
  fetchedAt: z.string(),
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  contentType: z.string().nullable(),
  charset: z.string().nullable(),
  sha256: z.string(),
  size: z.number().int(),
  /**
   * Who answered: the peer's IP address and port, TLS protocol, cipher and certificate (peer-record.ts).
   * Absent (or null) when not recorded: objects archived before it was, and pages rendered in Chromium.
   */
  peer: PeerRecord.nullable().optional(),
});
export type RawMeta = z.infer<typeof RawMeta>;

/**
 * S3's limit on user-defined metadata: the UTF-8 bytes of every key and value together (Amazon S3 User
 * Guide, "Working with object metadata"). Keys are counted here with their `x-amz-meta-` prefix, so the
 * check is stricter than S3's own.
 */
export const USER_METADATA_LIMIT_BYTES = 2048;

/** Marks an object whose provenance travels in its own metadata (layout 1: a `.meta.json` object beside it). */
const VERSION_KEY = 'provenance-version';
const VERSION = '2';

/** RawMeta field → metadata key (lowercase: S3 and HTTP/1.1 give metadata keys back lowercased). */
const KEYS = {
  bodyId: 'body-id',
  kind: 'kind',
  url: 'url',
  finalUrl: 'final-url',
  fetchedFrom: 'fetched-from',
  parentUrl: 'parent-url',
  linkTitle: 'link-title',
  fetchedAt: 'fetched-at',
  status: 'status',
  headers: 'headers',
  contentType: 'content-type',
  charset: 'charset',
  sha256: 'sha256',
  size: 'size',
  peer: 'peer',
} as const satisfies Record<keyof RawMeta, string>;

/**
 * Percent-encodes (RFC 3986 §2.1, UTF-8) every character that is not visible ASCII, and `%` itself, so a
 * value survives as an HTTP header: no CR/LF, no non-ASCII (S3 would RFC 2047-encode it on the way back),
 * no leading or trailing space to be trimmed. Visible ASCII stays readable (URLs, dates, JSON).
 */
export function encodeMetaValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code > 0x20 && code < 0x7f && ch !== '%') out += ch;
    else
      try {
        out += encodeURIComponent(ch);
      } catch {
        out += '%EF%BF%BD'; // a lone surrogate: U+FFFD, as a UTF-8 decoder would read it
      }
  }
  return out;
}

/** The inverse of encodeMetaValue; throws URIError on a malformed escape. */
export function decodeMetaValue(value: string): string {
  return decodeURIComponent(value);
}

/**
 * RawMeta as S3 user metadata (keys without the `x-amz-meta-` prefix the SDK adds), or null when it cannot
 * travel that way: more than USER_METADATA_LIMIT_BYTES (a long header set, long URLs), or an empty string
 * (a header with an empty value may not come back). The caller then keeps the `.meta.json` object instead.
 */
export function toObjectMetadata(meta: RawMeta): Record<string, string> | null {
  const values: Partial<Record<keyof RawMeta, string | null | undefined>> = {
    ...meta,
    status: String(meta.status),
    size: String(meta.size),
    headers: JSON.stringify(meta.headers),
    peer: meta.peer ? JSON.stringify(meta.peer) : undefined,
  };
  const out: Record<string, string> = { [VERSION_KEY]: VERSION };
  for (const [field, key] of Object.entries(KEYS) as Array<[keyof RawMeta, string]>) {
    const value = values[field];
    if (value === undefined || value === null) continue;
    if (value === '') return null;
    out[key] = encodeMetaValue(value);
  }
  let bytes = 0;
  for (const [k, v] of Object.entries(out)) bytes += `x-amz-meta-${k}`.length + v.length; // all ASCII now
  return bytes <= USER_METADATA_LIMIT_BYTES ? out : null;
}

/**
 * RawMeta from an object's user metadata as GetObject/HeadObject return it, or null when the object carries
 * none (layout 1: read `<key>.meta.json`). Throws a ZodError or URIError when the metadata is there but broken.
 */
export function fromObjectMetadata(metadata: Record<string, string> | undefined): RawMeta | null {
  if (!metadata || metadata[VERSION_KEY] !== VERSION) return null;
  const get = (field: keyof RawMeta): string | undefined => {
    const v = metadata[KEYS[field]];
    return v === undefined ? undefined : decodeMetaValue(v);
  };
  const record: Record<string, unknown> = {};
  for (const field of Object.keys(KEYS) as Array<keyof RawMeta>) {
    const value = get(field);
    if (value !== undefined) record[field] = value;
  }
  return RawMeta.parse({
    ...record,
    status: Number(record.status),
    size: Number(record.size),
    headers: typeof record.headers === 'string' ? JSON.parse(record.headers) : undefined,
    peer: typeof record.peer === 'string' ? JSON.parse(record.peer) : undefined,
    contentType: record.contentType ?? null,
    charset: record.charset ?? null,
  });
}
