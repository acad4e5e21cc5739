import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { loadConfig } from '#shared/config.ts';
import { sha256Of } from '#shared/evidence/canonical-json.ts';
import { buildEvidencePackage, PACKAGE_PATHS, parseTarget } from '#shared/evidence/package-build.ts';
import { verifyPackage } from '#shared/evidence/package-verify.ts';
import { runCycle } from '#shared/local/cycle.ts';
import { type EmbeddedStores, startEmbeddedStores } from '#shared/local/embedded-services.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { RawArchive, type RawMeta, sha256Hex } from '#shared/store/archive.ts';
import { SYNC_COMPRESS_MAX_BYTES } from '#shared/store/archive-encoding.ts';
import { toObjectMetadata } from '#shared/store/archive-meta.ts';
import { makeS3Client } from '#shared/store/clients.ts';
import { startTestTsa, type TestTsa } from '#test/support/tsa-server.ts';

const BUCKET = 'archive-compression';
const SOFTWARE = { name: 'nianbao-watch', version: '0.1.0', userAgent: 'nianbao-watch/0.1 (test)' };

function provenance(over: Partial<Omit<RawMeta, 'sha256' | 'size'>> = {}): Omit<RawMeta, 'sha256' | 'size'> {
  return {
    bodyId: '360802',
    kind: 'detail',
    url: 'http://www.jzq.gov.cn/zwgk/zfxxgknb/201802/t20180210_2436578.html',
    finalUrl: 'http://www.jzq.gov.cn/zwgk/zfxxgknb/201802/t20180210_2436578.html',
    fetchedAt: '2026-11-30T08:00:00.000Z',
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    contentType: 'text/html; charset=utf-8',
    charset: 'utf-8',
    ...over,
  };
}

/** The object as S3 stores it: its body and Content-Encoding, not what the archive hands back. */
async function stored(s3: S3Client, bucket: string, key: string) {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { body: await res.Body!.transformToByteArray(), encoding: res.ContentEncoding };
}

/** A report page as a portal serves it: a seed report's text in county-CMS markup (GBK bytes are fine too). */
async function reportPage(): Promise<Uint8Array> {
  const text = await readFile(
    new URL('../../seeds/reports/003_4de4fcdb2784b386.txt', import.meta.url),
    'utf8',
  );
  const paragraphs = text
    .split('\n')
    .map((l) => `<p style="text-indent:2em">${l}</p>`)
    .join('\n');
  return new TextEncoder().encode(
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title></head><body>${paragraphs}</body></html>`,
  );
}

describe('compressed archive objects on the embedded S3 stand-in (s3rver)', () => {
  let dir: string;
  let stores: EmbeddedStores;
  let s3: S3Client;
  let archive: RawArchive;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-archive-br-'));
    stores = await startEmbeddedStores(dir, BUCKET);
    s3 = makeS3Client({ region: 'us-east-1', s3Endpoint: stores.s3Endpoint, standIns: { s3: true } });
    archive = new RawArchive(s3, BUCKET);
  });
  afterAll(async () => {
    s3?.destroy();
    await stores?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stores a report page Brotli-compressed under the sha256 of its original bytes, and reads those back', async () => {
    const bytes = await reportPage();
    const put = await archive.put(bytes, 'html', provenance());
    expect(put.key).toBe(`raw/360802/${sha256Hex(bytes)}.html`);
    const raw = await stored(s3, BUCKET, put.key);
    expect(raw.encoding).toBe('br');
    expect(raw.body.byteLength).toBeLessThan(bytes.byteLength / 2);
    const read = await archive.get(put.key);
    expect(Buffer.from(read.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(read.meta).toEqual({ ...provenance(), sha256: sha256Hex(bytes), size: bytes.byteLength });
    expect(await archive.getMeta(put.key)).toEqual(read.meta);
    expect((await archive.put(bytes, 'html', provenance())).created).toBe(false);
  });

  it('compresses a page larger than the on-thread limit on the thread pool, and reads it back byte for byte', async () => {
    // Each line differs, so the page is not one repeated block; it must exceed the on-thread limit.
    const lines = Array.from(
      { length: 12_000 },
      (_, i) => `<p>第${i}行：本年度共收到政府信息公开申请${i % 97}件。</p>`,
    );
    const bytes = new TextEncoder().encode(`<html><body>${lines.join('\n')}</body></html>`);
    expect(bytes.byteLength).toBeGreaterThan(SYNC_COMPRESS_MAX_BYTES);
    const put = await archive.put(bytes, 'html', provenance());
    const raw = await stored(s3, BUCKET, put.key);
    expect(raw.encoding).toBe('br');
    expect(raw.body.byteLength).toBeLessThan(bytes.byteLength / 2);
    const read = await archive.get(put.key);
    expect(Buffer.from(read.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('writes again an object a stand-in left without its provenance (killed mid-write), and reads it back', async () => {
    // s3rver writes an object's bytes, then its metadata: killed between the two, it leaves this.
    const bytes = new TextEncoder().encode('<html><body>2017年政府信息公开工作年度报告</body></html>');
    const key = RawArchive.keyFor('360802', sha256Hex(bytes), 'html');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: new Uint8Array() }));
    await expect(archive.get(key)).rejects.toThrow();
    const put = await archive.put(bytes, 'html', provenance());
    expect(put.key).toBe(key);
    const read = await archive.get(key);
    expect(Buffer.from(read.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(read.meta.sha256).toBe(sha256Hex(bytes));
  });

  it('stores a PDF as it came (compressed already), and reads it back', async () => {
    const bytes = new TextEncoder().encode(`%PDF-1.4\n${'stream x endstream\n'.repeat(50)}`);
    const meta = provenance({ kind: 'attachment', contentType: 'application/pdf', charset: null });
    const put = await archive.put(bytes, 'pdf', meta);
    const raw = await stored(s3, BUCKET, put.key);
    expect(raw.encoding).toBeUndefined();
    expect(Buffer.from(raw.body).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from((await archive.get(put.key)).bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('reads a page archived before compression (no Content-Encoding) byte for byte', async () => {
    const bytes = new TextEncoder().encode('<html><body>2019年政府信息公开工作年度报告 old</body></html>');
    const meta: RawMeta = {
      ...provenance({ bodyId: '360803' }),
      sha256: sha256Hex(bytes),
      size: bytes.byteLength,
    };
    const key = RawArchive.keyFor('360803', meta.sha256, 'html');
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: bytes,
        ContentType: 'text/html; charset=utf-8',
        Metadata: toObjectMetadata(meta)!,
      }),
    );
    const read = await archive.get(key);
    expect(Buffer.from(read.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(read.meta).toEqual(meta);
  });

  it('refuses a compressed object whose bytes are not the ones its provenance names', async () => {
    const bytes = new TextEncoder().encode('<html><body>原文</body></html>');
    const put = await archive.put(bytes, 'html', provenance({ bodyId: '360804' }));
    const other = await stored(
      s3,
      BUCKET,
      (await archive.put(await reportPage(), 'html', provenance({ bodyId: '360805' }))).key,
    );
    const head = await archive.getMeta(put.key);
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: put.key,
        Body: other.body,
        ContentEncoding: 'br',
        Metadata: toObjectMetadata(head)!,
      }),
    );
    await expect(archive.get(put.key)).rejects.toThrow(
      /decoded bytes are not the archived ones|cannot decode/,
    );
  });

  it('stores a parsed record compressed and reads it back as it was', async () => {
    const record = { year: 2018, originalText: '一、总体情况\n'.repeat(500), findings: [] };
    const key = await archive.putParsed('360802', 'ab'.repeat(32), record);
    expect((await stored(s3, BUCKET, key)).encoding).toBe('br');
    expect(await archive.getJson(key)).toEqual(record);
  });
});

describe('compressed objects through an evidence package (demo cycle)', () => {
  let dir: string;
  let portal: DemoPortal;
  let rt: Runtime;
  let tsa: TestTsa;
  let s3: S3Client;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-archive-br-pkg-'));
    tsa = await startTestTsa();
    portal = await startDemoPortal({ sites: ['000'] });
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_TODAY: '2026-11-24',
      NIANBAO_TSA_URL: tsa.url,
    });
    rt = await startRuntime({ config, originMap: portal.originMap });
    await runCycle(rt, { force: true });
    const { s3: s3Endpoint } = JSON.parse(await readFile(join(dir, 'stores.json'), 'utf8')) as { s3: string };
    s3 = makeS3Client({ region: config.AWS_REGION, s3Endpoint, standIns: { s3: true } });
  });
  afterAll(async () => {
    s3?.destroy();
    await rt?.close();
    await portal?.close();
    await tsa?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Response records of the package's WARC: archive key and payload sha256. */
  async function warcResponses(bytes: Uint8Array) {
    const files = unzipSync(bytes);
    const out: Array<{ key: string; sha256: string }> = [];
    for await (const record of new WARCParser([files[PACKAGE_PATHS.warc]!])) {
      const payload = await record.readFully(false);
      if (record.warcType === 'response')
        out.push({ key: record.warcHeader('WARC-Nianbao-Archive-Key') ?? '', sha256: sha256Of(payload) });
    }
    return out;
  }

  it('puts the original bytes of compressed pages in the WARC, and of an uncompressed one stored before', async () => {
    const report = await rt.ctx.repo.getReport('360802', 2017);
    expect(report).toBeDefined();
    const bucket = rt.ctx.archive.bucket;
    const page = await stored(s3, bucket, report!.rawKey);
    expect(page.encoding).toBe('br');

    const pkg = await buildEvidencePackage(rt.ctx, parseTarget('360802/2017'), SOFTWARE);
    const responses = await warcResponses(pkg.bytes);
    expect(responses.map((r) => r.key)).toContain(report!.rawKey);
    for (const r of responses) {
      const { meta } = await rt.ctx.archive.get(r.key);
      expect(r.sha256).toBe(meta.sha256);
      expect((await stored(s3, bucket, r.key)).encoding).toBe('br');
    }
    expect((await verifyPackage(pkg.bytes, tsa.certDer)).ok).toBe(true);

    // The same page as an archive before compression held it: the original bytes, no Content-Encoding.
    const { bytes, meta } = await rt.ctx.archive.get(report!.rawKey);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: report!.rawKey,
        Body: bytes,
        ContentType: meta.contentType ?? 'text/html',
        Metadata: toObjectMetadata(meta)!,
      }),
    );
    expect((await stored(s3, bucket, report!.rawKey)).encoding).toBeUndefined();
    const again = await buildEvidencePackage(rt.ctx, parseTarget('360802/2017'), SOFTWARE);
    const page2 = (await warcResponses(again.bytes)).find((r) => r.key === report!.rawKey);
    expect(page2?.sha256).toBe(report!.sha256);
    expect((await verifyPackage(again.bytes, tsa.certDer)).ok).toBe(true);
  });
});
