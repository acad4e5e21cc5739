/**
 * Measures what sizes the plain-HTTP crawl function: peak RSS of one crawl-tick batch (whole hosts,
 * walked at once by crawlHosts, no Chromium) and the wall time of an unchanged batch, on the embedded
 * runtime against loopback portals. `npx tsx infra/cost/crawl-memory.ts [hosts] [bodiesPerHost] [reports]`
 * (`reports`: report links per listing, 3 by default; the stored item sizes, the CHECK# entry's above all,
 * grow with it).
 *
 * The portals run in this process; the crawl runs in a child process (so its peak RSS is the crawl's
 * alone, plus tsx's loader: an upper bound on the bundled function's), with the stores in a third
 * (dynalite, s3rver), as DynamoDB and S3 are remote in Lambda.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Body } from '#shared/domain/body.ts';
import { listingPageHtml, type Site, sendPage, startSite } from '#test/support/site-server.ts';

// `[hosts] [bodiesPerHost] [reports]`; the child gets `--child hosts bodiesPerHost reports`.
const args = process.argv[2] === '--child' ? process.argv.slice(3) : process.argv.slice(2);
const HOSTS = Number(args[0] ?? 30);
const PER_HOST = Number(args[1] ?? 33);
const REPORTS = Number(args[2] ?? 3);

function portal(host: number) {
  return (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const path = req.url ?? '/';
    if (path === '/robots.txt')
      return sendPage(req, res, Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain');
    const column = /^\/col(\d+)\/index\.html$/.exec(path);
    // A county CMS page's weight: ~40 KB of chrome around the column's links.
    const chrome = `<div class="nav">${'<a href="/x">导航</a>'.repeat(800)}</div>`;
    const html = column
      ? listingPageHtml(
          '年报',
          Array.from({ length: REPORTS }, (_, i) => 2023 - i).map((y) => ({
            href: `/col${column[1]}/${y}/t${y + 1}0115_${column[1]}.html`,
            title: `测试${host}县第${column[1]}部门${y}年政府信息公开工作年度报告`,
          })),
        ).replace('<body>', `<body>${chrome}`)
      : `<html><body>${chrome}<h1>政府信息公开工作年度报告</h1><p>${'正文'.repeat(20_000)}</p></body></html>`;
    return sendPage(req, res, Buffer.from(html), 'text/html; charset=utf-8');
  };
}

async function crawlChild(origins: string[]): Promise<void> {
  const { startCrawlRuntime } = await import('#test/support/crawl-runtime.ts');
  const { crawlHosts } = await import('#shared/stages/crawl-hosts.ts');
  const bodies = origins.flatMap((origin, h) =>
    Array.from({ length: PER_HOST }, (_, c) =>
      Body.parse({
        id: `${110101 + h}-d${c}`,
        name: `测试${h}县第${c}部门`,
        level: 'department',
        divisionCode: String(110101 + h),
        listingUrl: `${origin}/col${c}/index.html`,
      }),
    ),
  );
  const t = await startCrawlRuntime(
    bodies,
    { NIANBAO_HOST_DELAY_MS: '100', NIANBAO_CONCURRENCY: '32', NIANBAO_CRAWL_WORKERS: '32' },
    undefined,
    [],
  );
  const ids = bodies.map((b) => b.id);
  const mib = () => Math.round(process.resourceUsage().maxRSS / 1024);
  const startRss = mib();
  let at = Date.now();
  const first = await crawlHosts(ids, t.rt.ctx, { force: true });
  const firstMs = Date.now() - at;
  const afterFirst = mib();
  at = Date.now();
  const cpuBefore = process.cpuUsage();
  const second = await crawlHosts(ids, t.rt.ctx, { force: true });
  const secondMs = Date.now() - at;
  const unchangedCpu = process.cpuUsage(cpuBefore);
  const cpu = process.cpuUsage();
  const items = await itemSizes(t.rt.dataDir, ids[0] ?? '');
  await t.close();
  process.send?.({
    bodies: ids.length,
    hosts: origins.length,
    reportLinksPerListing: REPORTS,
    rssAtStartMiB: startRss,
    peakRssFirstCrawlMiB: afterFirst,
    peakRssAfterUnchangedMiB: mib(),
    firstCrawlMs: firstMs,
    firstStatuses: count(first.crawled.map((o) => o.status)),
    unchangedMs: secondMs,
    unchangedStatuses: count(second.crawled.map((o) => o.status)),
    cpuMsTotal: Math.round((cpu.user + cpu.system) / 1000),
    unchangedCpuMsPerBody: Number(((unchangedCpu.user + unchangedCpu.system) / 1000 / ids.length).toFixed(2)),
    itemBytesOfOneBody: items,
  });
}

/** The stored size (JSON bytes, close to DynamoDB's attribute-name + value count) of one body's items by kind. */
async function itemSizes(dataDir: string, bodyId: string): Promise<Record<string, number>> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const { makeDocumentClient } = await import('#shared/store/clients.ts');
  const { dynamodb } = JSON.parse(await readFile(join(dataDir, 'stores.json'), 'utf8')) as {
    dynamodb: string;
  };
  const db = makeDocumentClient({ region: 'cn-north-1', dynamodbEndpoint: dynamodb });
  const res = await db.send(
    new QueryCommand({
      TableName: 'nianbao',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `BODY#${bodyId}` },
    }),
  );
  const out: Record<string, number> = {};
  for (const item of res.Items ?? []) {
    const kind = String(item.sk).split('#')[0] ?? 'other';
    // The latest item of each kind (CHECK# entries sort by time).
    out[kind] = Buffer.byteLength(JSON.stringify(item));
  }
  return out;
}

const count = (xs: string[]) =>
  Object.fromEntries([...new Set(xs)].map((x) => [x, xs.filter((y) => y === x).length]));

if (process.argv[2] === '--child') {
  await crawlChild(JSON.parse(process.env.CRAWL_MEMORY_ORIGINS ?? '[]') as string[]);
  process.exit(0);
} else {
  const sites: Site[] = await Promise.all(Array.from({ length: HOSTS }, (_, h) => startSite(portal(h))));
  const child = fork(
    fileURLToPath(import.meta.url),
    ['--child', String(HOSTS), String(PER_HOST), String(REPORTS)],
    {
      env: { ...process.env, CRAWL_MEMORY_ORIGINS: JSON.stringify(sites.map((s) => s.origin)) },
      execArgv: ['--import', 'tsx'],
    },
  );
  const result = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`crawl child exited ${code}`)));
  });
  console.log(JSON.stringify(result, null, 2));
  await Promise.all(sites.map((s) => s.close()));
  process.exit(0);
}
