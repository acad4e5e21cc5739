import { pipeline, type Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { FetchError } from '../errors.ts';

/**
 * Response bodies as the page's bytes. We never ask for compression (no Accept-Encoding), but portals
 * and their CDNs send `Content-Encoding: gzip` (or deflate, br) anyway; read as they come, the archive
 * would keep compressed bytes and the parser see no text. Decoding streams, and the size cap applies to
 * the decoded bytes, so a small compressed body that inflates to gigabytes (a "zip bomb") stops at the cap
 * holding no more than the cap.
 */

export interface DecodedBody {
  bytes: Uint8Array;
  /** The codings removed, outermost last as in the header (`gzip`, `br`), or null when none was applied. */
  decodedFrom: string | null;
}

/** Decoders by coding name (RFC 9110 §8.4.1; x-gzip is gzip). `identity` means none. */
const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => deflateEither(),
  br: () => zlib.createBrotliDecompress(),
};

/**
 * "deflate" is zlib-wrapped by RFC 9110, but IIS and old servers send raw deflate (RFC 1951) under the same
 * name, and browsers accept both. The first two bytes tell: a zlib header has CM 8 and a check value that
 * makes the pair a multiple of 31 (RFC 1950 §2.2).
 */
function deflateEither(): Transform {
  let inner: Transform | undefined;
  const outer: Transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (!inner) {
        const zlibWrapped =
          chunk.byteLength >= 2 && (chunk[0]! & 0x0f) === 8 && ((chunk[0]! << 8) | chunk[1]!) % 31 === 0;
        inner = zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw();
        inner.on('data', (d: Buffer) => outer.push(d));
        inner.on('error', (e) => outer.destroy(e));
      }
      if (inner.write(chunk)) done();
      else inner.once('drain', () => done());
    },
    flush(done) {
      if (!inner) return done();
      inner.once('end', () => done());
      inner.end();
    },
  });
  return outer;
}

/** Coding names of a Content-Encoding header, in the order they were applied; `identity` dropped. */
export function codingsOf(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/**
 * Reads a response body, undoing its Content-Encoding, and stops at `max` bytes: more raw bytes than
 * `max`, or more decoded bytes than `max`, is FetchError 'too-large' and the body is destroyed at once
 * (the rest is never downloaded). An unknown coding, or bytes that do not decode, is FetchError
 * 'content-encoding'.
 */
export async function readDecoded(
  body: Readable,
  headers: Record<string, string>,
  max: number,
  url: string,
  status: number,
): Promise<DecodedBody> {
  const tooLarge = (what: string) =>
    new FetchError(`response exceeds the ${max}-byte cap${what}`, url, 'too-large', status);
  const codings = codingsOf(headers['content-encoding']);
  const unknown = codings.find((c) => !DECODERS[c]);
  if (unknown) {
    discard(body);
    throw new FetchError(
      `unsupported Content-Encoding "${unknown}" from ${url}`,
      url,
      'content-encoding',
      status,
    );
  }
  if (Number(headers['content-length'] ?? 'NaN') > max) {
    discard(body);
    throw tooLarge('');
  }
  const decodedFrom = codings.length > 0 ? codings.join(', ') : null;
  // Raw bytes are capped too: whatever the decoders make of them, no more than `max` is downloaded.
  let raw = 0;
  const rawCap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      raw += chunk.byteLength;
      done(raw > max ? tooLarge('') : null, chunk);
    },
  });
  // Decoders in reverse order of application: `gzip, br` was gzipped first, so br comes off first.
  const stages = [...codings].reverse().map((c) => DECODERS[c]!());
  // pipeline: an error anywhere (the cap, a reset, bad compressed bytes) destroys every stream, the
  // response body included, and ends the loop below with that error.
  const out: Readable = stages.at(-1) ?? body;
  if (stages.length > 0) pipeline([body, rawCap, ...stages], () => undefined);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > max) throw tooLarge(decodedFrom ? ` (decoded from ${decodedFrom})` : '');
      chunks.push(chunk);
    }
  } catch (error) {
    discard(out);
    discard(body);
    if (error instanceof FetchError) throw error;
    if (decodedFrom && isZlibError(error)) {
      throw new FetchError(
        `${decodedFrom} body from ${url} does not decode: ${(error as Error).message}`,
        url,
        'content-encoding',
        status,
        { cause: error },
      );
    }
    throw error;
  }
  return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), decodedFrom };
}

/** Stops reading a stream for good; the error its destruction emits (undici: "Request aborted") is ours. */
function discard(stream: Readable): void {
  stream.on('error', () => undefined);
  stream.destroy();
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code === 'ERR__ERROR')
  );
}
