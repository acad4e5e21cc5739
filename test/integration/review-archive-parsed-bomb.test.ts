import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfrastructureError } from '#shared/errors.ts';
import { type EmbeddedStores, startEmbeddedStores } from '#shared/local/embedded-services.ts';
import { RawArchive } from '#shared/store/archive.ts';
import { makeS3Client } from '#shared/store/clients.ts';

/*
 * Found in review: raw objects are decompressed at most to the size their provenance records, but parsed
 * records (getJson) and sidecars were decompressed with no bound: a 200 MiB record stored as a few hundred
 * bytes of Brotli was inflated in full. Now capped (MAX_DECODED_JSON_BYTES): a clear InfrastructureError.
 */
describe('a decompression bomb stored as a parsed record', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let s3: S3Client;
  let archive: RawArchive;
  const BUCKET = 'brk12c-bomb';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'brk12c-bomb-'));
    stores = await startEmbeddedStores(dir, BUCKET);
    s3 = makeS3Client({ region: 'us-east-1', s3Endpoint: stores.s3Endpoint, standIns: { s3: true } });
    archive = new RawArchive(s3, BUCKET);
  });
  afterAll(async () => {
    s3?.destroy();
    await stores?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is refused with a clear error, not inflated without bound', async () => {
    const inflated = Buffer.alloc(200 * 1024 * 1024, 0x20);
    inflated.write('{}', inflated.length - 2);
    const bomb = brotliCompressSync(inflated);
    expect(bomb.byteLength).toBeLessThan(100_000);
    const key = 'parsed/360802/bomb.json';
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: bomb,
        ContentType: 'application/json',
        ContentEncoding: 'br',
      }),
    );
    await expect(archive.getJson(key)).rejects.toBeInstanceOf(InfrastructureError);
  });
});
