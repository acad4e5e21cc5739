import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, brotliDecompress, constants, gunzip } from 'node:zlib';

const compress = promisify(brotliCompress);
const decompressBrotli = promisify(brotliDecompress);
const decompressGzip = promisify(gunzip);

/** The `Content-Encoding` (RFC 9110 §8.4) the archive writes text objects with: Brotli (RFC 7932). */
export const ARCHIVE_ENCODING = 'br';

/**
 * Media types stored compressed: text (HTML pages, listing snapshots, JSON records, XML data feeds).
 * Not PDF, DOCX, XLSX, ZIP or images: they are compressed already (a second pass saves next to nothing).
 */
const TEXT_TYPES =
  /^(text\/|application\/(json|xml|xhtml\+xml|javascript|ld\+json)\b|[a-z]+\/[\w.-]+\+(xml|json)\b)/i;
const TEXT_EXTENSIONS = new Set(['html', 'htm', 'shtml', 'xhtml', 'json', 'xml', 'txt', 'csv', 'js']);

/** True when bytes of this media type (or, without one, this file extension) are archived compressed. */
export function isCompressible(contentType: string | null | undefined, ext: string): boolean {
  return contentType ? TEXT_TYPES.test(contentType.trim()) : TEXT_EXTENSIONS.has(ext.toLowerCase());
}

/**
 * Brotli quality 6: on the demo portal's report pages 2.70× at ~0.1 ms of CPU a KB, against 2.93× at
 * ~1.2 ms a KB for quality 11 (infra/cost/archive-compression.ts). Quality 11's extra 8% of storage is
 * worth less than its CPU in the crawl and parse functions (a 260 KB parsed record is compressed again at
 * every re-parse): infra/cost/inputs.ts ARCHIVE.
 */
export const ARCHIVE_BROTLI_QUALITY = 6;

/**
 * Up to this many bytes (64 KiB) text is compressed on the calling thread; above it, on libuv's thread pool.
 * Measured on this project's 2-core machine, one CPU, 8 compressions at once: a 3.7 KB page cost 0.8–1.7 ms of
 * CPU through the thread pool (a hop there and back and a fresh encoder's allocations each time) against
 * 0.1–0.2 ms on the calling thread. The limit bounds how long the event loop is held: at 256 KiB a review
 * measured ~3 ms for report-like text but 18–22 ms for adversarial text (random letters); a quarter of that
 * size holds it a few ms at worst, and larger pages pay the pool's fixed cost on a larger compression.
 */
export const SYNC_COMPRESS_MAX_BYTES = 64 * 1024;

/**
 * The bytes to store for `bytes` and their Content-Encoding: Brotli (ARCHIVE_BROTLI_QUALITY, text mode)
 * when the media type is text and the result is smaller, else the bytes themselves (encoding undefined).
 * Small texts (≤ SYNC_COMPRESS_MAX_BYTES) are compressed at once on the calling thread, larger ones on
 * libuv's thread pool, so a crawl's other requests go on meanwhile.
 */
export async function encodeForArchive(
  bytes: Uint8Array,
  compressible: boolean,
): Promise<{ body: Uint8Array; encoding: string | undefined }> {
  if (!compressible || bytes.byteLength === 0) return { body: bytes, encoding: undefined };
  const options = {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: ARCHIVE_BROTLI_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
    },
  };
  const packed =
    bytes.byteLength <= SYNC_COMPRESS_MAX_BYTES
      ? brotliCompressSync(bytes, options)
      : await compress(bytes, options);
  return packed.byteLength < bytes.byteLength
    ? {
        body: new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength),
        encoding: ARCHIVE_ENCODING,
      }
    : { body: bytes, encoding: undefined };
}

/**
 * The original bytes of a stored object from its `Content-Encoding`: none or `identity` as stored, `br`
 * or `gzip` decompressed (at most `maxBytes` when given: the size its provenance records). Throws Error
 * naming the encoding when it is another one or the data is corrupt.
 */
export async function decodeFromArchive(
  body: Uint8Array,
  encoding: string | undefined,
  maxBytes?: number,
): Promise<Uint8Array> {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === 'identity') return body;
  const limit = maxBytes === undefined ? {} : { maxOutputLength: Math.max(maxBytes, 1) };
  let out: Buffer;
  if (coding === 'br') out = await decompressBrotli(body, limit);
  else if (coding === 'gzip' || coding === 'x-gzip') out = await decompressGzip(body, limit);
  else throw new Error(`unsupported Content-Encoding "${encoding}"`);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
