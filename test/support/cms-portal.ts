import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Body } from '#shared/domain/body.ts';
import { lookupDivision } from '#shared/domain/divisions.ts';
import { minimalPdf } from '#test/unit/parse/minimal-pdf.ts';
import { CMS_SITES, type CmsSiteName, SITES, type SiteDef } from './cms-portal-catalogue.ts';
import { gonePage, HANWEB_JQUERY_JS, homePage, type SiteInfo, TRS_PAGE_JS } from './cms-portal-pages.ts';
import { Builder, html, type Reply, type Switches } from './cms-portal-sites.ts';
import { type Site, sendPage, startSite } from './site-server.ts';

/**
 * Portals built the way county and bureau CMSs build them (docs/domain.md, "Listings as CMSs build them"), one
 * loopback origin per site, each listing real-looking annual-report pages (cms-report.ts; `parseReport`
 * reads them as reports of their year) among decoy notices and work plans. Each site is one layout or one
 * fault; `expectedYears` are the years whose report is online, `unreachableYears` those a listing holds or
 * names but no crawler can read (the right outcome is *inconclusive*, never *missing*).
 */

export { CMS_SITES, type CmsSiteName };

/** How a taken-down report page answers: 404; 200 with 页面不存在/该信息已删除 in full chrome; 302 to `/`. */
export type TakeDownMode = '404' | 'soft' | 'home';

export interface CmsSite extends Site {
  name: CmsSiteName;
  /** The bodies whose listing is on this site (two for `shared`). */
  bodies: Body[];
  expectedYears: number[];
  unreachableYears: number[];
  /** Only a browser sees the listing's links. */
  needsBrowser: boolean;
  /** Where each report is published (its detail page's path and query), by year. */
  reports: Map<number, string>;
  /** The file a detail page links when the report is only there (attach-* sites), by year. */
  attachments: Map<number, string>;
  /** Every request, in order: path with query, and method. */
  log: Array<{ path: string; method: string }>;
}

export interface CmsPortal {
  sites: Record<CmsSiteName, CmsSite>;
  bodies: Body[];
  /** Page 2 of `page2-fails` answers 500 while on. */
  failPage2(on: boolean): void;
  /** The site's report pages answer as removed (null: back online). */
  takeDown(site: CmsSiteName, mode: TakeDownMode | null): void;
  close(): Promise<void>;
}

function bodiesFor(name: CmsSiteName, def: SiteDef, org: string, origin: string, listings: string[]): Body[] {
  const division = lookupDivision(def.code);
  const base = { divisionCode: def.code, parents: division?.parents ?? [], render: 'auto' as const };
  const level = org.endsWith('区人民政府') ? 'district' : 'county';
  const bodies = [Body.parse({ ...base, id: def.code, name: org, level, listingUrl: origin + listings[0] })];
  if (name === 'shared' && listings[1]) {
    bodies.push(
      Body.parse({
        ...base,
        id: `${def.code}-zfb`,
        name: `${org}办公室`,
        level: 'department',
        listingUrl: origin + listings[1],
      }),
    );
  }
  return bodies;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if ('redirect' in reply) return void res.writeHead(reply.status ?? 302, { Location: reply.redirect }).end();
  let bytes = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : Buffer.from(reply.body);
  const headers = { ...reply.headers };
  if (reply.gzip) {
    bytes = gzipSync(bytes);
    headers['Content-Encoding'] = 'gzip';
  }
  const type = reply.type ?? 'text/html; charset=utf-8';
  if (Object.values(headers).some((v) => /[^\x20-\x7e]/.test(v))) {
    // Raw bytes in a header (a GBK filename as a latin1 string): with a Content-Length Node writes the head
    // together with the body as UTF-8, doubling those bytes; without one the head goes out as latin1.
    res.writeHead(reply.status ?? 200, { 'Content-Type': type, ...headers });
    res.end(bytes);
    return;
  }
  sendPage(req, res, bytes, type, reply.status ?? 200, headers);
}

const GUIDE_PDF = minimalPdf(['网站使用指南', '本网站由县人民政府办公室主办。']);

export async function startCmsPortal(names: readonly CmsSiteName[] = CMS_SITES): Promise<CmsPortal> {
  const switches: Switches = { failPage2: false };
  const down = new Map<CmsSiteName, TakeDownMode>();
  const sites: Partial<Record<CmsSiteName, CmsSite>> = {};
  for (const name of names) {
    const def = SITES[name];
    const org = `${lookupDivision(def.code)?.name ?? def.code}人民政府`;
    const info: SiteInfo = { org, code: def.code, family: def.family, listingPath: def.listingPath };
    const built = await def.build(new Builder(info), switches);
    const log: CmsSite['log'] = [];
    const reportPaths = new Set(built.reports.values());
    const common = new Map<string, () => Reply>([
      ['/', () => html(homePage(info))],
      ['/robots.txt', () => ({ type: 'text/plain', body: 'User-agent: *\nAllow: /\n' })],
      ['/js/page.js', () => ({ type: 'application/javascript', body: TRS_PAGE_JS })],
      ['/module/jslib/jquery/jquery.js', () => ({ type: 'application/javascript', body: HANWEB_JQUERY_JS })],
      [
        '/module/web/jpage/jpage.js',
        () => ({ type: 'application/javascript', body: '/* jpage: see jquery.js */' }),
      ],
    ]);
    if (name !== 'dead-attachment')
      common.set('/uploadfiles/wzsyzn.pdf', () => ({ type: 'application/pdf', body: GUIDE_PDF }));
    const site = await startSite(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://portal.invalid');
      const method = req.method ?? 'GET';
      log.push({ path: url.pathname + url.search, method });
      const form = new URLSearchParams(method === 'POST' ? await readBody(req) : '');
      const mode = down.get(name);
      if (mode && reportPaths.has(url.pathname + url.search)) {
        if (mode === 'home') return send(req, res, { redirect: '/' });
        return send(req, res, html(gonePage(info), mode === '404' ? 404 : 200));
      }
      const route =
        built.routes.get(url.pathname + url.search) ??
        built.routes.get(url.pathname) ??
        common.get(url.pathname);
      if (!route || built.dead.includes(url.pathname)) return send(req, res, html(gonePage(info), 404));
      send(req, res, await route({ method, url, form }));
    });
    sites[name] = Object.assign(site, {
      name,
      bodies: bodiesFor(name, def, org, site.origin, built.listings),
      expectedYears: def.expected,
      unreachableYears: def.unreachable ?? [],
      needsBrowser: def.browser ?? false,
      reports: built.reports,
      attachments: built.attachments,
      log,
    });
  }
  const all = sites as Record<CmsSiteName, CmsSite>;
  return {
    sites: all,
    bodies: Object.values(all).flatMap((s) => s.bodies),
    failPage2(on) {
      switches.failPage2 = on;
    },
    takeDown(site, mode) {
      if (mode) down.set(site, mode);
      else down.delete(site);
    },
    async close() {
      await Promise.all(Object.values(all).map((s) => s.close()));
    },
  };
}
