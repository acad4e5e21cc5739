/**
 * Crawl bench: ≥200 portals on loopback (each its own origin, 20–50 ms per answer), crawled by our
 * runtime (two cycles: first, then unchanged) and by Crawlee's CheerioCrawler under the same politeness,
 * each in its own child process so peak RSS is honest. `npx tsx test/bench/crawl-bench.ts`
 */
import { spawn } from 'node:child_process';
import { lookup as dnsLookup } from 'node:dns';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { listingPageHtml, type Site, sendPage, sleep, startSite } from '../support/site-server.ts';

const PORTALS = 200;
const REPORTS = 3;
const DELAY_MS = 100;
const GLOBAL = 8;

interface Portal {
  canonical: string;
  actual: string;
}
interface ChildResult {
  cycles: Array<{ ms: number; requests: number; s3Puts?: number }>;
  peakRssMb: number;
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
    const body = `<html><head><title>年度报告</title></head><body><h1>测试${n}县政府信息公开工作年度报告</h1><p>${'正文。'.repeat(400)}</p></body></html>`;
    return sendPage(req, res, Buffer.from(body), 'text/html; charset=utf-8');
  };
}

// ---- children ---------------------------------------------------------------------------------

async function childOurs(portals: Portal[]): Promise<ChildResult> {
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
      NIANBAO_CRAWL_WORKERS: '64',
      // The stores run in their own process, as DynamoDB and S3 do in production (see childStores).
      ...(process.env.BENCH_DYNAMODB ? { NIANBAO_DYNAMODB_ENDPOINT: process.env.BENCH_DYNAMODB } : {}),
      ...(process.env.BENCH_S3 ? { NIANBAO_S3_ENDPOINT: process.env.BENCH_S3 } : {}),
    },
    Object.fromEntries(portals.map((p) => [p.canonical, p.actual])),
  );
  let puts = 0;
  // Every PutObject the archive sends, counted at the SDK: the S3 writes of a cycle.
  t.rt.ctx.archive['s3'].middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutObjectCommand') puts += 1;
      return next(args);
    },
    { step: 'initialize' },
  );
  const cycles: ChildResult['cycles'] = [];
  for (let c = 0; c < 2; c += 1) {
    const requests0 = t.rt.ctx.fetcher.requests;
    const puts0 = puts;
    const t0 = performance.now();
    await crawlOnce(t.rt);
    cycles.push({
      ms: performance.now() - t0,
      requests: t.rt.ctx.fetcher.requests - requests0,
      s3Puts: puts - puts0,
    });
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  await t.close();
  return { cycles, peakRssMb };
}

async function childCrawlee(portals: Portal[]): Promise<ChildResult> {
  const { CheerioCrawler, Configuration } = await import('@crawlee/cheerio');
  const { classifyLink } = await import('#shared/crawl/discover.ts');
  const actualPort = new Map(portals.map((p) => [new URL(p.canonical).host, new URL(p.actual).port]));
  let requests = 0;
  const crawler = new CheerioCrawler(
    {
      maxConcurrency: GLOBAL,
      minConcurrency: GLOBAL,
      sameDomainDelaySecs: DELAY_MS / 1000,
      maxRequestRetries: 2,
      // pN.localhost → 127.0.0.1: one domain per portal, so Crawlee's per-domain delay applies.
      preNavigationHooks: [
        (_ctx, gotOptions) => {
          gotOptions.dnsLookup = ((_host: string, options: object, cb: typeof dnsLookup) =>
            dnsLookup('127.0.0.1', options, cb as never)) as never;
        },
      ],
      async requestHandler({ $, request, crawler: self }) {
        requests += 1;
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
  void actualPort;
  const t0 = performance.now();
  await crawler.run(portals.map((p) => ({ url: `${p.canonical}/xxgk/ndbg/index.html`, label: 'listing' })));
  const ms = performance.now() - t0;
  return { cycles: [{ ms, requests }], peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/**
 * dynalite and s3rver in a process of their own: in production the crawler's stores are remote services,
 * so their memory is not the crawler's. Prints the endpoints, then serves until its stdin closes.
 */
async function childStores(): Promise<void> {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { startEmbeddedStores } = await import('#shared/local/embedded-services.ts');
  const dir = await mkdtemp(join(tmpdir(), 'nianbao-bench-stores-'));
  const stores = await startEmbeddedStores(dir, 'nianbao-raw');
  process.stdout.write(`\n${JSON.stringify({ dynamodb: stores.dynamodbEndpoint, s3: stores.s3Endpoint })}\n`);
  for await (const _ of process.stdin) {
    // Wait for the parent to close stdin.
  }
  await stores.close();
}

async function startStores(): Promise<{ env: Record<string, string>; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--stores'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const done = out.trim().split('\n').at(-1);
      if (done?.startsWith('{')) resolve(done);
    });
    child.on('exit', (code) => reject(new Error(`stores child exited ${code}`)));
  });
  const { dynamodb, s3 } = JSON.parse(line) as { dynamodb: string; s3: string };
  return { env: { BENCH_DYNAMODB: dynamodb, BENCH_S3: s3 }, stop: () => child.stdin.end() };
}

// ---- parent -----------------------------------------------------------------------------------

function runChild(
  kind: 'ours' | 'crawlee',
  portals: Portal[],
  extraEnv: Record<string, string> = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kind],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { ...process.env, ...extraEnv, CRAWLEE_LOG_LEVEL: 'ERROR' },
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${kind} child exited ${code}: ${out.slice(-2000)}`));
      resolve(JSON.parse(line) as ChildResult);
    });
    child.stdin.end(JSON.stringify(portals));
  });
}

const fmt = (n: number, d = 1) => n.toFixed(d);

export async function runCrawlBench(): Promise<string> {
  const sites: Site[] = [];
  for (let n = 0; n < PORTALS; n += 1) sites.push(await startSite(handler(n)));
  const portals = sites.map((s, n) => ({
    canonical: `http://p${n}.localhost:${new URL(s.origin).port}`,
    actual: s.origin,
  }));
  const served = () => sites.reduce((a, s) => a + s.requests.length, 0);
  const maxInFlight = () => Math.max(...sites.map((s) => s.maxInFlight));
  try {
    const stores = await startStores();
    const ours = await runChild('ours', portals, stores.env).finally(() => stores.stop());
    const oursServed = served();
    const oursPeakHost = maxInFlight();
    for (const s of sites) s.maxInFlight = 0;
    const crawlee = await runChild('crawlee', portals);
    const crawleeServed = served() - oursServed;
    const [c1, c2] = ours.cycles as [ChildResult['cycles'][0], ChildResult['cycles'][0]];
    const k = crawlee.cycles[0]!;
    const rate = (c: { ms: number; requests: number }) => c.requests / (c.ms / 1000);
    return [
      '## Crawler vs Crawlee CheerioCrawler',
      '',
      `${PORTALS} portals, each its own loopback origin (listing + ${REPORTS} report pages + 1 decoy, 20–50 ms per answer); host delay ${DELAY_MS} ms, at most 1 request per host and ${GLOBAL} in flight overall for both.`,
      '',
      '| | requests | seconds | pages/s | requests/body | S3 PutObject | peak RSS MB |',
      '|---|---|---|---|---|---|---|',
      `| ours, first cycle | ${c1.requests} | ${fmt(c1.ms / 1000, 2)} | ${fmt(rate(c1))} | ${fmt(c1.requests / PORTALS, 2)} | ${c1.s3Puts} | ${fmt(ours.peakRssMb, 0)} (both cycles) |`,
      `| ours, unchanged cycle | ${c2.requests} | ${fmt(c2.ms / 1000, 2)} | ${fmt(rate(c2))} | ${fmt(c2.requests / PORTALS, 2)} | ${c2.s3Puts} | |`,
      `| Crawlee CheerioCrawler (one cycle, no incremental mode) | ${k.requests} | ${fmt(k.ms / 1000, 2)} | ${fmt(rate(k))} | ${fmt(k.requests / PORTALS, 2)} | n/a (in-memory) | ${fmt(crawlee.peakRssMb, 0)} |`,
      '',
      `**Throughput ours/Crawlee (first cycle, pages/s): ${fmt(rate(c1) / rate(k), 2)}×** (target ≥ 1). **Peak memory ours/Crawlee: ${fmt(ours.peakRssMb / crawlee.peakRssMb, 2)}×** (target ≤ 1). Unchanged cycle: ${fmt(c2.requests / PORTALS, 2)} requests/body (target ≤ 1.05), ${c2.s3Puts} S3 writes (target 0).`,
      '',
      `Ours counts robots.txt (1 per host, first cycle) and runs the whole pipeline in its process (crawl, parse and alert stages, the SMTP sink); dynalite and s3rver run in a separate process, as DynamoDB and S3 are remote in production (their memory is not counted). Crawlee fetches no robots.txt and keeps its queue in memory. Requests served: ours ${oursServed}, Crawlee ${crawleeServed}; most in flight at one host: ours ${oursPeakHost}, Crawlee ${maxInFlight()}.`,
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
  if (process.argv.includes('--stores')) {
    await childStores();
    process.exit(0);
  } else if (i >= 0) {
    const portals = JSON.parse(await readStdin()) as Portal[];
    const result = process.argv[i + 1] === 'ours' ? await childOurs(portals) : await childCrawlee(portals);
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
    process.exit(0);
  } else {
    console.log(await runCrawlBench());
  }
}
