import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { CHROME } from '#seeds/portal/chrome.ts';
import { type PortalResponse, route } from '#seeds/portal/pages.ts';
import { defaultSeedTexts, type SeedTexts } from '#seeds/portal/seed-texts.ts';
import { DEMO_SITES, type DemoSite } from '#seeds/portal/sites.ts';

/** One request as a site saw it; `origin` is the site's canonical origin so tests can match it to DEMO_SITES. */
export interface PortalRequest {
  origin: string;
  /** Path with query, as requested. */
  path: string;
  /** Epoch milliseconds, to check per-host politeness intervals. */
  at: number;
}

export interface DemoPortal {
  sites: Array<DemoSite & { localOrigin: string }>;
  /** Canonical origin → `http://127.0.0.1:<port>`. */
  originMap: Record<string, string>;
  requests: PortalRequest[];
  close(): Promise<void>;
}

export interface DemoPortalOptions {
  /** Site keys ('000'…'004') to serve; all when omitted. */
  sites?: string[];
}

async function encode(site: DemoSite, page: PortalResponse): Promise<{ bytes: Buffer; type: string }> {
  switch (page.kind) {
    case 'html': {
      // 靖远 is a GBK portal that declares gb2312, like many real ones; the others are UTF-8.
      const gbk = CHROME[site.key].charset === 'gb2312';
      return gbk
        ? { bytes: iconv.encode(page.body, 'gbk'), type: 'text/html; charset=gb2312' }
        : { bytes: Buffer.from(page.body, 'utf8'), type: 'text/html; charset=utf-8' };
    }
    case 'json':
      return { bytes: Buffer.from(page.body, 'utf8'), type: 'application/json; charset=utf-8' };
    case 'css':
      return { bytes: Buffer.from(page.body, 'utf8'), type: 'text/css; charset=utf-8' };
    case 'text':
      return { bytes: Buffer.from(page.body, 'utf8'), type: 'text/plain; charset=utf-8' };
    case 'file':
      return { bytes: await readFile(page.file), type: page.contentType };
  }
}

function handler(site: DemoSite, texts: SeedTexts, requests: PortalRequest[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    requests.push({ origin: site.origin, path, at: Date.now() });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    try {
      const page = route(site.key, path, texts);
      const { bytes, type } = await encode(site, page);
      // A strong ETag lets the crawler's conditional GETs (If-None-Match) get 304s, as on real CMS servers.
      const etag = `"${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}"`;
      if (page.status === 200 && req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ETag: etag }).end();
        return;
      }
      res.writeHead(page.status, { 'Content-Type': type, 'Content-Length': bytes.length, ETag: etag });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    } catch (error) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(String(error));
    }
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Port 0: the OS picks a free port, so parallel test files never collide.
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets from fetch would otherwise hold close() open.
    server.closeAllConnections();
  });
}

/** Serves each seed portal on its own loopback origin (one server per site, so per-host politeness is real). */
export async function startDemoPortal(options: DemoPortalOptions = {}): Promise<DemoPortal> {
  const wanted = options.sites;
  const unknown = wanted?.filter((key) => !DEMO_SITES.some((s) => s.key === key)) ?? [];
  if (unknown.length > 0) throw new Error(`demo portal: unknown site keys ${unknown.join(', ')}`);
  const selected = wanted ? DEMO_SITES.filter((s) => wanted.includes(s.key)) : DEMO_SITES;
  const texts = defaultSeedTexts();
  const requests: PortalRequest[] = [];
  const servers: Server[] = [];
  const sites: DemoPortal['sites'] = [];
  try {
    for (const site of selected) {
      const server = createServer(handler(site, texts, requests));
      servers.push(server);
      sites.push({ ...site, localOrigin: await listen(server) });
    }
  } catch (error) {
    await Promise.allSettled(servers.map((s) => closeServer(s)));
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    sites,
    originMap: Object.fromEntries(sites.map((s) => [s.origin, s.localOrigin])),
    requests,
    close() {
      closed ??= Promise.all(servers.map((s) => closeServer(s))).then(() => undefined);
      return closed;
    },
  };
}
