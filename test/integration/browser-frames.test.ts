import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '#shared/crawl/browser.ts';
import { FETCH_DEFAULTS } from '#shared/crawl/fetcher.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import { errorClass, InfrastructureError, UnsafeTargetError } from '#shared/errors.ts';
import { listingPageHtml, type Site, sendPage, startSite } from '#test/support/site-server.ts';

const REPORT_TITLE = '吉州区2017年政府信息公开工作年度报告';

/**
 * An HTML page of `size` bytes, mostly spaces, gzipped a megabyte at a time. Spaces because Chromium
 * takes data only as fast as its parser eats it: a page of letters trickles in at a few MB/s and meets the
 * render timeout first, while whitespace arrives at network speed, the bomb that would otherwise be read
 * whole.
 */
async function gzipOfPage(size: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gz.on('data', (c: Buffer) => parts.push(c));
  gz.write('<!DOCTYPE html><html><body><p>');
  const mb = Buffer.alloc(1024 * 1024, 0x20);
  for (let written = 0; written < size; written += mb.length) if (!gz.write(mb)) await once(gz, 'drain');
  gz.end('</p></body></html>');
  await once(gz, 'end');
  return Buffer.concat(parts);
}

/** A loopback service nobody may reach: counts TCP connections, not just HTTP requests. */
async function startInside(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((_req, res) => res.end('secret'));
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections };
}

/**
 * Chromium rendering with frames, the SSRF guard and the byte cap. Real Chromium, real loopback servers:
 * the portal's origin (and a second, cross-site one) allowed, another loopback port not.
 */
describe('BrowserPool: frames, unsafe targets, caps', () => {
  let portal: Site;
  /** Another site the portal frames (allowed, but not the portal's site: `localhost` vs `127.0.0.1`). */
  let widget: Site;
  let inside: Awaited<ReturnType<typeof startInside>>;
  let bomb: Buffer;
  let pool: BrowserPool;

  beforeAll(async () => {
    bomb = await gzipOfPage(100 * 1024 * 1024);
    inside = await startInside();
    const insideOrigin = `http://127.0.0.1:${inside.port}`;
    widget = await startSite(
      (req, res) => sendPage(req, res, Buffer.from('<html><body><p>widget</p></body></html>'), 'text/html'),
      { host: 'localhost' },
    );
    portal = await startSite((req, res) => {
      const html = (s: string) => sendPage(req, res, Buffer.from(s), 'text/html; charset=utf-8');
      switch (req.url) {
        case '/framed.html':
          return html(`<html><body><h1>年报</h1><iframe src="/list.html"></iframe>
<iframe src="${widget.origin}/w.html"></iframe></body></html>`);
        case '/list.html':
          return html(
            listingPageHtml('年报', [{ href: '/t20180210_1.html', title: REPORT_TITLE }]).replace(
              '</body>',
              '<iframe src="/inner.html"></iframe></body>',
            ),
          );
        case '/inner.html':
          return html('<html><body><a href="/t20190301_2.html">第二页</a></body></html>');
        case '/probing.html':
          return html(`<html><body><p id="own">portal page</p>
<iframe src="${insideOrigin}/frame"></iframe>
<iframe src="/to-inside"></iframe>
<iframe src="http://localhost:${inside.port}/named"></iframe>
<script>
fetch('${insideOrigin}/xhr').then(() => 'reached', () => 'blocked').then((r) => {
  const p = document.createElement('p'); p.id = 'xhr'; p.textContent = r; document.body.appendChild(p);
});
try { new WebSocket('ws://127.0.0.1:${inside.port}/ws'); } catch (e) {}
</script></body></html>`);
        case '/to-inside':
          return void res.writeHead(302, { Location: `${insideOrigin}/redirected` }).end();
        case '/bomb':
          return void res
            .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Encoding': 'gzip' })
            .end(bomb);
        case '/big-dom':
          return html(`<html><body><script>
const hidden = document.body.appendChild(document.createElement('div'));
hidden.hidden = true; // no layout of 3 MB of text: only its size matters here
hidden.textContent = 'x'.repeat(3 * 1024 * 1024);
</script></body></html>`);
        default:
          return html('<html><body>ok</body></html>');
      }
    });
    pool = new BrowserPool({
      userAgent: 'nianbao-watch-test',
      timeoutMs: 20_000,
      gate: new HostGate(0, 4),
      allowPrivateOrigins: [portal.origin, widget.origin],
    });
  });
  afterAll(async () => {
    await pool?.close();
    await portal?.close();
    await widget?.close();
    await new Promise<void>((resolve) => inside?.server.close(() => resolve()));
  });

  it('reads the frames a listing keeps its links in, nested ones too, and lists another site’s unread', async () => {
    const page = await pool.render(`${portal.origin}/framed.html`);
    expect(page.html).not.toContain(REPORT_TITLE);
    expect(page.frames.map((f) => f.url)).toEqual([
      `${portal.origin}/list.html`,
      `${widget.origin}/w.html`,
      `${portal.origin}/inner.html`,
    ]);
    const [list, other, inner] = page.frames;
    expect(list?.html).toContain(`<a href="/t20180210_1.html" title="${REPORT_TITLE}">`);
    expect(inner?.html).toContain('<a href="/t20190301_2.html">第二页</a>');
    expect(other?.html).toBe('');
  });

  it('aborts every request to an unsafe target, redirects and WebSockets included, and still renders', async () => {
    const page = await pool.render(`${portal.origin}/probing.html`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<p id="own">portal page</p>');
    expect(page.html).toContain('<p id="xhr">blocked</p>');
    // Every frame pointed at the service behind the links is listed, none with a document.
    expect(page.frames.map((f) => f.html)).toEqual(['', '', '']);
    expect(inside.connections()).toBe(0);
  });

  it('refuses to render an unsafe page, and a page that redirects to one, with UnsafeTargetError', async () => {
    const direct = await pool.render(`http://127.0.0.1:${inside.port}/`).catch((e) => e);
    expect(direct).toBeInstanceOf(UnsafeTargetError);
    expect(direct).toMatchObject({ errorClass: 'unsafe-target', reason: 'loopback' });
    const redirected = await pool.render(`${portal.origin}/to-inside`).catch((e) => e);
    expect(redirected).toBeInstanceOf(UnsafeTargetError);
    expect(redirected.message).toBe(
      `refused http://127.0.0.1:${inside.port}/redirected: 127.0.0.1 is loopback`,
    );
    expect(inside.connections()).toBe(0);
  });

  it('stops a page whose gzip body inflates to 100 MB at the cap', async () => {
    const before = process.memoryUsage().rss;
    const error = await pool.render(`${portal.origin}/bomb`).catch((e) => e);
    const grown = process.memoryUsage().rss - before;
    console.log(
      `browser gzip bomb: ${bomb.length} bytes sent, this process's RSS grew ${(grown / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(error).toMatchObject({
      errorClass: 'too-large',
      message: `browser render of ${portal.origin}/bomb exceeds the ${FETCH_DEFAULTS.maxBytes}-byte cap (more than ${FETCH_DEFAULTS.maxBytes} decoded bytes received)`,
    });
    expect(grown).toBeLessThan(2 ** 30);
  });

  it('refuses to bring home a DOM larger than the cap, however few bytes made it', async () => {
    const small = new BrowserPool({
      userAgent: 'nianbao-watch-test',
      timeoutMs: 20_000,
      gate: new HostGate(0, 1),
      allowPrivateOrigins: [portal.origin],
      maxBytes: 1024 * 1024,
    });
    try {
      await expect(small.render(`${portal.origin}/big-dom`)).rejects.toMatchObject({
        errorClass: 'too-large',
        message: expect.stringMatching(/its DOM is \d+ characters$/),
      });
    } finally {
      await small.close();
    }
  });

  it('reports a browser that cannot launch as our fault (InfrastructureError), not the portal’s', async () => {
    const broken = new BrowserPool({
      userAgent: 'nianbao-watch-test',
      timeoutMs: 5_000,
      gate: new HostGate(0, 1),
      allowPrivateOrigins: [portal.origin],
      executablePath: '/nonexistent/chromium',
    });
    const asked = portal.requests.length;
    const error = await broken.render(`${portal.origin}/framed.html`).catch((e) => e);
    await broken.close();
    expect(error).toBeInstanceOf(InfrastructureError);
    expect(error).toMatchObject({ component: 'chromium', retryable: true });
    expect(errorClass(error)).toBe('infrastructure');
    // The portal was never asked for anything.
    expect(portal.requests.length).toBe(asked);
  });
});
