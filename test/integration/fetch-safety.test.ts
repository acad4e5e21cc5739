import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { brotliCompressSync, createGzip, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FETCH_DEFAULTS, HttpFetcher } from '#shared/crawl/fetcher.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import type { LookupAll } from '#shared/crawl/ssrf.ts';
import { FetchError, UnsafeTargetError } from '#shared/errors.ts';
import { type Site, type SiteHandler, sendPage, startSite } from '#test/support/site-server.ts';

const HTML =
  '<html><head><meta charset="utf-8"></head><body>吉州区2017年政府信息公开工作年度报告</body></html>';
const BOMB_BYTES = 100 * 1024 * 1024;

/** gzip of `size` zero bytes, made a megabyte at a time (never 100 MB at once in the test either). */
async function gzipOfZeros(size: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gz.on('data', (c: Buffer) => parts.push(c));
  const mb = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < size; written += mb.length) if (!gz.write(mb)) await once(gz, 'drain');
  gz.end();
  await once(gz, 'end');
  return Buffer.concat(parts);
}

/** Names the fetcher resolves through this table only: `portal.test` is a name that resolves to loopback. */
const table: LookupAll = (host, _options, callback) => {
  const answers: Record<string, string> = { 'portal.test': '127.0.0.1', 'rebind.test': '10.0.0.5' };
  const address = answers[host];
  if (!address) return callback(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
  callback(null, [{ address, family: 4 }]);
};

describe('HttpFetcher safety: SSRF guard and Content-Encoding', () => {
  /** The portal: an allowed loopback origin. */
  let portal: Site;
  /** Another loopback service the portal's links point at: it must never be reached. */
  let inside: Site;
  let bomb: Buffer;
  /** The held-open gzip response: settles when the client hangs up (it never ends by itself). */
  let hungUp: Promise<void>;
  let markHungUp: () => void;
  hungUp = new Promise<void>((r) => {
    markHungUp = r;
  });
  let fetcher: HttpFetcher;

  beforeAll(async () => {
    bomb = await gzipOfZeros(BOMB_BYTES);
    const firstPart = await gzipOfZeros(4 * 1024 * 1024); // a complete gzip: its end is never sent below
    // Dual-stack where the machine has IPv6, so [::1] and [::ffff:127.0.0.1] would reach it too.
    const secret: SiteHandler = (req, res) => sendPage(req, res, Buffer.from('secret'), 'text/plain');
    inside = await startSite(secret, { listenHost: '::' }).catch(() => startSite(secret));
    const port = new URL(inside.origin).port;
    const encoded = (res: ServerResponse, coding: string, bytes: Buffer): void => {
      res
        .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Encoding': coding })
        .end(bytes);
    };
    portal = await startSite((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const html = Buffer.from(HTML);
      switch (url.pathname) {
        case '/robots.txt':
          return sendPage(req, res, Buffer.from('User-agent: *\nDisallow: /private/\n'), 'text/plain');
        case '/redirect': {
          const to = (url.searchParams.get('to') ?? '').replace('PORT', port);
          return void res.writeHead(302, { Location: to }).end();
        }
        case '/gzip':
          return encoded(res, 'gzip', gzipSync(html));
        case '/x-gzip':
          return encoded(res, 'x-gzip', gzipSync(html));
        case '/deflate':
          return encoded(res, 'deflate', deflateSync(html));
        case '/br':
          return encoded(res, 'br', brotliCompressSync(html));
        case '/gzip-br':
          return encoded(res, 'gzip, br', brotliCompressSync(gzipSync(html)));
        case '/compress':
          return encoded(res, 'compress', html);
        case '/corrupt':
          return encoded(res, 'gzip', Buffer.from('not gzip at all'));
        case '/bomb':
          return encoded(res, 'gzip', bomb);
        case '/held': {
          // 4 MB of zeros, gzipped, sent at once; the response then stays open until the client leaves.
          res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' });
          res.write(firstPart.subarray(0, firstPart.length - 8));
          res.once('close', () => markHungUp());
          return;
        }
        default:
          return sendPage(req, res, html, 'text/html; charset=utf-8');
      }
    });
    fetcher = new HttpFetcher({
      userAgent: 'nianbao-watch-test (+https://example.org)',
      timeoutMs: 30_000,
      ...FETCH_DEFAULTS,
      retries: 0,
      gate: new HostGate(0, 4),
      allowPrivateOrigins: [portal.origin],
      lookup: table,
    });
  });
  afterAll(async () => {
    await fetcher?.close();
    await portal?.close();
    await inside?.close();
  });

  it('fetches an allowed loopback origin, robots.txt included', async () => {
    const res = await fetcher.fetch(`${portal.origin}/xxgk/index.html`);
    expect(res).toMatchObject({ status: 200, finalUrl: `${portal.origin}/xxgk/index.html` });
    expect(Buffer.from(res.bytes).toString('utf8')).toBe(HTML);
    await expect(fetcher.fetch(`${portal.origin}/private/a.html`)).rejects.toMatchObject({
      errorClass: 'robots-denied',
    });
    expect(portal.requests.filter((r) => r.path === '/robots.txt')).toHaveLength(1);
  });

  const FORMS = [
    ['http://127.0.0.1:PORT/', 'loopback'],
    ['http://2130706433:PORT/', 'loopback'],
    ['http://0x7f.1:PORT/', 'loopback'],
    ['http://0177.0.0.1:PORT/', 'loopback'],
    ['http://127.1:PORT/', 'loopback'],
    ['http://[::1]:PORT/', 'loopback'],
    ['http://[::ffff:127.0.0.1]:PORT/', 'loopback (IPv4 127.0.0.1 inside ipv4Mapped)'],
    ['http://localhost:PORT/', 'loopback (a localhost name, RFC 6761)'],
    ['http://portal.test:PORT/', 'loopback'],
    ['http://rebind.test/', 'private (RFC 1918)'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://10.0.0.5/', 'private (RFC 1918)'],
  ] as const;

  it.each(FORMS)('refuses a redirect to %s before connecting to it', async (target, reason) => {
    const error = await fetcher
      .fetch(`${portal.origin}/redirect?to=${encodeURIComponent(target)}`)
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnsafeTargetError);
    expect(error).toMatchObject({ errorClass: 'unsafe-target', retryable: false, reason });
    expect(error.message).toMatch(/^refused http:\/\/.+ is /);
    // Neither the page nor its robots.txt was asked of the service behind the link.
    expect(inside.requests).toEqual([]);
  });

  it('refuses a name that resolves to loopback when asked directly, at connection time', async () => {
    const port = new URL(inside.origin).port;
    await expect(fetcher.fetch(`http://portal.test:${port}/xxgk/`)).rejects.toMatchObject({
      errorClass: 'unsafe-target',
      message: `refused http://portal.test:${port}/xxgk/: portal.test (127.0.0.1) is loopback`,
    });
    await expect(fetcher.fetch(`http://localhost:${port}/`)).rejects.toBeInstanceOf(UnsafeTargetError);
    expect(inside.requests).toEqual([]);
  });

  it('refuses a different port of an allowed host', async () => {
    const other = `http://127.0.0.1:${new URL(inside.origin).port}/`;
    await expect(fetcher.fetch(other)).rejects.toBeInstanceOf(UnsafeTargetError);
    expect(inside.requests).toEqual([]);
  });

  it.each(['gzip', 'x-gzip', 'deflate', 'br', 'gzip-br'])(
    'decodes a %s body it did not ask for, keeping the header and saying so',
    async (path) => {
      const res = await fetcher.fetch(`${portal.origin}/${path}`);
      const coding = path === 'gzip-br' ? 'gzip, br' : path;
      expect(Buffer.from(res.bytes).toString('utf8')).toBe(HTML);
      expect(res.decodedFrom).toBe(coding);
      expect(res.headers).toMatchObject({ 'content-encoding': coding, 'x-nianbao-decoded-from': coding });
    },
  );

  it('names an encoding it cannot decode, and bytes that do not decode', async () => {
    await expect(fetcher.fetch(`${portal.origin}/compress`)).rejects.toMatchObject({
      errorClass: 'content-encoding',
      message: `unsupported Content-Encoding "compress" from ${portal.origin}/compress`,
    });
    const corrupt = await fetcher.fetch(`${portal.origin}/corrupt`).catch((e) => e);
    expect(corrupt).toBeInstanceOf(FetchError);
    expect(corrupt).toMatchObject({ errorClass: 'content-encoding' });
  });

  it('stops a gzip bomb (100 MB decoded) at the 20 MB cap', async () => {
    const before = process.memoryUsage().rss;
    const error = await fetcher.fetch(`${portal.origin}/bomb`).catch((e) => e);
    const grown = process.memoryUsage().rss - before;
    // Diagnostic only: memory depends on the collector's timing.
    console.log(`gzip bomb: ${bomb.length} bytes on the wire, RSS grew ${(grown / 2 ** 20).toFixed(1)} MiB`);
    expect(error).toMatchObject({
      errorClass: 'too-large',
      message: `response exceeds the ${FETCH_DEFAULTS.maxBytes}-byte cap (decoded from gzip)`,
    });
    expect(grown).toBeLessThan(2 ** 30);
  });

  it('hangs up at the cap instead of reading the rest of the body', async () => {
    const small = new HttpFetcher({
      userAgent: 'nianbao-watch-test (+https://example.org)',
      timeoutMs: 30_000,
      ...FETCH_DEFAULTS,
      maxBytes: 1024 * 1024,
      retries: 0,
      gate: new HostGate(0, 1),
      allowPrivateOrigins: [portal.origin],
      robots: false,
    });
    // The server never ends this response: only a client that stops at the cap gets an answer.
    await expect(small.fetch(`${portal.origin}/held`)).rejects.toMatchObject({ errorClass: 'too-large' });
    // Settles only because the client closed the connection; a client still reading would hang here.
    await hungUp;
    await small.close();
  });
});
