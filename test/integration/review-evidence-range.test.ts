import { createHash } from 'node:crypto';
import { request } from 'node:http';
import fxp from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, serveApi } from '#shared/api/serve.ts';
import { type AlertsWorld, evidenceMeta, seedEvidenceReport, startAlertsWorld } from './alerts-support.ts';

/** A raw HTTP/1.1 request, so several Range headers and HEAD can be sent as a hostile client would. */
function raw(url: string, method: string, headers: [string, string][]) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    const u = new URL(url);
    const flat: string[] = ['Host', u.host];
    for (const [k, v] of headers) flat.push(k, v);
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: flat as never },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * A reviewer's attack on the raw evidence download's byte ranges (RFC 9110 §14), kept as a test: a suffix
 * longer than the object, positions that are not digits, HEAD's Content-Length, an uncacheable 416, 304 on
 * If-None-Match, exact slices, and the same through the Lambda adapter; also the feeds' self links.
 */
describe('GET /evidence/:id/raw byte ranges, as a download manager and a hostile client ask', () => {
  let w: AlertsWorld;
  let api: ApiServer;
  let url = '';
  let whole: Buffer;
  let sha = '';
  let snapKey = '';

  beforeAll(async () => {
    w = await startAlertsWorld({}, { stages: [] });
    api = await serveApi(w.rt.ctx, { publicUrl: () => 'http://127.0.0.1' });
    // A 100-byte archived original (the page), and a second object of the same body (a listing snapshot).
    const bytes = new TextEncoder().encode(`<html>${'年'.repeat(28)}</html>`.padEnd(100, 'x'));
    const meta = evidenceMeta();
    const { sha256 } = await seedEvidenceReport(w, bytes, (finding) => [
      { ...finding, rule: 'arith.total', message: { zh: '合计不符', en: 'total' } },
      { ...finding, rule: 'arith.diff', message: { zh: '差', en: 'diff' } },
    ]);
    const snap = await w.rt.ctx.archive.put(new TextEncoder().encode('listing snapshot'), 'html', meta);
    snapKey = snap.key;
    await w.rt.ctx.archive.put(new TextEncoder().encode('another body'), 'html', evidenceMeta('2112'));
    url = `${api.url}/evidence/360802:2025:arith.sum:0/raw`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    whole = Buffer.from(await res.arrayBuffer());
    sha = sha256;
    expect(createHash('sha256').update(whole).digest('hex')).toBe(sha);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await w?.close();
  });

  it('a suffix range longer than the object is the whole object (RFC 9110 §14.1.3), not 416', async () => {
    // A ZIP/DOCX reader asks for the last 64 KiB + 22 bytes to find the central directory: for any
    // attachment smaller than that, the answer must be 206 with all of it.
    const r = await raw(url, 'GET', [['Range', `bytes=-${whole.length + 44}`]]);
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 0-${whole.length - 1}/${whole.length}`);
    expect(r.body.equals(whole)).toBe(true);
  });

  it('a range whose numbers are not digits is not served as some other range', async () => {
    // `1e1` is not 1*DIGIT (RFC 9110 §14.1.2): the header is invalid and is ignored (200 whole) or refused
    // (416); range-parser's parseInt reads it as 1 and serves bytes 1-20 the client never asked for.
    for (const spec of ['bytes=1e1-20', 'bytes=0x10-20', 'bytes=+5-9', 'bytes=1x-5']) {
      const r = await raw(url, 'GET', [['Range', spec]]);
      expect([200, 416], `${spec} -> ${r.status} ${r.headers['content-range']}`).toContain(r.status);
    }
  });

  it('HEAD tells the size (Content-Length) as GET does, so a download manager can split the download', async () => {
    const head = await raw(url, 'HEAD', []);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(whole.length));
    const part = await raw(url, 'HEAD', [['Range', 'bytes=0-9']]);
    expect(part.status).toBe(206);
    expect(part.headers['content-length']).toBe('10');
  });

  it('a 416 is not stored by a shared cache for five minutes (it would answer the plain download too)', async () => {
    const r = await raw(url, 'GET', [['Range', `bytes=${whole.length}-`]]);
    expect(r.status).toBe(416);
    expect(String(r.headers['cache-control'] ?? '')).not.toMatch(/public|max-age=[1-9]/);
  });

  it('a revalidation with the ETag is a 304, as the other public reads answer', async () => {
    const r = await raw(url, 'GET', [['If-None-Match', `"${sha}"`]]);
    expect(r.status).toBe(304);
  });

  it('every single range is the exact slice of the whole (sha256 checked), with its headers', async () => {
    const n = whole.length;
    for (const [spec, a, b] of [
      ['bytes=0-0', 0, 0],
      ['bytes=0-', 0, n - 1],
      ['bytes=-1', n - 1, n - 1],
      [`bytes=-${n}`, 0, n - 1],
      ['bytes=7-99999999999999999999', 7, n - 1],
      ['bytes=3-3,4-9', 3, 9],
      ['bytes=10-19,15-25', 10, 25],
      [`bytes=${n - 1}-`, n - 1, n - 1],
    ] as const) {
      const r = await raw(url, 'GET', [
        ['Range', spec],
        ['If-Range', `"${sha}"`],
      ]);
      expect(r.status, spec).toBe(206);
      expect(r.headers['content-range'], spec).toBe(`bytes ${a}-${b}/${n}`);
      expect(r.headers['content-length'], spec).toBe(String(b - a + 1));
      expect(r.headers.etag).toBe(`"${sha}"`);
      expect(r.body.equals(whole.subarray(a, b + 1)), spec).toBe(true);
    }
    const parts = [];
    for (let i = 0; i < n; i += 37)
      parts.push((await raw(url, 'GET', [['Range', `bytes=${i}-${Math.min(i + 36, n - 1)}`]])).body);
    expect(createHash('sha256').update(Buffer.concat(parts)).digest('hex')).toBe(sha);
    for (const h of [
      [['Range', 'bytes=0-1,50-60']],
      [
        ['Range', 'bytes=0-9'],
        ['If-Range', `W/"${sha}"`],
      ],
      [
        ['Range', 'bytes=0-9'],
        ['If-Range', 'Tue, 01 Dec 2026 07:00:00 GMT'],
      ],
    ] as [string, string][][]) {
      const r = await raw(url, 'GET', h);
      expect(r.status).toBe(200);
      expect(r.body.equals(whole)).toBe(true);
      expect(r.headers['content-range']).toBeUndefined();
    }
    expect(
      (await raw(`${url}?key=${encodeURIComponent('raw/2112/x.html')}`, 'GET', [['Range', 'bytes=0-1']]))
        .status,
    ).toBe(404);
    expect((await raw(`${api.url}/evidence/nope/raw`, 'GET', [['Range', 'bytes=0-1']])).status).toBe(404);
    expect(
      (
        await raw(`${url}?key=${encodeURIComponent(snapKey)}`, 'GET', [['Range', 'bytes=0-6']])
      ).body.toString(),
    ).toBe('listing');
  });

  it('feeds: each page self link / feed_url is its own URL and the XML parses', async () => {
    const first = await (await fetch(`${api.url}/api/feeds/json?scope=*&limit=1`)).json();
    expect(first.feed_url).toBe('http://127.0.0.1/api/feeds/json?scope=*&limit=1');
    const cur = new URL(first.next_url).searchParams.get('cursor');
    const second = await (await fetch(`${api.url}/api/feeds/json?scope=*&limit=1&cursor=${cur}`)).json();
    expect(second.feed_url).toBe(first.next_url);
    for (const f of ['rss', 'atom']) {
      const t = await (await fetch(`${api.url}/api/feeds/${f}?scope=*&limit=1&cursor=${cur}`)).text();
      expect(fxp.validate(t)).toBe(true);
      expect(t).toContain(`href="http://127.0.0.1/api/feeds/${f}?scope=*&amp;limit=1&amp;cursor=${cur}"`);
    }
    for (const q of ['cursor=', 'cursor=%21%21', 'limit=1&cursor=a&cursor=b', 'limit=']) {
      expect((await fetch(`${api.url}/api/feeds/atom?scope=*&${q}`)).status, q).toBe(400);
    }
  });

  it('through the Lambda adapter (hono/aws-lambda, payload v2) a range is 206 with the exact slice', async () => {
    const { handle } = await import('hono/aws-lambda');
    const { createApp } = await import('#shared/api/app.ts');
    const h = handle(createApp(w.rt.ctx, { publicUrl: 'https://x.example' }));
    const ev = (method: string, headers: Record<string, string>) => ({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/evidence/360802:2025:arith.sum:0/raw',
      rawQueryString: '',
      headers: { host: 'x.example', ...headers },
      requestContext: {
        http: {
          method,
          path: '/evidence/360802:2025:arith.sum:0/raw',
          protocol: 'HTTP/1.1',
          sourceIp: '1.2.3.4',
          userAgent: 'x',
        },
        domainName: 'x.example',
        requestId: 'r',
        routeKey: '$default',
        stage: '$default',
        accountId: '1',
        apiId: 'a',
        domainPrefix: 'x',
        time: '',
        timeEpoch: 0,
      },
      isBase64Encoded: false,
    });
    for (const [m, hd] of [
      ['GET', { range: 'bytes=10-19' }],
      ['GET', { range: 'bytes=0-1, bytes=-5' }],
      ['HEAD', {}],
      ['GET', { range: 'bytes=999-' }],
    ] as const) {
      const r = (await h(ev(m, hd) as never, {} as never)) as {
        statusCode: number;
        headers: Record<string, string>;
        body: string;
        isBase64Encoded: boolean;
      };
      const body = r.isBase64Encoded ? Buffer.from(r.body, 'base64') : Buffer.from(r.body ?? '');
      if ('range' in hd && hd.range === 'bytes=10-19') {
        expect(r.statusCode).toBe(206);
        expect(r.headers['content-range']).toBe(`bytes 10-19/${whole.length}`);
        expect(body.equals(whole.subarray(10, 20))).toBe(true);
      }
      if ('range' in hd && hd.range === 'bytes=999-') expect(r.statusCode).toBe(416);
    }
  });
});
