import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { load } from 'cheerio';
import { detailPageHtml } from '#seeds/portal/pages.ts';
import { parseReport } from '#shared/parse/parse-report.ts';

/**
 * Parser throughput against a floor measured in the same run on the same bytes: cheerio `load` plus
 * `.text()`, the least any HTML parser here must do. Target: parser time within 2.5× of the floor.
 */

interface Input {
  name: string;
  html: string;
  bytes: number;
}

export interface ParseBenchResult {
  reports: number;
  megabytes: number;
  parser: { seconds: number; reportsPerSecond: number; mbPerSecond: number };
  floor: { seconds: number; reportsPerSecond: number; mbPerSecond: number };
  /** parser seconds / floor seconds. */
  ratio: number;
  peakRssMb: number;
  peakHeapMb: number;
  perInput: Array<{ name: string; kb: number; parserMs: number; floorMs: number; ratio: number }>;
}

function corpus(): Input[] {
  const fixture = (name: string) =>
    readFileSync(new URL(`../fixtures/parse/${name}`, import.meta.url), 'utf8');
  const inputs: Array<[string, string]> = [
    ...(['000', '001', '002', '003', '004'] as const).map((k): [string, string] => [
      `seed ${k}`,
      detailPageHtml(k),
    ]),
    ['template 2019', fixture('template-2019.html')],
    ['template 2021', fixture('template-2021.html')],
  ];
  // Large reports: a long prose report (seed 003's body ×40, ~1 MB) and a table-heavy one (Table 三 ×60).
  const seed3 = detailPageHtml('003');
  const body = /<div class="[^"]*content[^"]*">([\s\S]*?)<\/div>/i.exec(seed3)?.[1] ?? seed3;
  inputs.push(['large prose (003 ×40)', seed3.replace(body, body.repeat(40))]);
  const t21 = fixture('template-2021.html');
  const table3 = /<table border="1" class="t3">[\s\S]*?<\/table>/.exec(t21)?.[0] ?? '';
  inputs.push(['large tables (表三 ×60)', t21.replace(table3, table3.repeat(60))]);
  return inputs.map(([name, html]) => ({ name, html, bytes: Buffer.byteLength(html) }));
}

function time(fn: () => void, minMs: number): number {
  let runs = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || runs < 3) {
    fn();
    runs++;
    elapsed = performance.now() - started;
  }
  return elapsed / runs;
}

export async function runParseBench(options: { minMsPerInput?: number } = {}): Promise<ParseBenchResult> {
  const minMs = options.minMsPerInput ?? 300;
  const inputs = corpus();
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  // Warm-up: JIT, and the OpenCC dictionaries loaded once.
  for (const input of inputs) {
    parseReport({ html: input.html, url: 'http://bench.gov.cn/a.html' });
    load(input.html).root().text();
  }
  const perInput: ParseBenchResult['perInput'] = [];
  let parserTotal = 0;
  let floorTotal = 0;
  for (const input of inputs) {
    const floorMs = time(() => {
      load(input.html).root().text();
    }, minMs);
    const parserMs = time(() => {
      parseReport({ html: input.html, url: 'http://bench.gov.cn/a.html' });
      sample();
    }, minMs);
    parserTotal += parserMs;
    floorTotal += floorMs;
    perInput.push({
      name: input.name,
      kb: Math.round(input.bytes / 1024),
      parserMs: round(parserMs),
      floorMs: round(floorMs),
      ratio: round(parserMs / floorMs),
    });
  }
  const megabytes = inputs.reduce((s, i) => s + i.bytes, 0) / 1024 / 1024;
  const rate = (ms: number) => ({
    seconds: round(ms / 1000, 4),
    reportsPerSecond: round(inputs.length / (ms / 1000)),
    mbPerSecond: round(megabytes / (ms / 1000)),
  });
  return {
    reports: inputs.length,
    megabytes: round(megabytes, 3),
    parser: rate(parserTotal),
    floor: rate(floorTotal),
    ratio: round(parserTotal / floorTotal),
    peakRssMb: round(peakRss / 1024 / 1024, 1),
    peakHeapMb: round(peakHeap / 1024 / 1024, 1),
    perInput,
  };
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runParseBench();
  console.table(r.perInput);
  console.log(
    `parser: ${r.parser.reportsPerSecond} reports/s, ${r.parser.mbPerSecond} MB/s | floor (cheerio load + text): ${r.floor.reportsPerSecond} reports/s, ${r.floor.mbPerSecond} MB/s`,
  );
  console.log(
    `ratio parser/floor: ${r.ratio}× (target ≤ 2.5×) | peak RSS ${r.peakRssMb} MB, peak heap ${r.peakHeapMb} MB | ${r.reports} inputs, ${r.megabytes} MB`,
  );
}
