/**
 * Measures what sizes the browser function: the memory of this process and every process under it (Chromium's
 * browser, GPU, network and renderer processes) while one BrowserPool, launched as the browser function
 * launches it (@sparticuz/chromium's binary and flags, playwright-core, the guard proxy), renders listing
 * pages of `origins` portals one after another, `rounds` times, in one warm container (contexts per origin
 * kept, as in Lambda). `npx tsx infra/cost/browser-memory.ts [origins] [rounds]`.
 *
 * The listing: the demo portal's five seed listings' markup inside ~45 KB of county-CMS chrome (800 nav
 * links, a stylesheet), its report links written by a script after load (why a listing needs Chromium), and
 * a 200 KB banner. Sampled every 50 ms: the sum of RSS (an upper bound: shared pages counted in each process)
 * and the sum of PSS (shared pages split between the processes sharing them: what a cgroup, Lambda's memory
 * limit, comes closest to charging). And the CPU time of the whole tree per render (launch included), which
 * with Lambda's vCPU share (one vCPU at 1,769 MB) bounds a render's duration at a given memory size.
 */
import { readdir, readFile } from 'node:fs/promises';
import { BrowserPool } from '#shared/crawl/browser.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import { type Site, sendPage, startSite } from '#test/support/site-server.ts';

const ORIGINS = Number(process.argv[2] ?? 20);
const ROUNDS = Number(process.argv[3] ?? 3);

const chrome = `<div class="nav">${'<a href="/x">导航栏目</a>'.repeat(800)}</div>`;
const css = `${'.nav a{color:#036;margin:0 4px}'.repeat(300)}`;
const banner = Buffer.alloc(200 * 1024, 7);

function listing(site: number): string {
  const links = Array.from({ length: 20 }, (_, i) => ({
    href: `/col/${2023 - i}/t${2024 - i}0115_${site}.html`,
    title: `测试${site}县${2023 - i}年政府信息公开工作年度报告`,
  }));
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/site.css">
<title>政府信息公开年报</title></head><body>${chrome}<img src="/banner.jpg"><ul id="list"></ul>
<script>const items=${JSON.stringify(links)};const ul=document.getElementById('list');
for(const it of items){const li=document.createElement('li');const a=document.createElement('a');
a.href=it.href;a.textContent=it.title;li.appendChild(a);ul.appendChild(li);}</script></body></html>`;
}

/** The memory of `root` and its descendants in MiB: summed RSS and summed PSS (Linux /proc). */
async function treeMemory(root: number): Promise<{ rss: number; pss: number; processes: number }> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(Number(name), ppid);
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  let rss = 0;
  let pss = 0;
  let processes = 0;
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
    rss += kb('Rss');
    pss += kb('Pss');
    processes += 1;
  }
  return { rss: rss / 1024, pss: pss / 1024, processes };
}

/** CPU seconds of this process and of its reaped children (Chromium's, once the pool is closed): /proc/self/stat. */
async function treeCpuSeconds(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14–17 of proc(5) (utime, stime, cutime, cstime) are the 12th–15th after the command name.
  return [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0) / 100;
}

const sites: Site[] = await Promise.all(
  Array.from({ length: ORIGINS }, (_, i) =>
    startSite((req, res) => {
      if (req.url === '/site.css') return sendPage(req, res, Buffer.from(css), 'text/css');
      if (req.url === '/banner.jpg') return sendPage(req, res, banner, 'image/jpeg');
      return sendPage(req, res, Buffer.from(listing(i)), 'text/html; charset=utf-8');
    }),
  ),
);
const pool = new BrowserPool({
  userAgent: 'nianbao-watch-measure',
  timeoutMs: 30_000,
  gate: new HostGate(0, 1),
  allowPrivateOrigins: sites.map((s) => s.origin),
});
const peak = { rss: 0, pss: 0, processes: 0 };
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    const m = await treeMemory(process.pid);
    peak.rss = Math.max(peak.rss, m.rss);
    peak.pss = Math.max(peak.pss, m.pss);
    peak.processes = Math.max(peak.processes, m.processes);
    await new Promise((r) => setTimeout(r, 50));
  }
})();
const before = await treeMemory(process.pid);
const cpuBefore = await treeCpuSeconds();
const started = Date.now();
let links = 0;
for (let round = 0; round < ROUNDS; round += 1)
  for (const site of sites) {
    const page = await pool.render(`${site.origin}/col/index.html`);
    links += (page.html.match(/年政府信息公开工作年度报告<\/a>/g) ?? []).length;
  }
const renders = ORIGINS * ROUNDS;
const ms = Date.now() - started;
sampling = false;
await sampler;
await pool.close();
await Promise.all(sites.map((s) => s.close()));
// The portals answer in this process too: their share is small (a static page each) and counted here.
const cpuMs = ((await treeCpuSeconds()) - cpuBefore) * 1000;
console.log(
  JSON.stringify(
    {
      origins: ORIGINS,
      rounds: ROUNDS,
      renders,
      reportLinksSeen: links,
      nodeOnlyBeforeMiB: Math.round(before.rss),
      peakTreeRssMiB: Math.round(peak.rss),
      peakTreePssMiB: Math.round(peak.pss),
      peakProcesses: peak.processes,
      msPerRenderIncludingLaunch: Math.round(ms / renders),
      cpuMsPerRenderIncludingLaunch: Math.round(cpuMs / renders),
    },
    null,
    2,
  ),
);
process.exit(0);
