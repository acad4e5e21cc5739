import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { loadConfig } from '#shared/config.ts';
import { FETCH_DEFAULTS, HttpFetcher } from '#shared/crawl/fetcher.ts';
import { OriginMap } from '#shared/crawl/origin-map.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import { buildEvidencePackage, PACKAGE_PATHS, parseTarget } from '#shared/evidence/package-build.ts';
import { runningStores } from '#shared/local/running-stores.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { makeS3Client } from '#shared/store/clients.ts';
import { crawlOnce } from '#test/support/crawl-runtime.ts';
import {
  startTlsFront,
  type TestCertificate,
  type TlsFront,
  testServerCertificate,
} from '#test/support/tls-site.ts';

const SOFTWARE = { name: 'nianbao-watch', version: '0.1.0', userAgent: 'nianbao-watch/0.1 (test)' };
const BODY = '360802';

async function statementOf(rt: Runtime): Promise<{ statement: string; objects: Array<{ peer: unknown }> }> {
  const pkg = await buildEvidencePackage(rt.ctx, parseTarget(`${BODY}/2017`), SOFTWARE);
  const files = unzipSync(pkg.bytes);
  const text = (path: string) => new TextDecoder().decode(files[path]);
  return { statement: text(PACKAGE_PATHS.statement), objects: JSON.parse(text(PACKAGE_PATHS.objects)) };
}

describe("the 取证说明 gives each copy's resolved address and TLS session", () => {
  let dir: string;
  let portal: DemoPortal;
  let cert: TestCertificate;
  let front: TlsFront;
  let rt: Runtime;
  let s3: S3Client;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-peer-'));
    cert = await testServerCertificate();
    portal = await startDemoPortal({ sites: ['000'] });
    const site = portal.sites[0];
    if (!site) throw new Error('no demo site');
    // The demo portal's site for the body, served over https by a TLS front with the test certificate.
    front = await startTlsFront(site.localOrigin, cert);
    const originMap = { [site.origin]: front.origin };
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_TODAY: '2026-11-24',
    });
    rt = await startRuntime({ config, originMap });
    // The runtime's own fetcher trusts Node's CA list only; this one trusts the test certificate, nothing else.
    await rt.ctx.fetcher.close();
    rt.ctx.fetcher = new HttpFetcher({
      userAgent: config.NIANBAO_USER_AGENT,
      timeoutMs: config.NIANBAO_FETCH_TIMEOUT_MS,
      ...FETCH_DEFAULTS,
      gate: new HostGate(0, 2),
      allowPrivateOrigins: [front.origin],
      originMap: new OriginMap(originMap),
      ca: cert.certPem,
    });
    await crawlOnce(rt, [BODY]);
    const stores = await runningStores(rt.dataDir);
    if (!stores) throw new Error('the runtime started no stores');
    s3 = makeS3Client({ region: config.AWS_REGION, s3Endpoint: stores.s3, standIns: { s3: true } });
  });
  afterAll(async () => {
    s3?.destroy();
    await rt?.close();
    await front?.close();
    await portal?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a copy fetched over https: peer 127.0.0.1 and port, TLS protocol, cipher and certificate fingerprint', async () => {
    const { statement, objects } = await statementOf(rt);
    const port = new URL(front.origin).port;
    const fingerprint = new X509Certificate(cert.der).fingerprint256.replaceAll(':', '').toLowerCase();
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects)
      expect(o.peer).toMatchObject({
        address: '127.0.0.1',
        port: Number(port),
        tls: { protocol: 'TLSv1.3', certificate: { sha256: fingerprint } },
      });
    expect(statement).toContain('## 连接记录 connection: resolved address and TLS, per copy');
    expect(statement).toMatch(
      new RegExp(
        `- 报告页面 \`[0-9a-f]{16}…\`: 对端地址 peer 127\\.0\\.0\\.1:${port}; TLS TLSv1\\.3, cipher TLS_`,
      ),
    );
    expect(statement).toContain(
      `server certificate SHA-256 \`${fingerprint}\`, subject CN nianbao test portal`,
    );
    expect(statement).not.toContain('未记录 not recorded');
    // The record fits in the objects' own metadata (S3's 2 KB): no .meta.json was needed.
    for (const key of await rt.ctx.archive.list(BODY))
      expect(await rt.ctx.archive.exists(`${key}.meta.json`)).toBe(false);
  });

  it('objects of the older layout (provenance in a .meta.json, no peer) build a package saying "not recorded"', async () => {
    // Arrange: every archived object of the body rewritten as the archive kept it before it recorded peers.
    const bucket = rt.ctx.archive.bucket;
    const keys = await rt.ctx.archive.list(BODY);
    for (const key of keys) {
      const { peer: _peer, ...old } = await rt.ctx.archive.getMeta(key);
      // The original bytes, uncompressed: the archive compressed nothing before.
      const { bytes } = await rt.ctx.archive.get(key);
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: `${key}.meta.json`, Body: JSON.stringify(old) }),
      );
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
      expect((await rt.ctx.archive.getMeta(key)).peer).toBeUndefined();
    }
    // Act
    const { statement, objects } = await statementOf(rt);
    // Assert
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(o.peer).toBeNull();
    expect(statement).toMatch(/- 报告页面 `[0-9a-f]{16}…`: 对端地址与 TLS 未记录 not recorded/);
    expect(statement).not.toContain('TLS TLSv1.3');
  });
});
