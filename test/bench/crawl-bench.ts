/**
 * Crawl bench, like for like: 200 portals on loopback (each its own origin, 20–50 ms per answer), crawled
 * in interleaved rounds by our crawl stage and by Crawlee's CheerioCrawler, each in its own child process so
 * peak RSS is honest. Both honour robots.txt: each side first fetches every host's robots.txt into its own
 * cache (untimed), then crawls with the cache warm, so both make the same 800 requests in the timed part.
 * Requests, in-flight requests per host and gaps between requests to one host are measured at the servers,
 * the same way for both. Ours also runs an unchanged second cycle (requests, store calls and S3 writes per
 * body: the cost model's inputs). `npx tsx test/bench/crawl-bench.ts`
 */
import { spawn } from 'node:child_process';
import { lookup as dnsLookup } from 'node:dns';
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

import { listingPageHtml, type Site, sendPage, sleep, startSite } from '../support/site-server.ts';
import { countStoreCalls, startStores, storesCpuMs } from './bench-stores.ts';
import { onCpu, PIN, placeSelf } from './placement.ts';

// The SDK's notice that Node 20 leaves its support window; the Lambdas run Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Portals (BENCH_PORTALS for a quick trial; the figures are taken at 200). */
const PORTALS = Number(process.env.BENCH_PORTALS ?? 200);
/**
 * Warm-up portals (BENCH_WARM_PORTALS, as many as PORTALS unless set; 0: none), other hosts of the same
 * shape: each side first crawls them in full, then the timed portals, so the timed crawl measures each side
 * with its code compiled (V8's JIT), as a warm Lambda container and a long-running Crawlee process run.
 * The warm-up crawl itself is timed too and printed as the "cold" figure: each side's first crawl in a
 * fresh process (after the robots.txt warm-up). Ours' stand-ins for DynamoDB and S3 warm up too and its
 * connections to them stay open, as to the real services. Peak RSS spans both crawls: Crawlee's grows more
 * with the second (about 255 → 370 MiB; ours about 225 → 245), so the memory target is judged on each
 * side's first crawl (its own peak RSS), the whole life's peak printed beside it.
 */
const WARM = Number(process.env.BENCH_WARM_PORTALS ?? PORTALS);
const REPORTS = 3;
const DELAY_MS = 100;
const GLOBAL = 8;
/** Interleaved rounds (ours, Crawlee; the order alternates): BENCH_ROUNDS, at least 3. */
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));

/*
 * Placement (placement.ts): the stores' process (dynalite and s3rver standing in for DynamoDB and S3) runs
 * on CPU 1 alone; each crawler (ours or Crawlee, a child process) and the portals (this process) share
 * CPU 0, the same for both sides. Unplaced, the stand-ins' 5–9 ms of CPU a page would be taken from the
 * cores ours and its portals run on, and from nobody's in Crawlee's rounds.
 */

type Kind = 'ours' | 'crawlee';

interface Portal {
  canonical: string;
  actual: string;
}
/** What a child measures of one phase; requests are counted by the parent, at the servers. */
interface ChildCycle {
  ms: number;
  /** CPU time of the crawling process during the phase (user + system). */
  cpuMs: number;
  /** Ours: CPU time of the stores process (dynalite, s3rver) during the phase; null where not readable. */
  storesCpuMs?: number | null;
  s3Puts?: number;
  storeCalls?: number;
  /** Store calls by SDK command name over the phase (ours only). */
  storeCommands?: Record<string, number>;
  /** The phase's peak RSS (the kernel's high-water mark, or sampled every 10 ms: `phasePeakMib`), MiB. */
  peakRssMib?: number;
}
interface ChildResult {
  /** Phase 0 is the untimed robots.txt warm-up; then the timed cycles. */
  cycles: ChildCycle[];
  peakRssMib: number;
  /** How the phases' peaks were taken: the kernel's high-water mark (`kernel`) or sampled every 10 ms. */
  peakMethod: 'kernel' | 'sampled';
}
/** What the servers saw during one phase. */
interface Seen {
  requests: number;
  robots: number;
  bytes: number;
  /** Sum over requests of their time at the server (start to end), ms: over the phase's time, the mean in flight. */
  busyMs: number;
  /** Most requests one host had in flight at once. */
  maxInFlight: number;
  /** Shortest pause at one host between the end of a response and the next request's start, and between two starts. */
  minGapEndMs: number;
  minGapStartMs: number;
  /** Mean pause at one host between a response's end and the next request's start (ms), over all such pairs. */
  meanGapEndMs: number;
  /** Mean time from a host's first request's start to its last response's end (ms), hosts with a request. */
  meanHostSpanMs: number;
}
interface Cycle extends ChildCycle, Seen {}
interface Run {
  kind: Kind;
  round: number;
  warmup: Cycle;
  /** The first crawl in a fresh process, of the warm-up portals (undefined when WARM is 0). */
  cold?: Cycle | undefined;
  cycles: Cycle[];
  peakRssMib: number;
  peakMethod: ChildResult['peakMethod'];
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

/**
 * A phase's own peak RSS (both sides alike), where the process-wide peak (maxRSS) would also hold what an
 * earlier phase left behind. On Linux the kernel's own high-water mark is used: `VmHWM` in /proc/self/status,
 * reset to the current RSS by writing `5` to /proc/self/clear_refs (proc(5), Linux ≥ 4.0): the exact peak,
 * with nothing sampling on the crawlers' CPU. Elsewhere RSS is sampled every 10 ms (`startPhasePeaks`).
 * `phasePeakMib()` gives the peak since the last call and starts the next phase's. Children only.
 */
let sampledPeak = 0;
let kernelPeak = false;
const vmHwmBytes = () => {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (kb === undefined) throw new Error('no VmHWM in /proc/self/status');
  return Number(kb) * 1024;
};
function startPhasePeaks(): void {
  try {
    vmHwmBytes();
    writeFileSync('/proc/self/clear_refs', '5');
    kernelPeak = true;
    return;
  } catch {
    // Not Linux, or /proc not writable: sample.
  }
  setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
  }, 10).unref();
}
function phasePeakMib(): number {
  let peak: number;
  if (kernelPeak) {
    peak = vmHwmBytes();
    writeFileSync('/proc/self/clear_refs', '5');
  } else {
    const now = process.memoryUsage.rss();
    peak = Math.max(sampledPeak, now);
    sampledPeak = now;
  }
  return peak / 1024 / 1024;
}
/** The process's peak RSS over its whole life so far, MiB (getrusage's maxRSS: the VmHWM reset leaves it alone). */
const peakRssMib = () => process.resourceUsage().maxRSS / 1024;
/** How the peaks were taken, for the report (each child says). */
const peakMethod = (): ChildResult['peakMethod'] => (kernelPeak ? 'kernel' : 'sampled');
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * BENCH_CPU_PROF_CYCLE=<dir>: a V8 CPU profile of `work` alone (the timed crawl, without start-up), written
 * to `<dir>/<name>-<pid>.cpuprofile`; otherwise `work` runs as it is.
 */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROF_CYCLE;
  if (!dir) return work();
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(`${dir}/${name}-${process.pid}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

/** Tells the parent a phase is over, so it can take the servers' counts. */
const markCycle = () => process.stdout.write('\nCYCLE\n');

/** Runs `task` on every item, `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

// ---- children ---------------------------------------------------------------------------------

/**
 * Our runtime's crawl stage alone, as its Lambda runs in AWS (parse messages wait in their queue), as
 * configured by default except for the bench's politeness figures.
 */
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
      // The stores run in their own process, as DynamoDB and S3 do in production (see bench-stores.ts).
      NIANBAO_DYNAMODB_ENDPOINT: process.env.BENCH_DYNAMODB ?? '',
      NIANBAO_S3_ENDPOINT: process.env.BENCH_S3 ?? '',
    },
    Object.fromEntries(portals.map((p) => [p.canonical, p.actual])),
    ['crawl'],
  );
  // Every call to DynamoDB and S3, counted at the SDK; PutObject apart (the cycle's S3 writes).
  const store = countStoreCalls(t.rt.ctx);
  const cycles: ChildCycle[] = [];
  const phase = async (work: () => Promise<unknown>) => {
    const [puts0, calls0, commands0, cpu0] = [store.puts(), store.calls(), store.byCommand(), cpuMs()];
    const storesCpu0 = storesCpuMs(process.env.BENCH_STORES_PID);
    phasePeakMib();
    const t0 = performance.now();
    await work();
    cycles.push({
      ms: performance.now() - t0,
      peakRssMib: phasePeakMib(),
      cpuMs: cpuMs() - cpu0,
      storesCpuMs:
        storesCpu0 === null ? null : (storesCpuMs(process.env.BENCH_STORES_PID) ?? storesCpu0) - storesCpu0,
      s3Puts: store.puts() - puts0,
      storeCalls: store.calls() - calls0,
      storeCommands: Object.fromEntries(
        Object.entries(store.byCommand())
          .map(([name, n]) => [name, n - (commands0[name] ?? 0)] as const)
          .filter(([, n]) => n > 0),
      ),
    });
    markCycle();
  };
  // Warm-up: every host's robots.txt into the cache (the table and the fetcher's memory), as a daily cycle
  // finds it after its first check of the day.
  await phase(() => eachLimited(registry, GLOBAL, (b) => t.rt.ctx.fetcher.assertAllowed(b.listingUrl)));
  // The warm-up portals come after the timed ones (see WARM).
  const timedIds = registry.slice(0, PORTALS).map((b) => b.id);
  const warmIds = registry.slice(PORTALS).map((b) => b.id);
  if (warmIds.length > 0) await phase(() => crawlOnce(t.rt, warmIds));
  for (let c = 0; c < 2; c += 1)
    await phase(() =>
      c === 0 ? profiled('ours-first-cycle', () => crawlOnce(t.rt, timedIds)) : crawlOnce(t.rt, timedIds),
    );
  // Counts the middleware never saw would be zeros that look like savings.
  const seen = store.seen();
  if (seen.s3 === 0 || seen.dynamodb === 0)
    throw new Error(
      `the store-call counter did not run (S3 ${seen.s3}, DynamoDB ${seen.dynamodb} calls seen)`,
    );
  const peak = peakRssMib();
  await t.close();
  return { cycles, peakRssMib: peak, peakMethod: peakMethod() };
}

async function childCrawlee(portals: Portal[]): Promise<ChildResult> {
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
      respectRobotsTxtFile: true,
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
  const starts = portals.map((p) => `${p.canonical}/xxgk/ndbg/index.html`);
  const timed = starts.slice(0, PORTALS);
  const warm = starts.slice(PORTALS);
  const cycles: ChildCycle[] = [];
  // Warm-up: every host's robots.txt into Crawlee's own cache (its per-origin LRU), `GLOBAL` at a time.
  let cpu0 = cpuMs();
  phasePeakMib();
  let t0 = performance.now();
  const robots = crawler as unknown as { getRobotsTxtFileForUrl(url: string): Promise<unknown> };
  await eachLimited(starts, GLOBAL, (u) => robots.getRobotsTxtFileForUrl(u));
  cycles.push({ ms: performance.now() - t0, cpuMs: cpuMs() - cpu0, peakRssMib: phasePeakMib() });
  markCycle();
  if (warm.length > 0) {
    cpu0 = cpuMs();
    t0 = performance.now();
    phasePeakMib();
    await crawler.run(warm.map((url) => ({ url, label: 'listing' })));
    cycles.push({ ms: performance.now() - t0, cpuMs: cpuMs() - cpu0, peakRssMib: phasePeakMib() });
    markCycle();
  }
  cpu0 = cpuMs();
  phasePeakMib();
  t0 = performance.now();
  await profiled('crawlee-crawl', () => crawler.run(timed.map((url) => ({ url, label: 'listing' }))));
  cycles.push({ ms: performance.now() - t0, cpuMs: cpuMs() - cpu0, peakRssMib: phasePeakMib() });
  markCycle();
  return { cycles, peakRssMib: peakRssMib(), peakMethod: peakMethod() };
}

// ---- parent -----------------------------------------------------------------------------------

/** What the servers saw from request index `from[i]` to `to[i]` of each site. */
function seen(sites: Site[], from: number[], to: number[]): Seen {
  const out: Seen = {
    requests: 0,
    robots: 0,
    bytes: 0,
    busyMs: 0,
    maxInFlight: 0,
    minGapEndMs: Number.POSITIVE_INFINITY,
    minGapStartMs: Number.POSITIVE_INFINITY,
    meanGapEndMs: 0,
    meanHostSpanMs: 0,
  };
  let gaps = 0;
  let hosts = 0;
  sites.forEach((s, i) => {
    const rs = s.requests.slice(from[i], to[i]).sort((a, b) => a.start - b.start);
    out.requests += rs.length;
    if (rs.length > 0) {
      hosts += 1;
      out.meanHostSpanMs += Math.max(...rs.map((r) => r.end)) - rs[0]!.start;
    }
    for (const [j, r] of rs.entries()) {
      if (r.path === '/robots.txt') out.robots += 1;
      out.bytes += r.bytesSent;
      out.busyMs += r.end - r.start;
      out.maxInFlight = Math.max(out.maxInFlight, r.inFlight);
      if (j === 0) continue;
      out.minGapEndMs = Math.min(out.minGapEndMs, r.start - rs[j - 1]!.end);
      out.minGapStartMs = Math.min(out.minGapStartMs, r.start - rs[j - 1]!.start);
      out.meanGapEndMs += r.start - rs[j - 1]!.end;
      gaps += 1;
    }
  });
  out.meanGapEndMs = gaps ? out.meanGapEndMs / gaps : 0;
  out.meanHostSpanMs = hosts ? out.meanHostSpanMs / hosts : 0;
  return out;
}

function runChild(
  kind: Kind,
  round: number,
  portals: Portal[],
  sites: Site[],
  env: Record<string, string> = {},
): Promise<Run> {
  const marks = [sites.map((s) => s.requests.length)];
  return new Promise((resolve, reject) => {
    const [command, args] = onCpu(0, [
      process.execPath,
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each child, to find the crawler's hot path.
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      kind,
    ]);
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...env, CRAWLEE_LOG_LEVEL: 'ERROR' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      const before = out.split('\nCYCLE\n').length;
      out += d.toString();
      for (let i = before; i < out.split('\nCYCLE\n').length; i += 1)
        marks.push(sites.map((s) => s.requests.length));
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${kind} child exited ${code}: ${out.slice(-2000)}`));
      const result = JSON.parse(line) as ChildResult;
      const cycles = result.cycles.map((c, i) => ({ ...c, ...seen(sites, marks[i]!, marks[i + 1]!) }));
      const rest = cycles.slice(1);
      resolve({
        kind,
        round,
        warmup: cycles[0]!,
        cold: WARM > 0 ? rest[0] : undefined,
        cycles: WARM > 0 ? rest.slice(1) : rest,
        peakRssMib: result.peakRssMib,
        peakMethod: result.peakMethod,
      });
    });
    child.stdin.end(JSON.stringify(portals));
  });
}

async function runOurs(round: number, portals: Portal[], sites: Site[]): Promise<Run> {
  const stores = await startStores((args) => onCpu(1, args));
  try {
    return await runChild('ours', round, portals, sites, stores.env);
  } finally {
    stores.stop();
  }
}

const fmt = (n: number, d = 1) => n.toFixed(d);
/** Content pages (listing and report pages; robots.txt is not a page) per second. */
const pagesPerSec = (c: Cycle) => (c.requests - c.robots) / (c.ms / 1000);
const pages = (c: Cycle) => c.requests - c.robots;
const range = (xs: number[], d = 2) =>
  xs.length === 0 ? 'n/a' : `${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)}`;

/** Politeness as configured for both: ≤ 1 request in flight per host, `DELAY_MS` between two starts at least (1 ms of the servers' clock allowed). */
function politeness(c: Cycle): string {
  const broken: string[] = [];
  if (c.maxInFlight > 1) broken.push(`${c.maxInFlight} in flight at one host`);
  // The servers time requests with Date.now() (whole milliseconds) on a busy CPU: 1 ms of slack, both sides.
  if (c.minGapStartMs < DELAY_MS - 1) broken.push(`${c.minGapStartMs} ms between two starts`);
  return broken.length ? `**broke politeness**: ${broken.join(', ')}` : 'kept';
}

function row(run: Run, name: string, c: Cycle): string {
  return `| ${run.round} | ${name} | ${c.requests} (${c.robots}) | ${fmt(c.ms / 1000, 2)} | ${fmt(pagesPerSec(c))} | ${fmt(c.cpuMs / pages(c), 2)} | ${fmt(c.peakRssMib ?? run.peakRssMib, 0)} | ${c.maxInFlight} | ${c.minGapEndMs} | ${c.minGapStartMs} | ${politeness(c)} |`;
}

/** The figures the cost model reads (infra/cost), as `name | value | unit | how` rows. */
export interface CrawlFigures {
  firstRequestsPerBody: number;
  firstStoreCallsPerBody: number;
  firstS3PutsPerBody: number;
  unchangedRequestsPerBody: number;
  unchangedStoreCallsPerBody: number;
  unchangedS3Puts: number;
  bytesPerPage: number;
  cpuMsPerPage: number;
  unchangedCpuMsPerBody: number;
}

export async function runCrawlBench(): Promise<string> {
  // The portals (this process, all its threads) on the crawlers' CPU; see PIN. `npm run bench` runs other
  // benchmarks in this process after this one: its CPUs are given back in `finally`.
  const giveBack = placeSelf(0);
  const load = [loadavg()[0]!];
  const sites: Site[] = [];
  for (let n = 0; n < PORTALS + WARM; n += 1) sites.push(await startSite(handler(n)));
  const portals = sites.map((s, n) => ({
    canonical: `http://p${n}.localhost:${new URL(s.origin).port}`,
    actual: s.origin,
  }));
  try {
    const ours: Run[] = [];
    const crawlee: Run[] = [];
    for (let r = 1; r <= ROUNDS; r += 1) {
      // The order alternates, so a drift in the machine's load does not favour one side.
      if (r % 2 === 1) {
        ours.push(await runOurs(r, portals, sites));
        crawlee.push(await runChild('crawlee', r, portals, sites));
      } else {
        crawlee.push(await runChild('crawlee', r, portals, sites));
        ours.push(await runOurs(r, portals, sites));
      }
      console.error(`crawl bench: round ${r} of ${ROUNDS} done`);
    }
    load.push(loadavg()[0]!);
    const first = (r: Run) => r.cycles[0]!;
    const speed = ours.map((o, i) => pagesPerSec(first(o)) / pagesPerSec(first(crawlee[i]!)));
    // Judged on each side's first crawl in a fresh process (the warm-up crawl when there is one): what a
    // second crawl adds differs between the sides (Crawlee's RSS grows more); the whole life's is printed too.
    const firstCrawl = (r: Run) => r.cold ?? first(r);
    const memory = ours.map(
      (o, i) =>
        (firstCrawl(o).peakRssMib ?? o.peakRssMib) /
        (firstCrawl(crawlee[i]!).peakRssMib ?? crawlee[i]!.peakRssMib),
    );
    const lifeMemory = ours.map((o, i) => o.peakRssMib / crawlee[i]!.peakRssMib);
    const coldSpeed = ours.flatMap((o, i) => {
      const k = crawlee[i]!.cold;
      return o.cold && k ? [pagesPerSec(o.cold) / pagesPerSec(k)] : [];
    });
    const cpu = ours.map(
      (o, i) => first(o).cpuMs / pages(first(o)) / (first(crawlee[i]!).cpuMs / pages(first(crawlee[i]!))),
    );
    const storesPerPage = ours.flatMap((o) => {
      const c = first(o);
      return c.storesCpuMs == null ? [] : [c.storesCpuMs / pages(c)];
    });
    const bothPerPage = ours.flatMap((o) => {
      const c = first(o);
      return c.storesCpuMs == null ? [] : [(c.cpuMs + c.storesCpuMs) / pages(c)];
    });
    const crawleePerPage = crawlee.map((k) => first(k).cpuMs / pages(first(k)));
    // Every crawl a side made counts, the warm-up crawl's too.
    const crawls = (r: Run) => [...(r.cold ? [r.cold] : []), ...r.cycles];
    const baselineBroke = crawlee
      .filter((k) => crawls(k).some((c) => politeness(c) !== 'kept'))
      .map((k) => k.round);
    const oursBroke = ours.filter((o) => crawls(o).some((c) => politeness(c) !== 'kept')).map((o) => o.round);
    const f = crawlFigures(ours);
    const rows = ours.flatMap((o, i) => {
      const k = crawlee[i]!;
      const pair = [
        ...(o.cold ? [row(o, 'ours: cold (first crawl in a fresh process, warm-up portals)', o.cold)] : []),
        row(o, 'ours: crawl stage, first cycle', first(o)),
        ...(k.cold
          ? [row(k, 'Crawlee: cold (first crawl in a fresh process, warm-up portals)', k.cold)]
          : []),
        row(k, 'Crawlee CheerioCrawler', first(k)),
      ];
      if (o.round % 2 === 1) return pair;
      const half = pair.length / 2;
      return [...pair.slice(half), ...pair.slice(0, half)];
    });
    return [
      '## Crawler vs Crawlee CheerioCrawler, like for like',
      '',
      `${PORTALS} portals, each its own loopback origin (listing + ${REPORTS} report pages + 1 decoy link, 20–50 ms per answer). Both sides: host delay ${DELAY_MS} ms, at most 1 request per host, ${GLOBAL} requests in flight overall, robots.txt honoured; each first fetches every host's robots.txt into its own cache (untimed warm-up, ${PORTALS} requests each), so both make the same ${PORTALS * (1 + REPORTS)} requests in the timed crawl. ${WARM > 0 ? `Before the timed crawl each side crawls ${WARM} other portals of the same shape in full (their robots.txt in the warm-up too), so the timed crawl runs with each side's code compiled, as in a warm Lambda container or a long-running Crawlee process (the stand-ins for DynamoDB and S3 are warmed too, and ours keeps its connections to them, as to real DynamoDB and S3); that first crawl is printed as "cold" and its ratio apart. ` : "No warm-up crawl (BENCH_WARM_PORTALS=0): the timed crawl is each side's first crawl in a fresh process. "}${ROUNDS} interleaved rounds (the order alternates). Requests, in-flight requests per host and gaps are counted at the servers; pages/s counts listing and report pages. CPU ms/page: the crawling process's user + system time over the timed crawl. Peak RSS: per row, ${[...ours, ...crawlee].every((r) => r.peakMethod === 'kernel') ? "the crawling process's peak RSS during that crawl as the kernel kept it (VmHWM, reset at each phase's start: exact, nothing sampling)" : 'the largest RSS sampled every 10 ms during that crawl'}; the memory ratio is judged on each side's first crawl in a fresh process (the warm-up crawl when there is one), and also printed over the process's whole life. ${PIN ? "Placement (`taskset`): our stores process (dynalite, s3rver) alone on CPU 1, as in production DynamoDB and S3 take none of the crawler's CPU; each crawler and the portals on CPU 0, the same for both sides." : "**Unplaced** (BENCH_PIN=0 or no `taskset`): the crawlers, the portals and our stores process share every core, so the stand-ins' CPU is taken from ours and from nobody's in Crawlee's rounds."}`,
      '',
      '| round | run | requests (robots.txt) | seconds | pages/s | CPU ms/page | peak RSS MiB | most in flight at one host | shortest gap end→start ms | shortest gap start→start ms | politeness |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `**Throughput, ours / Crawlee in the same round: ${range(speed)}× (worst ${fmt(Math.min(...speed), 2)}×; target ≥ 1)${coldSpeed.length ? `; cold (each side's first crawl in a fresh process): ${range(coldSpeed)}×` : ''}. Peak memory (peak RSS over each side's first crawl in a fresh process): ${range(memory)}× (worst ${fmt(Math.max(...memory), 2)}×; target ≤ 1); over the whole process, both crawls: ${range(lifeMemory)}×.** CPU per page: ${range(cpu)}×. Requests in flight on average (of ${GLOBAL} allowed), as the servers saw them: ours ${range(ours.map((o) => first(o).busyMs / first(o).ms))}, Crawlee ${range(crawlee.map((k) => first(k).busyMs / first(k).ms))}. Mean pause at a host between a response's end and its next request: ours ${range(
        ours.map((o) => first(o).meanGapEndMs),
        0,
      )} ms, Crawlee ${range(
        crawlee.map((k) => first(k).meanGapEndMs),
        0,
      )} ms; a host's first request to its last response, on average: ours ${range(
        ours.map((o) => first(o).meanHostSpanMs),
        0,
      )} ms, Crawlee ${range(
        crawlee.map((k) => first(k).meanHostSpanMs),
        0,
      )} ms.`,
      `Load average (1 min) at the bench's start → end: ${fmt(load[0]!, 2)} → ${fmt(load[1]!, 2)}${PIN ? " (other work on the machine competes with our stores on CPU 1, and with nothing in Crawlee's rounds: load favours Crawlee)" : ''}.`,
      `CPU of the stores process (dynalite and s3rver standing in for DynamoDB and S3, ${PIN ? 'on CPU 1 alone' : `on the same ${cpus().length} cores as the crawlers`}) during our timed crawl: ${range(storesPerPage)} ms/page; ours and the stores together ${range(bothPerPage)} ms/page, Crawlee ${range(crawleePerPage)} ms/page.`,
      `Politeness at the servers: ours ${oursBroke.length ? `**broke it in round(s) ${oursBroke.join(', ')}**` : 'kept it in every round'} (≤ 1 in flight per host; our delay runs from the end of a response as ours sees it: end→start ${range(
        ours.map((o) => first(o).minGapEndMs),
        0,
      )} ms as the servers timed it, the shortest per round; the servers stamp with Date.now() on the crawlers' CPU, so a gap a few ms under its rule is the stamp's lag, for either side); Crawlee ${baselineBroke.length ? `**broke it in round(s) ${baselineBroke.join(', ')}** (marked above)` : 'kept it in every round'} (its delay runs from one request's start to the next), over the timed${WARM > 0 ? ' and the warm-up' : ''} crawls.`,
      `Warm-up (robots.txt, untimed): ours ${range(
        ours.map((o) => o.warmup.requests),
        0,
      )} requests, Crawlee ${range(
        crawlee.map((k) => k.warmup.requests),
        0,
      )}; robots.txt asked again in the timed crawl: ours ${range(
        ours.map((o) => first(o).robots),
        0,
      )}, Crawlee ${range(
        crawlee.map((k) => first(k).robots),
        0,
      )}.`,
      `Unchanged second cycle (ours): ${range(ours.map((o) => o.cycles[1]!.requests / PORTALS))} requests/body (target ≤ 1.05), ${range(
        ours.map((o) => o.cycles[1]!.s3Puts ?? 0),
        0,
      )} S3 writes (target 0), ${range(ours.map((o) => (o.cycles[1]!.storeCalls ?? 0) / PORTALS))} store calls/body.`,
      `Store calls per body by command (ours, round 1): first cycle ${perCommand(first(ours[0]!))}; unchanged cycle ${perCommand(ours[0]!.cycles[1]!)}.`,
      '',
      "Ours runs with dynalite and s3rver in a separate process, as DynamoDB and S3 are remote in production (their memory is not counted, their CPU is printed apart and not in the ratios); Crawlee keeps its queue in memory. Crawlee's robots.txt handling when it is not warmed (each start URL's robots.txt fetched one after another while enqueueing) is not what is compared here.",
      '',
      costTable(f),
    ].join('\n');
  } finally {
    await Promise.all(sites.map((s) => s.close()));
    giveBack();
  }
}

/** `PutObject 4.00, GetItem 2.00` (calls per body, most first) from one cycle's tally. */
function perCommand(c: Cycle): string {
  const entries = Object.entries(c.storeCommands ?? {}).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return 'none';
  return entries.map(([name, n]) => `${name.replace(/Command$/, '')} ${fmt(n / PORTALS, 2)}`).join(', ');
}

/** Per-body and per-page figures of our runs: the worst (largest) over the rounds. */
function crawlFigures(ours: Run[]): CrawlFigures {
  const worst = (f: (r: Run) => number) => Math.max(...ours.map(f));
  return {
    firstRequestsPerBody: worst((r) => r.cycles[0]!.requests / PORTALS),
    firstStoreCallsPerBody: worst((r) => (r.cycles[0]!.storeCalls ?? 0) / PORTALS),
    firstS3PutsPerBody: worst((r) => (r.cycles[0]!.s3Puts ?? 0) / PORTALS),
    unchangedRequestsPerBody: worst((r) => r.cycles[1]!.requests / PORTALS),
    unchangedStoreCallsPerBody: worst((r) => (r.cycles[1]!.storeCalls ?? 0) / PORTALS),
    unchangedS3Puts: worst((r) => r.cycles[1]!.s3Puts ?? 0),
    bytesPerPage: worst((r) => r.cycles[0]!.bytes / pages(r.cycles[0]!)),
    // The larger of the cold and the warm crawl's: the cost model is not fed the compiled code's figure alone.
    cpuMsPerPage: worst((r) =>
      Math.max(...[r.cold, r.cycles[0]!].flatMap((c) => (c ? [c.cpuMs / pages(c)] : []))),
    ),
    unchangedCpuMsPerBody: worst((r) => r.cycles[1]!.cpuMs / PORTALS),
  };
}

function costTable(f: CrawlFigures): string {
  return [
    '### Crawl inputs for the cost model (worst over the rounds)',
    '',
    '<!-- cost-inputs:crawl -->',
    '| input | value | unit |',
    '|---|---:|---|',
    `| crawl.first.requestsPerBody | ${fmt(f.firstRequestsPerBody, 2)} | requests per body, first crawl (listing + ${REPORTS} reports) |`,
    `| crawl.first.storeCallsPerBody | ${fmt(f.firstStoreCallsPerBody, 2)} | DynamoDB + S3 calls per body, first crawl |`,
    `| crawl.first.s3PutsPerBody | ${fmt(f.firstS3PutsPerBody, 2)} | PutObject per body, first crawl (${REPORTS} reports) |`,
    `| crawl.first.bytesPerPage | ${fmt(f.bytesPerPage, 0)} | response body bytes per page (bench pages) |`,
    `| crawl.first.cpuMsPerPage | ${fmt(f.cpuMsPerPage, 2)} | CPU ms per page in the crawling process |`,
    `| crawl.unchanged.requestsPerBody | ${fmt(f.unchangedRequestsPerBody, 2)} | requests per body, unchanged cycle |`,
    `| crawl.unchanged.storeCallsPerBody | ${fmt(f.unchangedStoreCallsPerBody, 2)} | DynamoDB + S3 calls per body, unchanged cycle |`,
    `| crawl.unchanged.s3Puts | ${fmt(f.unchangedS3Puts, 0)} | PutObject in the whole unchanged cycle |`,
    `| crawl.unchanged.cpuMsPerBody | ${fmt(f.unchangedCpuMsPerBody, 2)} | CPU ms per body, unchanged cycle |`,
    '<!-- /cost-inputs:crawl -->',
  ].join('\n');
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
    startPhasePeaks();
    const result = kind === 'ours' ? await childOurs(portals) : await childCrawlee(portals);
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
    process.exit(0);
  } else {
    console.log(await runCrawlBench());
  }
}
