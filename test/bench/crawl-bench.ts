/**
 * Crawl bench: ≥200 portals on loopback (each its own origin, 20–50 ms per answer), crawled by our crawl
 * stage (two cycles: first, then unchanged), by our whole pipeline in one process, and by Crawlee's
 * CheerioCrawler under the same politeness (with and without robots.txt), each in its own child process
 * so peak RSS is honest. Requests are counted at the servers, the same way for every run.
 * `npx tsx test/bench/crawl-bench.ts`
 */
import { spawn } from 'node:child_process';
import { lookup as dnsLookup } from 'node:dns';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

import { listingPageHtml, type Site, sendPage, sleep, startSite } from '../support/site-server.ts';
import { startStores } from './bench-stores.ts';

// The SDK's notice that Node 20 leaves its support window; the Lambdas run Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PORTALS = 200;
const REPORTS = 3;
const DELAY_MS = 100;
const GLOBAL = 8;

type Kind = 'ours-crawl' | 'ours-pipeline' | 'crawlee-robots' | 'crawlee';

interface Portal {
  canonical: string;
  actual: string;
}
/** What a child measures of one cycle; requests are counted by the parent, at the servers. */
interface ChildCycle {
  ms: number;
  s3Puts?: number;
  storeCalls?: number;
}
interface ChildResult {
  cycles: ChildCycle[];
  peakRssMib: number;
}
interface Cycle extends ChildCycle {
  requests: number;
  robots: number;
}
interface Run {
  cycles: Cycle[];
  peakRssMib: number;
  /** Most requests one host had in flight at once, and the shortest pause one host saw between two. */
  maxInFlight: number;
  minGapMs: number;
}

const reportPath = (i: number) => `/xxgk/ndbg/2024${String(i + 1).padStart(2, '0')}/t20240115_${i}.html`;

function handler(n: number) {
  let k = 0;
  return async (req: IncomingMessage, res: ServerResponse) => {
    k += 1;
    await sleep(20 + ((n * 7 + k * 13) % 31)); // 20–50 ms, deterministic
    const path = req.url ?? '/';
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain');
    if (path === '/xxgk/ndbg/index.html') {
      const links = [
        ...Array.from({ length: REPORTS }, (_, i) => ({
          href: reportPath(i),
          title: `测试${n}县${2021 + i}年政府信息公开工作年度报告`,
        })),
        { href: '/xxgk/tz/1.html', title: '关于做好政府信息公开工作年度报告编制工作的通知' },
      ];
      return sendPage(req, res, Buffer.from(listingPageHtml('年报', links)), 'text/html; charset=utf-8');
    }
    // Each report page has its own content, as on a real portal (no archive dedup between them).
    const year = 2021 + Number(/_(\d+)\.html$/.exec(path)?.[1] ?? 0);
    const body = `<html><head><title>年度报告</title></head><body><h1>测试${n}县${year}年政府信息公开工作年度报告</h1><p>${'正文。'.repeat(400)}</p></body></html>`;
    return sendPage(req, res, Buffer.from(body), 'text/html; charset=utf-8');
  };
}

const peakRssMib = () => process.resourceUsage().maxRSS / 1024;

/** Tells the parent a cycle is over, so it can take the servers' counts. */
const markCycle = () => process.stdout.write('\nCYCLE\n');

// ---- children ---------------------------------------------------------------------------------

/**
 * Our runtime, as configured by default except for the bench's politeness figures. `crawl`: the crawl
 * stage alone, as its Lambda runs in AWS (parse messages wait in their queue); `pipeline`: crawl, parse
 * and alert stages and the SMTP sink in one process, as `npm start` runs them.
 */
async function childOurs(portals: Portal[], mode: 'crawl' | 'pipeline'): Promise<ChildResult> {
  const { Body } = await import('#shared/domain/body.ts');
  const { crawlOnce, startCrawlRuntime } = await import('#test/support/crawl-runtime.ts');
  const registry = portals.map((p, i) =>
    Body.parse({
      id: `13${String(i).padStart(4, '0')}`,
      name: `测试${i}县人民政府`,
      level: 'county',
      divisionCode: `13${String(i).padStart(4, '0')}`,
      listingUrl: `${p.canonical}/xxgk/ndbg/index.html`,
    }),
  );
  const t = await startCrawlRuntime(
    registry,
    {
      NIANBAO_HOST_DELAY_MS: String(DELAY_MS),
      NIANBAO_CONCURRENCY: String(GLOBAL),
      // The stores run in their own process, as DynamoDB and S3 do in production (see bench-stores.ts).
      NIANBAO_DYNAMODB_ENDPOINT: process.env.BENCH_DYNAMODB ?? '',
      NIANBAO_S3_ENDPOINT: process.env.BENCH_S3 ?? '',
    },
    Object.fromEntries(portals.map((p) => [p.canonical, p.actual])),
    mode === 'crawl' ? ['crawl'] : undefined,
  );
  // Every call to DynamoDB and S3, counted at the SDK; PutObject separately (the cycle's S3 writes).
  let puts = 0;
  let calls = 0;
  const count = { step: 'initialize' as const };
  t.rt.ctx.archive['s3'].middlewareStack.add(
    (next, context) => async (args) => {
      calls += 1;
      if (context.commandName === 'PutObjectCommand') puts += 1;
      return next(args);
    },
    count,
  );
  t.rt.ctx.repo.db.middlewareStack.add(
    (next) => async (args) => {
      calls += 1;
      return next(args);
    },
    count,
  );
  const cycles: ChildCycle[] = [];
  for (let c = 0; c < (mode === 'crawl' ? 2 : 1); c += 1) {
    const [puts0, calls0] = [puts, calls];
    const t0 = performance.now();
    await crawlOnce(t.rt);
    cycles.push({ ms: performance.now() - t0, s3Puts: puts - puts0, storeCalls: calls - calls0 });
    markCycle();
  }
  const peak = peakRssMib();
  await t.close();
  return { cycles, peakRssMib: peak };
}

async function childCrawlee(portals: Portal[], robots: boolean): Promise<ChildResult> {
  const { CheerioCrawler, Configuration } = await import('@crawlee/cheerio');
  const { classifyLink } = await import('#shared/crawl/discover.ts');
  // pN.localhost → 127.0.0.1: one domain per portal, so Crawlee's per-domain delay applies. Crawlee
  // fetches robots.txt outside its navigation hooks, so the resolver itself is redirected too.
  const dns = (await import('node:dns')).default as { lookup: (...a: unknown[]) => unknown };
  const lookup = dns.lookup;
  dns.lookup = (host: unknown, ...rest: unknown[]) =>
    lookup(String(host).endsWith('.localhost') ? '127.0.0.1' : host, ...rest);
  const crawler = new CheerioCrawler(
    {
      maxConcurrency: GLOBAL,
      minConcurrency: GLOBAL,
      sameDomainDelaySecs: DELAY_MS / 1000,
      maxRequestRetries: 2,
      respectRobotsTxtFile: robots,
      preNavigationHooks: [
        (_ctx, gotOptions) => {
          gotOptions.dnsLookup = ((_host: string, options: object, cb: typeof dnsLookup) =>
            dnsLookup('127.0.0.1', options, cb as never)) as never;
        },
      ],
      async requestHandler({ $, request, crawler: self }) {
        if (request.label !== 'listing') return;
        const links = $('a[href]')
          .toArray()
          .map((a) => ({
            url: new URL($(a).attr('href') ?? '', request.loadedUrl ?? request.url).href,
            title: $(a).text(),
          }))
          .filter((l) => classifyLink(l) === 'report');
        await self.addRequests(links.map((l) => ({ url: l.url, label: 'detail' })));
      },
    },
    new Configuration({ persistStorage: false, logLevel: 1 as never }),
  );
  const t0 = performance.now();
  await crawler.run(portals.map((p) => ({ url: `${p.canonical}/xxgk/ndbg/index.html`, label: 'listing' })));
  const ms = performance.now() - t0;
  markCycle();
  return { cycles: [{ ms }], peakRssMib: peakRssMib() };
}

// ---- parent -----------------------------------------------------------------------------------

function serverCounts(sites: Site[]): { requests: number; robots: number } {
  let requests = 0;
  let robots = 0;
  for (const s of sites) {
    requests += s.requests.length;
    robots += s.requests.filter((r) => r.path === '/robots.txt').length;
  }
  return { requests, robots };
}

/** The shortest pause between the end of one request and the start of the next at any one host. */
function minGapMs(sites: Site[], from: number[]): number {
  let min = Number.POSITIVE_INFINITY;
  sites.forEach((s, i) => {
    const rs = s.requests.slice(from[i]).sort((a, b) => a.start - b.start);
    for (let j = 1; j < rs.length; j += 1) min = Math.min(min, rs[j]!.start - rs[j - 1]!.end);
  });
  return min;
}

function runChild(
  kind: Kind,
  portals: Portal[],
  sites: Site[],
  env: Record<string, string> = {},
): Promise<Run> {
  for (const s of sites) s.maxInFlight = 0;
  const from = sites.map((s) => s.requests.length);
  const snapshots = [serverCounts(sites)];
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kind],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { ...process.env, ...env, CRAWLEE_LOG_LEVEL: 'ERROR' },
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      const before = out.split('\nCYCLE\n').length;
      out += d.toString();
      for (let i = before; i < out.split('\nCYCLE\n').length; i += 1) snapshots.push(serverCounts(sites));
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${kind} child exited ${code}: ${out.slice(-2000)}`));
      const result = JSON.parse(line) as ChildResult;
      const cycles = result.cycles.map((c, i) => ({
        ...c,
        requests: snapshots[i + 1]!.requests - snapshots[i]!.requests,
        robots: snapshots[i + 1]!.robots - snapshots[i]!.robots,
      }));
      resolve({
        cycles,
        peakRssMib: result.peakRssMib,
        maxInFlight: Math.max(...sites.map((s) => s.maxInFlight)),
        minGapMs: minGapMs(sites, from),
      });
    });
    child.stdin.end(JSON.stringify(portals));
  });
}

async function runOurs(kind: 'ours-crawl' | 'ours-pipeline', portals: Portal[], sites: Site[]): Promise<Run> {
  const stores = await startStores();
  try {
    return await runChild(kind, portals, sites, stores.env);
  } finally {
    stores.stop();
  }
}

const fmt = (n: number, d = 1) => n.toFixed(d);
/** Content pages (listing and report pages; robots.txt is not a page) per second. */
const pagesPerSec = (c: Cycle) => (c.requests - c.robots) / (c.ms / 1000);

function row(name: string, run: Run, c: Cycle, memory = true): string {
  const perBody = (n: number | undefined) => (n === undefined ? 'n/a' : fmt(n / PORTALS, 2));
  return `| ${name} | ${c.requests} (${c.robots}) | ${fmt(c.ms / 1000, 2)} | ${fmt(pagesPerSec(c))} | ${perBody(c.requests)} | ${perBody(c.storeCalls)} | ${c.s3Puts ?? 'n/a'} | ${memory ? fmt(run.peakRssMib, 0) : ''} | ${memory ? `${run.maxInFlight} / ${run.minGapMs}` : ''} |`;
}

export async function runCrawlBench(): Promise<string> {
  const sites: Site[] = [];
  for (let n = 0; n < PORTALS; n += 1) sites.push(await startSite(handler(n)));
  const portals = sites.map((s, n) => ({
    canonical: `http://p${n}.localhost:${new URL(s.origin).port}`,
    actual: s.origin,
  }));
  try {
    const ours = await runOurs('ours-crawl', portals, sites);
    const pipeline = await runOurs('ours-pipeline', portals, sites);
    const crawleeRobots = await runChild('crawlee-robots', portals, sites);
    const crawlee = await runChild('crawlee', portals, sites);
    const [c1, c2] = ours.cycles as [Cycle, Cycle];
    const kr = crawleeRobots.cycles[0]!;
    const k = crawlee.cycles[0]!;
    const ratio = (a: number, b: number) => fmt(a / b, 2);
    return [
      '## Crawler vs Crawlee CheerioCrawler',
      '',
      `${PORTALS} portals, each its own loopback origin (listing + ${REPORTS} report pages + 1 decoy link, 20–50 ms per answer); every run: host delay ${DELAY_MS} ms, at most 1 request per host, ${GLOBAL} in flight overall. Requests are counted at the servers. Pages/s counts listing and report pages, not robots.txt.`,
      '',
      '| run | requests (robots.txt) | seconds | pages/s | requests/body | store calls/body | S3 PutObject | peak RSS MiB | most in flight at a host / shortest gap ms |',
      '|---|---|---|---|---|---|---|---|---|',
      row('ours: crawl stage, first cycle', ours, c1),
      row('ours: crawl stage, unchanged cycle', ours, c2, false),
      row('ours: whole pipeline in one process, first cycle', pipeline, pipeline.cycles[0]!),
      row('Crawlee, honouring robots.txt', crawleeRobots, kr),
      row('Crawlee, ignoring robots.txt', crawlee, k),
      '',
      `**Against Crawlee under the same politeness (robots.txt honoured): throughput ${ratio(pagesPerSec(c1), pagesPerSec(kr))}×** (target ≥ 1), **peak memory ${ratio(ours.peakRssMib, crawleeRobots.peakRssMib)}×** (target ≤ 1).`,
      `Against Crawlee ignoring robots.txt (it then makes ${PORTALS} fewer requests): throughput ${ratio(pagesPerSec(c1), pagesPerSec(k))}×, peak memory ${ratio(ours.peakRssMib, crawlee.peakRssMib)}×.`,
      `Unchanged cycle: ${fmt(c2.requests / PORTALS, 2)} requests/body (target ≤ 1.05), ${c2.s3Puts} S3 writes (target 0).`,
      `The whole pipeline in one process (crawl, parse and alert stages, SMTP sink): ${ratio(pagesPerSec(pipeline.cycles[0]!), pagesPerSec(kr))}× throughput, ${ratio(pipeline.peakRssMib, crawleeRobots.peakRssMib)}× memory against Crawlee honouring robots.txt.`,
      '',
      "Ours runs with dynalite and s3rver in a separate process, as DynamoDB and S3 are remote in production (their memory is not counted); Crawlee keeps its queue in memory. Crawlee with `respectRobotsTxtFile` fetches each start URL's robots.txt one after another while enqueueing them, outside its concurrency limit and per-domain delay; ours fetches robots.txt through the same host gate as every other request.",
    ].join('\n');
  } finally {
    await Promise.all(sites.map((s) => s.close()));
  }
}

async function readStdin(): Promise<string> {
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return s;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--child');
  if (i >= 0) {
    const portals = JSON.parse(await readStdin()) as Portal[];
    const kind = process.argv[i + 1] as Kind;
    const result =
      kind === 'ours-crawl' || kind === 'ours-pipeline'
        ? await childOurs(portals, kind === 'ours-crawl' ? 'crawl' : 'pipeline')
        : await childCrawlee(portals, kind === 'crawlee-robots');
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
    process.exit(0);
  } else {
    console.log(await runCrawlBench());
  }
}
