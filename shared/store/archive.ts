import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { InfrastructureError } from '../errors.ts';
import { decodeFromArchive, encodeForArchive, isCompressible } from './archive-encoding.ts';
import { fromObjectMetadata, RawMeta, toObjectMetadata } from './archive-meta.ts';

export { RawMeta } from './archive-meta.ts';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * An S3 failure as the admins need to read it (a HEAD's 503 reaches the SDK as a bare "UnknownError"):
 * our fault, retried and dead-lettered, never the portal's.
 */
function storeError(op: string, key: string, error: unknown): InfrastructureError {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return new InfrastructureError(
    `S3 ${op} ${key} failed: ${e.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}${e.message && e.message !== e.name ? `: ${e.message}` : ''}`,
    's3',
    { cause: error },
  );
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

/** S3's answer to a conditional write whose key exists (412) or that raced another one (409). */
function conditionalFailure(error: unknown): 'exists' | 'conflict' | null {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (e.name === 'PreconditionFailed' || e.$metadata?.httpStatusCode === 412) return 'exists';
  if (e.name === 'ConditionalRequestConflict' || e.$metadata?.httpStatusCode === 409) return 'conflict';
  return null;
}

/** Attempts of a conditional write that S3 answers 409 ConditionalRequestConflict (S3: "retry the upload"). */
const CONFLICT_ATTEMPTS = 3;

/**
 * The append-only evidence archive: `raw/<bodyId>/<sha256>.<ext>`, content-addressed, its provenance
 * (RawMeta) in the object's own user metadata (`x-amz-meta-*`, archive-meta.ts). Objects archived before
 * (and the rare object whose provenance exceeds S3's 2 KB of metadata) keep it in `<key>.meta.json`
 * beside them; every read accepts both layouts.
 *
 * Writes are conditional (`If-None-Match: *`, S3 conditional writes): S3 answers 412 when the key exists, so
 * content already archived is never written again and the first provenance of some bytes stays theirs; in
 * a bucket with Object Lock the write is a new locked object or nothing. Report pages and attachments are
 * archived because their content is new (a new link, a changed hash), so they cost one PutObject. Listing
 * snapshots are mostly repeats (a listing read again without a 304), so a HeadObject is asked first for them:
 * a refused conditional PUT is billed as a PUT, and a HEAD costs about a twelfth of one (S3 Standard list
 * prices, $0.0004 against $0.005 per 1,000 requests).
 *
 * Text (HTML pages, listing snapshots, parsed JSON) is stored Brotli-compressed with `Content-Encoding: br`
 * (archive-encoding.ts); the key, sha256 and size stay the original bytes', and every read gives the
 * original bytes back (checked against the sha256 when decompressed). Objects stored before, without a
 * Content-Encoding, read as they are.
 */
export class RawArchive {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  static keyFor(bodyId: string, sha256: string, ext: string): string {
    return `raw/${bodyId}/${sha256}.${ext}`;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw storeError('HeadObject', key, error);
    }
  }

  /**
   * Archives `bytes` under their sha256 with their provenance. `created` is false when the content was
   * already archived for the body (nothing written). `probe`: ask a HEAD before the PUT (default: for listing
   * snapshots, mostly repeats); false when the caller knows the bytes are most likely new. Throws
   * InfrastructureError when S3 fails.
   */
  async put(
    bytes: Uint8Array,
    ext: string,
    meta: Omit<RawMeta, 'sha256' | 'size'>,
    o: { probe?: boolean } = {},
  ): Promise<{ key: string; sha256: string; created: boolean }> {
    const sha256 = sha256Hex(bytes);
    const key = RawArchive.keyFor(meta.bodyId, sha256, ext);
    const full: RawMeta = { ...meta, sha256, size: bytes.byteLength };
    const metadata = toObjectMetadata(full);
    const contentType = meta.contentType ?? 'application/octet-stream';
    if (((o.probe ?? meta.kind === 'listing') || !metadata) && (await this.exists(key)))
      return { key, sha256, created: false };
    if (!metadata)
      // Layout 1. Meta first: a crash between the two leaves an orphan meta, never bytes without provenance.
      await this.putObject(`${key}.meta.json`, JSON.stringify(full, null, 2), 'application/json');
    const { body, encoding } = await encodeForArchive(bytes, isCompressible(meta.contentType, ext));
    const created = await this.putObject(key, body, contentType, metadata ?? undefined, true, encoding);
    // Already there: S3 writes an object whole, but a stand-in killed mid-write (s3rver writes the bytes,
    // then their metadata) can leave one without its provenance, which the conditional write would keep
    // for ever. Such an object is written again, unconditionally (same key, same bytes).
    if (!created && metadata && !(await this.provenanceNames(key, sha256)))
      await this.putObject(key, body, contentType, metadata, false, encoding);
    return { key, sha256, created };
  }

  /** Whether the object at `key` carries provenance metadata naming `sha256` (false when it is absent). */
  private async provenanceNames(key: string, sha256: string): Promise<boolean> {
    const head = await this.s3
      .send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      .catch(() => null);
    try {
      return fromObjectMetadata(head?.Metadata)?.sha256 === sha256;
    } catch {
      return false;
    }
  }

  /**
   * The original bytes and provenance of an archived object (either layout, compressed or not). Throws
   * InfrastructureError when absent, or when decompressed bytes are not the ones its provenance names.
   */
  async get(key: string): Promise<{ bytes: Uint8Array; meta: RawMeta }> {
    const { body, encoding, metadata } = await this.getStored(key);
    const meta = await this.metaOf(key, metadata);
    if (!encoding) return { bytes: body, meta };
    const bytes = await this.decode(key, body, encoding, meta.size);
    if (bytes.byteLength !== meta.size || sha256Hex(bytes) !== meta.sha256)
      throw new InfrastructureError(
        `S3 object ${key}: its ${encoding}-decoded bytes are not the archived ones (sha256 or size differs)`,
        's3',
      );
    return { bytes, meta };
  }

  /** The provenance of an archived object (either layout) without its bytes. */
  async getMeta(key: string): Promise<RawMeta> {
    const head = await this.s3
      .send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      .catch((error: unknown) => {
        throw storeError('HeadObject', key, error);
      });
    return this.metaOf(key, head.Metadata);
  }

  private async metaOf(key: string, metadata: Record<string, string> | undefined): Promise<RawMeta> {
    let own: RawMeta | null;
    try {
      own = fromObjectMetadata(metadata);
    } catch (error) {
      throw new InfrastructureError(`S3 object ${key}: unreadable provenance metadata`, 's3', {
        cause: error,
      });
    }
    return (
      own ?? RawMeta.parse(JSON.parse(Buffer.from(await this.getObject(`${key}.meta.json`)).toString('utf8')))
    );
  }

  /** Every archived raw object (not the meta files), optionally for one body. */
  async list(bodyId?: string): Promise<string[]> {
    const prefix = bodyId ? `raw/${bodyId}/` : 'raw/';
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith('.meta.json')) out.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** The parsed record, kept in S3 because a report's text can exceed DynamoDB's 400 KB item limit. */
  async putParsed(bodyId: string, sha256: string, record: unknown): Promise<string> {
    const key = `parsed/${bodyId}/${sha256}.json`;
    // Overwritten on a re-parse: a parser or rule improvement replaces the record.
    const { body, encoding } = await encodeForArchive(Buffer.from(JSON.stringify(record)), true);
    await this.putObject(key, body, 'application/json', undefined, false, encoding);
    return key;
  }

  async getJson(key: string): Promise<unknown> {
    return JSON.parse(Buffer.from(await this.getObject(key)).toString('utf8'));
  }

  /**
   * PutObject; `ifNoneMatch` makes it conditional; `contentEncoding` names how `body` is compressed. True
   * when written, false when S3 answered 412 (the key exists). A 409 (a concurrent conditional write of the
   * key) is tried again.
   */
  private async putObject(
    key: string,
    body: Uint8Array | string,
    contentType: string,
    metadata?: Record<string, string>,
    ifNoneMatch = true,
    contentEncoding?: string,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            ...(contentEncoding ? { ContentEncoding: contentEncoding } : {}),
            ...(metadata ? { Metadata: metadata } : {}),
            ...(ifNoneMatch ? { IfNoneMatch: '*' } : {}),
          }),
        );
        return true;
      } catch (error) {
        const failure = ifNoneMatch ? conditionalFailure(error) : null;
        if (failure === 'exists') return false;
        if (failure === 'conflict' && attempt < CONFLICT_ATTEMPTS) continue;
        throw storeError('PutObject', key, error);
      }
    }
  }

  /** The stored bytes of an object as S3 holds them, their Content-Encoding and user metadata. */
  private async getStored(key: string): Promise<{
    body: Uint8Array;
    encoding: string | undefined;
    metadata: Record<string, string> | undefined;
  }> {
    const res = await this.s3
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      .catch((error: unknown) => {
        throw storeError('GetObject', key, error);
      });
    if (!res.Body) throw new InfrastructureError(`S3 GetObject ${key}: empty body`, 's3');
    return {
      body: await res.Body.transformToByteArray(),
      encoding: res.ContentEncoding,
      metadata: res.Metadata,
    };
  }

  private async decode(
    key: string,
    body: Uint8Array,
    encoding: string,
    maxBytes?: number,
  ): Promise<Uint8Array> {
    try {
      return await decodeFromArchive(body, encoding, maxBytes);
    } catch (error) {
      throw new InfrastructureError(`S3 object ${key}: cannot decode its ${encoding} body`, 's3', {
        cause: error,
      });
    }
  }

  /** An object's original bytes (decompressed when stored with a Content-Encoding). */
  private async getObject(key: string): Promise<Uint8Array> {
    const { body, encoding } = await this.getStored(key);
    // Parsed records and sidecars carry no size of their own to check against: a cap, so an object planted
    // as a decompression bomb is an error, not a function out of memory.
    return encoding ? this.decode(key, body, encoding, MAX_DECODED_JSON_BYTES) : body;
  }
}

/**
 * Largest decoded JSON object (a parsed record, a sidecar), bytes: far above any real one (a parsed record is
 * ~2.6× its page, and the fetcher takes pages up to 20 MB).
 */
export const MAX_DECODED_JSON_BYTES = 128 * 1024 * 1024;
