/**
 * Whole-pipeline bench on real reports: 100 portals on loopback, each listing one of the five seed reports
 * (real 政府信息公开工作年度报告 pages with their tables and 统计表, one with its .doc attachment; three carry
 * findings the rules raise: spam.injection, arith.percent) with a sentence of its own, so no two portals
 * serve the same text. Subscribers cover every body, so alerts are mailed to the SMTP sink. Measured: one
 * full cycle (schedule, crawl, parse, rules, sweep, alert, mail) against the baseline run on the same
 * portals in the same rounds: the crawl stage alone (fetching and storing: the floor any pipeline pays).
 * Interleaved rounds in child processes (peak RSS per run); stores in a process of their own.
 * `npx tsx test/bench/pipeline-bench.ts`
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { YUCI_DOC_PATH } from '#seeds/portal/detail-pages.ts';
import { detailPageHtml } from '#seeds/portal/pages.ts';
import { DEMO_SITES } from '#seeds/portal/sites.ts';
import { listingPageHtml, type Site, sendPage, sleep, startSite } from '../support/site-server.ts';
import { countStoreCalls, startStores } from './bench-stores.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PORTALS = Number(process.env.BENCH_PIPELINE_PORTALS ?? 100);
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
const DELAY_MS = 100;
const GLOBAL = 8;
/** After every seed report's deadline: the sweep judges 2025 too (deadline.missing alerts). */
const TODAY = '2026-11-24';
const LISTING = '/xxgk/ndbg/index.html';
const DOC = readFileSync(new URL('../../seeds/portal/files/2011ndbg.doc', import.meta.url));
const SEED_BODIES = (
  JSON.parse(readFileSync(new URL('../../seeds/bodies.json', import.meta.url), 'utf8')) as {
    bodies: Array<{ id: string; name: string; level: string; divisionCode: string }>;
  }
).bodies;

type Kind = 'pipeline' | 'floor';
interface Portal {
  canonical: string;
  actual: string;
}

const seedOf = (n: number) => DEMO_SITES[n % DEMO_SITES.length]!;

function handler(n: number) {
  const seed = seedOf(n);
  // One sentence of its own in section 六: no two portals serve the same text (no cross-host mirror).
  const page = detailPageHtml(seed.key).replace('</body>', `<p>本页编号${n}。</p></body>`);
  let k = 0;
  return async (req: IncomingMessage, res: ServerResponse) => {
    k += 1;
    await sleep(20 + ((n * 7 + k * 13) % 31)); // 20–50 ms, deterministic
    const path = req.url ?? '/';
    if (path === '/robots.txt') return sendPage(req, res, Buffer.from('User-agent: *\n'), 'text/plain');
    if (path === LISTING) {
      const links = [
        { href: seed.reportPath, title: `${seed.name}${seed.reportYear}年政府信息公开工作年度报告` },
        { href: '/xxgk/tz/1.html', title: '关于做好政府信息公开工作年度报告编制工作的通知' },
      ];
      return sendPage(req, res, Buffer.from(listingPageHtml('年报', links)), 'text/html; charset=utf-8');
    }
    if (path === YUCI_DOC_PATH) return sendPage(req, res, DOC, 'application/msword');
    if (path === seed.reportPath) return sendPage(req, res, Buffer.from(page), 'text/html; charset=utf-8');
    res.writeHead(404).end();
  };
}

const peakRssMib = () => process.resourceUsage().maxRSS / 1024;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface ChildResult {
  ms: number;
  cpuMs: number;
  peakRssMib: number;
  storeCalls: number;
  s3Puts: number;
  reports: number;
  findings: number;
  alerts: number;
  mails: number;
}

// ---- child ------------------------------------------------------------------------------------

async function child(portals: Portal[], kind: Kind): Promise<ChildResult> {
  const { Body } = await import('#shared/domain/body.ts');
  const { crawlOnce, startCrawlRuntime } = await import('#test/support/crawl-runtime.ts');
  const { runCycle } = await import('#shared/local/cycle.ts');
  const registry = portals.map((p, n) => {
    const seed = SEED_BODIES.find((b) => b.id === seedOf(n).bodyId)!;
    return Body.parse({
      id: `${seed.id.split('-')[0]}-b${n}`,
      name: seed.name,
      level: seed.level,
      divisionCode: seed.divisionCode,
      listingUrl: `${p.canonical}${LISTING}`,
    });
  });
  const t = await startCrawlRuntime(
    registry,
    {
      NIANBAO_TODAY: TODAY,
      NIANBAO_HOST_DELAY_MS: String(DELAY_MS),
      NIANBAO_CONCURRENCY: String(GLOBAL),
      NIANBAO_DYNAMODB_ENDPOINT: process.env.BENCH_DYNAMODB ?? '',
      NIANBAO_S3_ENDPOINT: process.env.BENCH_S3 ?? '',
    },
    Object.fromEntries(portals.map((p) => [p.canonical, p.actual])),
    kind === 'floor' ? ['crawl'] : undefined,
  );
  // Every call to DynamoDB and S3, counted at the SDK; PutObject apart (the cycle's S3 writes).
  const store = countStoreCalls(t.rt.ctx);
  const now = new Date().toISOString();
  // Everyone, and one subscriber per seed division: each alert goes to one or two addresses.
  await t.rt.ctx.subscribers.subscribe('all@example.org', ['*'], { confirmed: true }, now);
  for (const seed of SEED_BODIES)
    await t.rt.ctx.subscribers.subscribe(
      `${seed.divisionCode}@example.org`,
      [seed.divisionCode],
      { confirmed: true },
      now,
    );
  const [calls0, puts0, cpu0] = [store.calls(), store.puts(), cpuMs()];
  const t0 = performance.now();
  let result: Pick<ChildResult, 'reports' | 'findings' | 'alerts' | 'mails'>;
  if (kind === 'pipeline') {
    const s = await runCycle(t.rt, { force: true });
    result = {
      reports: s.reports.length,
      findings: Object.values(s.findings).reduce((a, b) => a + b, 0),
      alerts: s.alertsRaised,
      mails: s.emailsDelivered,
    };
  } else {
    await crawlOnce(t.rt);
    result = { reports: 0, findings: 0, alerts: 0, mails: 0 };
  }
  const out: ChildResult = {
    ms: performance.now() - t0,
    cpuMs: cpuMs() - cpu0,
    peakRssMib: peakRssMib(),
    storeCalls: store.calls() - calls0,
    s3Puts: store.puts() - puts0,
    ...result,
  };
  await t.close();
  return out;
}

// ---- parent -----------------------------------------------------------------------------------

interface Run extends ChildResult {
  kind: Kind;
  round: number;
  requests: number;
}

async function runChild(kind: Kind, round: number, portals: Portal[], sites: Site[]): Promise<Run> {
  const stores = await startStores();
  const before = sites.reduce((n, s) => n + s.requests.length, 0);
  try {
    const result = await new Promise<ChildResult>((resolve, reject) => {
      const c = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kind],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
          env: { ...process.env, ...stores.env },
        },
      );
      let out = '';
      c.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      c.on('error', reject);
      c.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`${kind} child exited ${code}: ${out.slice(-2000)}`));
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as ChildResult);
      });
      c.stdin.end(JSON.stringify(portals));
    });
    const requests = sites.reduce((n, s) => n + s.requests.length, 0) - before;
    return { ...result, kind, round, requests };
  } finally {
    stores.stop();
  }
}

const fmt = (n: number, d = 1) => n.toFixed(d);
const range = (xs: number[], d = 2) => `${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)}`;

function row(r: Run): string {
  const name = r.kind === 'pipeline' ? 'whole pipeline: one cycle' : 'baseline: crawl stage alone';
  return `| ${r.round} | ${name} | ${r.requests} | ${fmt(r.ms / 1000, 2)} | ${r.reports} | ${r.findings} | ${r.alerts} | ${r.mails} | ${fmt(r.cpuMs / PORTALS, 1)} | ${fmt(r.storeCalls / PORTALS, 1)} | ${fmt(r.s3Puts / PORTALS, 2)} | ${fmt(r.peakRssMib, 0)} |`;
}

export async function runPipelineBench(): Promise<string> {
  const sites: Site[] = [];
  for (let n = 0; n < PORTALS; n += 1) sites.push(await startSite(handler(n)));
  const portals = sites.map((s, n) => ({
    canonical: `http://p${n}.localhost:${new URL(s.origin).port}`,
    actual: s.origin,
  }));
  try {
    const pipeline: Run[] = [];
    const floor: Run[] = [];
    for (let r = 1; r <= ROUNDS; r += 1) {
      if (r % 2 === 1) {
        pipeline.push(await runChild('pipeline', r, portals, sites));
        floor.push(await runChild('floor', r, portals, sites));
      } else {
        floor.push(await runChild('floor', r, portals, sites));
        pipeline.push(await runChild('pipeline', r, portals, sites));
      }
      console.error(`pipeline bench: round ${r} of ${ROUNDS} done`);
    }
    const time = pipeline.map((p, i) => p.ms / floor[i]!.ms);
    const memory = pipeline.map((p, i) => p.peakRssMib / floor[i]!.peakRssMib);
    // What parse, rules, sweep, alert and mail add to the crawl, per report (CPU of the same process).
    const extraCpu = pipeline.map((p, i) => (p.cpuMs - floor[i]!.cpuMs) / p.reports);
    const worst = (xs: number[]) => Math.max(...xs);
    const rows = pipeline.flatMap((p, i) =>
      p.round % 2 === 1 ? [row(p), row(floor[i]!)] : [row(floor[i]!), row(p)],
    );
    return [
      '## Whole pipeline on real reports vs the crawl stage alone',
      '',
      `${PORTALS} portals on loopback, each listing one of the five seed reports (real pages with their tables; one with its .doc attachment) and a decoy; host delay ${DELAY_MS} ms, ${GLOBAL} requests in flight overall, 20–50 ms per answer. Subscribers: one for everything and one per seed division (confirmed), so every alert is mailed (SMTP sink). Today ${TODAY}: the sweep also judges 2025 (missing). **Baseline: the crawl stage alone on the same portals** (fetch, archive, link state: the floor any pipeline pays), run in the same rounds. ${ROUNDS} interleaved rounds, each run in its own process with fresh stores (dynalite and s3rver in a process of their own).`,
      '',
      '| round | run | requests | seconds | reports | findings | alerts | mails | CPU ms/body | store calls/body | S3 PutObject/body | peak RSS MiB |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `**Whole pipeline / crawl stage alone: ${range(time)}× the time (worst ${fmt(worst(time), 2)}×), ${range(memory)}× the peak memory (worst ${fmt(worst(memory), 2)}×).** Parse, rules, sweep, alert and mail add ${range(extraCpu, 1)} CPU ms per report (worst ${fmt(worst(extraCpu), 1)}).`,
      '',
      '### Pipeline inputs for the cost model (worst over the rounds)',
      '',
      '<!-- cost-inputs:pipeline -->',
      '| input | value | unit |',
      '|---|---:|---|',
      `| pipeline.cpuMsPerReport | ${fmt(worst(extraCpu), 1)} | CPU ms per report for parse, rules, sweep, alert and mail (whole pipeline less the crawl stage) |`,
      `| pipeline.storeCallsPerBody | ${fmt(worst(pipeline.map((p) => p.storeCalls / PORTALS)), 1)} | DynamoDB + S3 calls per body, whole first cycle |`,
      `| pipeline.s3PutsPerBody | ${fmt(worst(pipeline.map((p) => p.s3Puts / PORTALS)), 2)} | PutObject per body, whole first cycle (1 report) |`,
      `| pipeline.requestsPerBody | ${fmt(worst(pipeline.map((p) => p.requests / PORTALS)), 2)} | portal requests per body, robots.txt included |`,
      `| pipeline.mailsPerBody | ${fmt(worst(pipeline.map((p) => p.mails / PORTALS)), 2)} | mails per body (2 subscribers cover each) |`,
      `| pipeline.alertsPerBody | ${fmt(worst(pipeline.map((p) => p.alerts / PORTALS)), 2)} | alerts raised per body |`,
      '<!-- /cost-inputs:pipeline -->',
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
    const result = await child(portals, process.argv[i + 1] as Kind);
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
    process.exit(0);
  } else {
    console.log(await runPipelineBench());
  }
}
