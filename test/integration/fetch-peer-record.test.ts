import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressProxy } from '#shared/crawl/egress-proxy.ts';
import { FETCH_DEFAULTS, HttpFetcher } from '#shared/crawl/fetcher.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import type { RawMeta } from '#shared/store/archive.ts';
import { fromObjectMetadata, toObjectMetadata } from '#shared/store/archive-meta.ts';
import { startForwardProxy } from '#test/support/forward-proxy.ts';
import { type Site, startSite } from '#test/support/site-server.ts';
import {
  startTlsFront,
  type TestCertificate,
  type TlsFront,
  testServerCertificate,
} from '#test/support/tls-site.ts';

const page = (body: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(body);
};

function fetcherFor(origins: string[], ca?: string, proxyUrl?: string): HttpFetcher {
  return new HttpFetcher({
    userAgent: 'nianbao-watch-test (+https://example.org)',
    timeoutMs: 30_000,
    ...FETCH_DEFAULTS,
    retries: 0,
    gate: new HostGate(0, 4),
    allowPrivateOrigins: origins,
    robots: false,
    ...(ca ? { ca } : {}),
    ...(proxyUrl ? { egressProxy: egressProxy(proxyUrl) } : {}),
  });
}

describe('the fetcher records who answered (peer address, port, TLS)', () => {
  let plain: Site;
  let target: Site;
  let cert: TestCertificate;
  let front: TlsFront;
  let fetcher: HttpFetcher;
  beforeAll(async () => {
    plain = await startSite((req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { location: `${target.origin}/landing` });
        res.end();
      } else page('<p>plain</p>')(req, res);
    });
    target = await startSite(page('<p>landing</p>'));
    cert = await testServerCertificate();
    front = await startTlsFront(plain.origin, cert);
    fetcher = fetcherFor([plain.origin, target.origin, front.origin], cert.certPem);
  });
  afterAll(async () => {
    await fetcher?.close();
    await front?.close();
    await plain?.close();
    await target?.close();
  });

  it('plain http: 127.0.0.1 and the port connected to, no TLS', async () => {
    const res = await fetcher.fetch(`${plain.origin}/page`);
    expect(res.peer).toEqual({ address: '127.0.0.1', port: Number(new URL(plain.origin).port), tls: null });
  });

  it("a redirect: the final hop's peer, not the first's", async () => {
    const res = await fetcher.fetch(`${plain.origin}/moved`);
    expect(res.finalUrl).toBe(`${target.origin}/landing`);
    expect(res.peer?.port).toBe(Number(new URL(target.origin).port));
  });

  it("https: the negotiated protocol and cipher, and the server certificate's fingerprint, names and dates", async () => {
    const res = await fetcher.fetch(`${front.origin}/page`);
    const x509 = new X509Certificate(cert.der);
    expect(res.status).toBe(200);
    expect(res.peer).toMatchObject({
      address: '127.0.0.1',
      port: Number(new URL(front.origin).port),
      tls: {
        protocol: 'TLSv1.3',
        cipher: expect.stringMatching(/^TLS_/),
        certificate: {
          sha256: x509.fingerprint256.replaceAll(':', '').toLowerCase(),
          subject: 'nianbao test portal',
          san: ['DNS:localhost', 'IP Address:127.0.0.1'],
          issuer: 'nianbao test portal',
          validFrom: '2020-01-01T00:00:00Z',
          validTo: '2040-01-01T00:00:00Z',
        },
      },
    });
  });

  it('a kept-alive https connection is described again for the next response', async () => {
    const first = await fetcher.fetch(`${front.origin}/a`);
    const second = await fetcher.fetch(`${front.origin}/b`);
    expect(second.peer).toEqual(first.peer);
  });

  it("through the egress proxy: the proxy's address, marked so, and the portal's TLS session inside the tunnel", async () => {
    const proxy = await startForwardProxy();
    const proxied = fetcherFor([front.origin], cert.certPem, proxy.url);
    try {
      const res = await proxied.fetch(`${front.origin}/page`);
      expect(proxy.tunnels).toEqual([{ target: new URL(front.origin).host, ok: true }]);
      expect(res.peer).toMatchObject({
        address: '127.0.0.1',
        port: Number(new URL(proxy.url).port),
        via: 'proxy',
        tls: { protocol: 'TLSv1.3', certificate: { subject: 'nianbao test portal' } },
      });
    } finally {
      await proxied.close();
      await proxy.close();
    }
  });

  it('the test certificate is trusted only where the fetcher is told to: without it, https fails', async () => {
    const strict = fetcherFor([front.origin]);
    try {
      await expect(strict.fetch(`${front.origin}/page`)).rejects.toThrow();
    } finally {
      await strict.close();
    }
  });

  it("the record travels in the object's metadata, well under S3's 2 KB, and reads back", async () => {
    const res = await fetcher.fetch(`${front.origin}/page`);
    const meta: RawMeta = {
      bodyId: '360802',
      kind: 'detail',
      url: res.url,
      finalUrl: res.finalUrl,
      fetchedFrom: res.fetchedFrom,
      fetchedAt: res.fetchedAt,
      status: res.status,
      headers: res.headers,
      contentType: res.contentType,
      charset: 'utf-8',
      sha256: 'a'.repeat(64),
      size: res.bytes.byteLength,
      peer: res.peer,
    };
    const metadata = toObjectMetadata(meta);
    expect(metadata).not.toBeNull();
    expect(fromObjectMetadata(metadata ?? {})).toEqual(meta);
  });
});
