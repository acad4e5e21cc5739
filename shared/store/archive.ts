import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { InfrastructureError } from '../errors.ts';

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
});
export type RawMeta = z.infer<typeof RawMeta>;

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

/**
 * The append-only evidence archive: `raw/<bodyId>/<sha256>.<ext>` with `<key>.meta.json` beside it.
 * Content already archived is never written again, so an unchanged cycle writes nothing.
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

  async put(
    bytes: Uint8Array,
    ext: string,
    meta: Omit<RawMeta, 'sha256' | 'size'>,
  ): Promise<{ key: string; sha256: string; created: boolean }> {
    const sha256 = sha256Hex(bytes);
    const key = RawArchive.keyFor(meta.bodyId, sha256, ext);
    if (await this.exists(key)) return { key, sha256, created: false };
    const full: RawMeta = { ...meta, sha256, size: bytes.byteLength };
    // Meta first: a crash between the two leaves an orphan meta (rewritten next time), never bytes without provenance.
    await this.putObject(`${key}.meta.json`, JSON.stringify(full, null, 2), 'application/json');
    await this.putObject(key, bytes, meta.contentType ?? 'application/octet-stream');
    return { key, sha256, created: true };
  }

  async get(key: string): Promise<{ bytes: Uint8Array; meta: RawMeta }> {
    const [bytes, metaBytes] = await Promise.all([this.getObject(key), this.getObject(`${key}.meta.json`)]);
    return { bytes, meta: RawMeta.parse(JSON.parse(Buffer.from(metaBytes).toString('utf8'))) };
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
    await this.putObject(key, JSON.stringify(record), 'application/json');
    return key;
  }

  async getJson(key: string): Promise<unknown> {
    return JSON.parse(Buffer.from(await this.getObject(key)).toString('utf8'));
  }

  private async putObject(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    await this.s3
      .send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }))
      .catch((error: unknown) => {
        throw storeError('PutObject', key, error);
      });
  }

  private async getObject(key: string): Promise<Uint8Array> {
    const res = await this.s3
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      .catch((error: unknown) => {
        throw storeError('GetObject', key, error);
      });
    if (!res.Body) throw new InfrastructureError(`S3 GetObject ${key}: empty body`, 's3');
    return res.Body.transformToByteArray();
  }
}
