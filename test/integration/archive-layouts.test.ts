import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmbeddedStores, startEmbeddedStores } from '#shared/local/embedded-services.ts';
import { RawArchive, type RawMeta, sha256Hex } from '#shared/store/archive.ts';
import {
  decodeMetaValue,
  encodeMetaValue,
  fromObjectMetadata,
  toObjectMetadata,
  USER_METADATA_LIMIT_BYTES,
} from '#shared/store/archive-meta.ts';
import { makeS3Client } from '#shared/store/clients.ts';
import { observeCommands } from '#test/support/sdk-middleware.ts';

const BUCKET = 'archive-layouts';

function provenance(over: Partial<Omit<RawMeta, 'sha256' | 'size'>> = {}): Omit<RawMeta, 'sha256' | 'size'> {
  return {
    bodyId: '360802',
    kind: 'detail',
    url: 'http://www.jxja.gov.cn/xxgk/ndbg/202401/t20240115_1.html',
    finalUrl: 'http://www.jxja.gov.cn/xxgk/ndbg/202401/t20240115_1.html?from=列表',
    parentUrl: 'http://www.jxja.gov.cn/xxgk/ndbg/index.html',
    linkTitle: ' 吉安市2023年政府信息公开工作年度报告 100%\r\n',
    fetchedAt: '2026-11-30T08:00:00.000Z',
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', server: 'nginx', 'x-note': '年报' },
    contentType: 'text/html; charset=utf-8',
    charset: 'utf-8',
    ...over,
  };
}

/**
 * Counts the S3 calls by command name, at the SDK (the client caches its handlers: the helper drops them, so
 * the counter runs however many calls came before it).
 */
function countCalls(s3: S3Client): { calls: Record<string, number>; seen: () => number } {
  const calls: Record<string, number> = {};
  const { seen } = observeCommands(s3, 'countArchiveCalls', (name) => {
    calls[name] = (calls[name] ?? 0) + 1;
  });
  return { calls, seen };
}

describe('provenance as S3 user metadata (pure)', () => {
  it('percent-encodes what is not visible ASCII, and reads it back unchanged', () => {
    const value = ' 年报 100%\r\nok ';
    const encoded = encodeMetaValue(value);
    expect(encoded).toMatch(/^[\x21-\x7e]+$/);
    expect(encoded.startsWith('%20')).toBe(true);
    expect(decodeMetaValue(encoded)).toBe(value);
    expect(encodeMetaValue('http://a.gov.cn/x?y=1&z="q"')).toBe('http://a.gov.cn/x?y=1&z="q"');
  });

  it('round-trips a RawMeta through the metadata map', () => {
    const meta: RawMeta = { ...provenance(), sha256: 'ab'.repeat(32), size: 1234 };
    const metadata = toObjectMetadata(meta);
    expect(metadata).not.toBeNull();
    expect(fromObjectMetadata(metadata!)).toEqual(meta);
  });

  it('refuses metadata over 2 KB or holding an empty value (the caller keeps a .meta.json)', () => {
    const big: RawMeta = {
      ...provenance({ headers: { 'set-cookie': 'x'.repeat(USER_METADATA_LIMIT_BYTES) } }),
      sha256: 'ab'.repeat(32),
      size: 1,
    };
    expect(toObjectMetadata(big)).toBeNull();
    expect(toObjectMetadata({ ...big, headers: {}, linkTitle: '' })).toBeNull();
  });

  it('reads no provenance from an object of the older layout (no version key)', () => {
    expect(fromObjectMetadata(undefined)).toBeNull();
    expect(fromObjectMetadata({ 'content-type': 'text/html' })).toBeNull();
  });
});

describe('the raw archive on the embedded S3 stand-in', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let s3: S3Client;
  let archive: RawArchive;
  let calls: Record<string, number>;
  let seen: () => number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-archive-'));
    stores = await startEmbeddedStores(dir, BUCKET);
    s3 = makeS3Client({ region: 'us-east-1', s3Endpoint: stores.s3Endpoint, standIns: { s3: true } });
    archive = new RawArchive(s3, BUCKET);
    // The client's handlers are cached by these first calls (HeadObject, PutObject) before the counter is
    // added: it must still see every later call.
    await archive.put(
      new TextEncoder().encode('warm-up'),
      'html',
      provenance({ bodyId: 'warm-up', kind: 'listing' }),
    );
    ({ calls, seen } = countCalls(s3));
  });
  afterAll(async () => {
    s3?.destroy();
    await stores?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    for (const k of Object.keys(calls)) delete calls[k];
  });

  const allKeys = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map(
      (o) => o.Key,
    );

  it('archives a report page with one PutObject, provenance in the object, and never writes it again', async () => {
    // Arrange
    const bytes = new TextEncoder().encode('<html><body>年度报告 one</body></html>');
    // Act
    const first = await archive.put(bytes, 'html', provenance());
    const firstCalls = { ...calls };
    const again = await archive.put(bytes, 'html', provenance({ fetchedAt: '2026-12-07T08:00:00.000Z' }));
    // Assert
    expect(first).toEqual({
      key: `raw/360802/${sha256Hex(bytes)}.html`,
      sha256: sha256Hex(bytes),
      created: true,
    });
    expect(firstCalls).toEqual({ PutObjectCommand: 1 });
    expect(again.created).toBe(false);
    expect(await allKeys('raw/360802/')).toEqual([first.key]);
    const read = await archive.get(first.key);
    expect(Buffer.from(read.bytes).toString()).toBe(Buffer.from(bytes).toString());
    // The first fetch's provenance stays the object's (the repeat was refused with 412).
    expect(read.meta).toEqual({ ...provenance(), sha256: first.sha256, size: bytes.byteLength });
    expect(await archive.getMeta(first.key)).toEqual(read.meta);
  });

  it('counts the calls sent after the client cached its handlers (the counter is not silently skipped)', async () => {
    const before = seen();
    await archive.put(new TextEncoder().encode('counted'), 'html', provenance({ bodyId: 'warm-up' }));
    expect(seen() - before).toBe(1);
    expect(calls).toEqual({ PutObjectCommand: 1 });
  });

  it('archives a snapshot the caller knows to be new with one conditional PutObject, no HeadObject', async () => {
    const bytes = new TextEncoder().encode('<html><body>年报 listing, new</body></html>');
    const listing = provenance({ kind: 'listing', linkTitle: undefined, parentUrl: undefined });
    const first = await archive.put(bytes, 'html', listing, { probe: false });
    expect([first.created, { ...calls }]).toEqual([true, { PutObjectCommand: 1 }]);
    // Not new after all: S3 refuses the conditional write (412); one HeadObject finds the object's provenance
    // naming these bytes (a torn object would be written again), and nothing is written.
    const again = await archive.put(bytes, 'html', listing, { probe: false });
    expect([again.created, calls]).toEqual([false, { PutObjectCommand: 2, HeadObjectCommand: 1 }]);
  });

  it('asks a HeadObject before archiving a listing snapshot, and nothing more when it is there', async () => {
    const bytes = new TextEncoder().encode('<html><body>年报 listing</body></html>');
    const listing = provenance({ kind: 'listing', linkTitle: undefined, parentUrl: undefined });
    const first = await archive.put(bytes, 'html', listing);
    expect([first.created, { ...calls }]).toEqual([true, { HeadObjectCommand: 1, PutObjectCommand: 1 }]);
    const again = await archive.put(bytes, 'html', listing);
    expect([again.created, calls]).toEqual([false, { HeadObjectCommand: 2, PutObjectCommand: 1 }]);
  });

  it('reads objects archived in the older layout (provenance in <key>.meta.json beside them)', async () => {
    // Arrange: what the archive wrote before provenance moved into the object's metadata.
    const bytes = new TextEncoder().encode('%PDF-1.4 old');
    const meta: RawMeta = {
      ...provenance({ kind: 'attachment', contentType: 'application/pdf', charset: null }),
      sha256: sha256Hex(bytes),
      size: bytes.byteLength,
    };
    const key = RawArchive.keyFor('360803', meta.sha256, 'pdf');
    const body = JSON.stringify({ ...meta, bodyId: '360803' }, null, 2);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${key}.meta.json`, Body: body }));
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes, ContentType: 'application/pdf' }),
    );
    // Act
    const read = await archive.get(key);
    const again = await archive.put(bytes, 'pdf', { ...meta, bodyId: '360803' });
    // Assert
    expect(read.meta).toEqual({ ...meta, bodyId: '360803' });
    expect(await archive.getMeta(key)).toEqual(read.meta);
    expect(await archive.list('360803')).toEqual([key]);
    expect(again.created).toBe(false);
  });

  it('keeps provenance over 2 KB in a .meta.json beside the object, and reads it back', async () => {
    const bytes = new TextEncoder().encode('<html>big headers</html>');
    const meta = provenance({ bodyId: '360804', headers: { 'set-cookie': `s=${'x'.repeat(3000)}` } });
    const put = await archive.put(bytes, 'html', meta);
    expect(put.created).toBe(true);
    expect((await allKeys('raw/360804/')).sort()).toEqual([put.key, `${put.key}.meta.json`]);
    expect((await archive.get(put.key)).meta).toEqual({
      ...meta,
      sha256: put.sha256,
      size: bytes.byteLength,
    });
    expect((await archive.put(bytes, 'html', meta)).created).toBe(false);
    expect(await archive.list('360804')).toEqual([put.key]);
  });

  it('the stand-in refuses a conditional write to an existing key with 412, as S3 does', async () => {
    const put = (Key: string) =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x', IfNoneMatch: '*' }));
    await put('probe/a.txt');
    await expect(put('probe/a.txt')).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
  });

  it('names a missing object as an S3 failure of ours', async () => {
    await expect(archive.get('raw/360802/none.html')).rejects.toThrow(
      /^S3 GetObject raw\/360802\/none\.html failed/,
    );
    await expect(archive.getMeta('raw/360802/none.html')).rejects.toThrow(
      /^S3 HeadObject raw\/360802\/none\.html/,
    );
  });
});
