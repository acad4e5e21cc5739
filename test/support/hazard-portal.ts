import type { IncomingMessage, ServerResponse } from 'node:http';
import iconv from 'iconv-lite';
import { detailPageHtml } from '#seeds/portal/pages.ts';
import { Body } from '#shared/domain/body.ts';
import { listingPageHtml, type Site, sendPage, sleep, startSite } from './site-server.ts';

/**
 * Portals that misbehave the way real ones do (docs/domain.md, Hazards), each on its own loopback origin.
 * Every site lists one report (a real seed page) among decoys at the same paths; only the hazard differs.
 */
export const HAZARDS = [
  'plain',
  'charset',
  'ruishu',
  'jiasule',
  'slow-once',
  'slow',
  'flaky',
  'reset',
  'redirect',
  'loop',
  'huge',
  'robots',
  'edited',
] as const;
export type Hazard = (typeof HAZARDS)[number];

export const LISTING_PATH = '/xxgk/ndbg/index.html';
export const REPORT_PATH = '/xxgk/ndbg/201802/t20180210_2436578.html';
export const ATTACHMENT_PATH = '/uploadfiles/201802/2017tjb.pdf';
/** What a body's listingUrl points at, per hazard (redirects start elsewhere). */
const START_PATH: Partial<Record<Hazard, string>> = { redirect: '/old/ndbg/', loop: '/loop/a' };
/** The slow site answers after this long; tests set the fetch timeout well below it. */
export const SLOW_MS = 4000;
export const ATTACHMENT_BYTES = Buffer.from('%PDF-1.4\n% 统计表 placeholder\n%%EOF\n', 'utf8');

/**
 * What a site holds between requests. Only what a test sets on purpose (edit, take down) and the position
 * in the listing's script: nothing a response writes for its own use, which lives in that request's scope.
 */
interface HazardState {
  edited: boolean;
  /** The report page now answers 404 (taken down after publication). */
  removed: boolean;
  /** Listing requests of the current round so far: the next one is number `listingRequests + 1`. */
  listingRequests: number;
}

export interface HazardSite extends Site {
  hazard: Hazard;
  body: Body;
}

export interface HazardPortal {
  sites: Record<Hazard, HazardSite>;
  bodies: Body[];
  /** The `edited` site's report page is changed, as portals do after publication. */
  edit(): void;
  /** The `edited` site's report page is taken down: it answers 404 from now on. */
  takeDown(): void;
  /**
   * Starts a new round of the listing scripts (LISTING_SCRIPT): the next listing request of each site
   * (or of those named) is number 1 again, so a second crawl meets `slow-once`, `flaky` and `reset` anew.
   */
  replay(...hazards: Hazard[]): void;
  close(): Promise<void>;
}

const DECOYS = [
  { href: '/xxgk/ndbg/201803/t20180306_2451102.html', title: '关于印发《2018年政务公开工作要点》的通知' },
  {
    href: '/xxgk/ndbg/201801/t20180108_2420931.html',
    title: '关于做好2017年政府信息公开工作年度报告编制发布工作的通知',
  },
];

function listing(hazard: Hazard): Buffer {
  if (hazard === 'charset') {
    // Header says utf-8, bytes are GBK (the page's meta says gb2312): a lie the crawler must see through.
    const links = [
      { href: REPORT_PATH, title: '靖远县人力资源和社会保障局2016年政府信息公开工作年度报告' },
      ...DECOYS,
    ];
    return iconv.encode(listingPageHtml('政府信息公开年度报告', links, 'gb2312'), 'gbk');
  }
  const links = [{ href: REPORT_PATH, title: '吉州区2017年政府信息公开工作年度报告' }, ...DECOYS];
  return Buffer.from(listingPageHtml('政府信息公开年度报告', links), 'utf8');
}

function detail(hazard: Hazard, edited: boolean): Buffer {
  if (hazard === 'charset') return iconv.encode(detailPageHtml('001'), 'gbk');
  let html = detailPageHtml('000');
  if (hazard === 'plain') {
    html = html.replace(
      '</body>',
      `<p><a href="${ATTACHMENT_PATH}">附件:2017年政府信息公开情况统计表.pdf</a></p></body>`,
    );
  }
  // A silent edit after publication: one figure changed.
  if (edited) html = html.replace('11064', '11046');
  return Buffer.from(html, 'utf8');
}

const RUISHU_CHALLENGE = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<script>var $_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={};$_ts.nsd=48213;$_ts.cd="qhxcrr";
document.cookie='FSSBBIl1UgzbN7N80T=5d8a; path=/';location.reload();</script></body></html>`;
const JSL_CHALLENGE = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<script>document.cookie='__jsl_clearance_s=1700000000.123|0|x; path=/';location.href=location.pathname+location.search;</script>
</body></html>`;

export const HUGE_BYTES = 30 * 1024 * 1024;
/** The `huge` page is written in chunks of this size. */
export const HUGE_CHUNK = 64 * 1024;

/**
 * What the n-th listing request of a round (n from 1) gets, per hazard: each a sequence over the site's
 * listing requests, not per connection or per crawl. A retry is the next request of the round, so the
 * script holds however many attempts a fetch makes and however they overlap (a timed-out attempt may still
 * be sleeping when its retry arrives: its number was taken on arrival). After its script, a site answers
 * normally; a second crawl in the same test meets the hazard again only after `portal.replay()`.
 */
export type ListingAnswer = 'page' | 'slow' | '503' | 'reset' | 'huge';
export const LISTING_SCRIPT: Partial<Record<Hazard, (n: number) => ListingAnswer>> = {
  /** The first listing request answers after SLOW_MS (past the client's timeout); later ones at once. */
  'slow-once': (n: number) => (n === 1 ? 'slow' : 'page'),
  /** Every listing request answers after SLOW_MS. */
  slow: () => 'slow',
  /** The first two listing requests answer 503 with Retry-After: 1; later ones the page. */
  flaky: (n: number) => (n <= 2 ? '503' : 'page'),
  /** The first listing request's connection is reset before any answer; later ones get the page. */
  reset: (n: number) => (n === 1 ? 'reset' : 'page'),
  /** Every listing request gets its own 30 MB page. */
  huge: () => 'huge',
};

/**
 * 30 MB, chunked (no Content-Length): only the client's running byte count can stop it. Every request gets
 * its own 30 MB from the first byte, whatever earlier requests (a timed-out attempt, a retry) were sent;
 * what each response sent is recorded on its own SiteRequest (bytesSent, completed).
 */
async function huge(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  const chunk = Buffer.alloc(HUGE_CHUNK, 0x61);
  let sent = 0;
  while (sent < HUGE_BYTES && !res.destroyed) {
    sent += chunk.length;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

function handler(hazard: Hazard, state: HazardState) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const html = (bytes: Buffer, status = 200, extra: Record<string, string> = {}) =>
      sendPage(req, res, bytes, 'text/html; charset=utf-8', status, extra);
    if (hazard === 'ruishu' && !req.headers.cookie?.includes('FSSBBIl1UgzbN7N80T=')) {
      return html(Buffer.from(RUISHU_CHALLENGE), 412);
    }
    if (hazard === 'jiasule') return html(Buffer.from(JSL_CHALLENGE), 521, { 'X-Via-JSL': 'b4a5e1b,-' });
    if (path === '/robots.txt') {
      const rules = hazard === 'robots' ? 'Disallow: /xxgk/ndbg/\n' : 'Allow: /\n';
      return sendPage(req, res, Buffer.from(`User-agent: *\n${rules}`), 'text/plain');
    }
    if (hazard === 'redirect' && path === '/old/ndbg/')
      return void res.writeHead(301, { Location: '/moved/ndbg/' }).end();
    if (hazard === 'redirect' && path === '/moved/ndbg/')
      return void res.writeHead(302, { Location: LISTING_PATH }).end();
    if (hazard === 'loop' && path.startsWith('/loop/')) {
      return void res.writeHead(302, { Location: path === '/loop/a' ? '/loop/b' : '/loop/a' }).end();
    }
    if (path === LISTING_PATH) {
      // This request's place in the script is taken on arrival, before any await.
      state.listingRequests += 1;
      const answer = LISTING_SCRIPT[hazard]?.(state.listingRequests) ?? 'page';
      if (answer === 'huge') return huge(res);
      if (answer === 'reset') return void req.socket.destroy();
      if (answer === '503') return html(Buffer.from('Service Unavailable'), 503, { 'Retry-After': '1' });
      if (answer === 'slow') await sleep(SLOW_MS);
      return sendPage(req, res, listing(hazard), 'text/html; charset=utf-8');
    }
    if (path === REPORT_PATH) {
      if (state.removed) return html(Buffer.from('<html><body>页面不存在</body></html>'), 404);
      return sendPage(req, res, detail(hazard, state.edited), 'text/html; charset=utf-8');
    }
    if (hazard === 'plain' && path === ATTACHMENT_PATH)
      return sendPage(req, res, ATTACHMENT_BYTES, 'application/pdf');
    return html(
      Buffer.from('<html><body>decoy or missing</body></html>'),
      DECOYS.some((d) => d.href === path) ? 200 : 404,
    );
  };
}

/** Bodies named after their hazard, ids 1101 01…, all county governments. */
function bodyFor(hazard: Hazard, index: number, origin: string): Body {
  const code = `1101${String(index + 1).padStart(2, '0')}`;
  return Body.parse({
    id: code,
    name: `测试${hazard}县人民政府`,
    level: 'county',
    divisionCode: code,
    listingUrl: origin + (START_PATH[hazard] ?? LISTING_PATH),
  });
}

export async function startHazardPortal(only: readonly Hazard[] = HAZARDS): Promise<HazardPortal> {
  const states = new Map<Hazard, HazardState>();
  const sites: Partial<Record<Hazard, HazardSite>> = {};
  for (const hazard of only) {
    const state: HazardState = { edited: false, removed: false, listingRequests: 0 };
    states.set(hazard, state);
    const site = await startSite(handler(hazard, state));
    // Object.assign, not a spread: the site's counters keep updating on the same object.
    sites[hazard] = Object.assign(site, {
      hazard,
      body: bodyFor(hazard, HAZARDS.indexOf(hazard), site.origin),
    });
  }
  const all = sites as Record<Hazard, HazardSite>;
  return {
    sites: all,
    bodies: Object.values(all).map((s) => s.body),
    edit() {
      const s = states.get('edited');
      if (s) s.edited = true;
    },
    takeDown() {
      const s = states.get('edited');
      if (s) s.removed = true;
    },
    replay(...hazards: Hazard[]) {
      for (const [hazard, s] of states)
        if (hazards.length === 0 || hazards.includes(hazard)) s.listingRequests = 0;
    },
    async close() {
      await Promise.all(Object.values(all).map((s) => s.close()));
    },
  };
}
