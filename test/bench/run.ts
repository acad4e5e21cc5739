/**
 * `npm run bench`: every benchmark in one run, each against its named baseline measured in the same run;
 * prints the figures and writes them to test/bench/RESULTS.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { runCrawlBench } from './crawl-bench.ts';
import { type ParseBenchResult, runParseBench } from './parse-bench.ts';
import { runPipelineBench } from './pipeline-bench.ts';

// The SDK's notice that Node 20 leaves its support window; the Lambdas run Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const fmt = (n: number, d = 1) => n.toFixed(d);

function parseSection(r: ParseBenchResult): string {
  return [
    '## Parser (`parseReport`) vs the floor: cheerio `load` + `.text()` of the same bytes',
    '',
    `Corpus: ${r.reports} inputs, ${fmt(r.megabytes, 2)} MB (the five seed pages, the 2019/2021 template fixtures, generated large reports).`,
    '',
    '| | reports/s | MB/s | seconds |',
    '|---|---|---|---|',
    `| nianbao parser | ${fmt(r.parser.reportsPerSecond)} | ${fmt(r.parser.mbPerSecond, 2)} | ${fmt(r.parser.seconds, 3)} |`,
    `| floor (cheerio load + text) | ${fmt(r.floor.reportsPerSecond)} | ${fmt(r.floor.mbPerSecond, 2)} | ${fmt(r.floor.seconds, 3)} |`,
    '',
    `**Ratio parser/floor: ${fmt(r.ratio, 2)}×** (target ≤ 2.5×). Peak RSS ${fmt(r.peakRssMb, 0)} MB, peak heap ${fmt(r.peakHeapMb, 0)} MB (process-wide, parser and floor together).`,
    '',
    '| input | KB | parser ms | floor ms | ratio |',
    '|---|---|---|---|---|',
    ...r.perInput.map(
      (p) =>
        `| ${p.name} | ${fmt(p.kb, 0)} | ${fmt(p.parserMs, 2)} | ${fmt(p.floorMs, 2)} | ${fmt(p.ratio, 2)} |`,
    ),
  ].join('\n');
}

const header = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} cores, ${fmt(totalmem() / 2 ** 30, 0)} GiB. Figures vary with the machine's load; the ratios against the baselines measured in the same run are what to compare.`,
].join('\n');

/**
 * Every benchmark: a name (to run one alone, `npm run bench -- <name>…`) and a function that runs it and
 * returns its Markdown section. Add a benchmark with one line here.
 */
const benches: Array<{ name: string; run: () => Promise<string> }> = [
  { name: 'parser', run: async () => parseSection(await runParseBench()) },
  { name: 'crawl', run: runCrawlBench },
  { name: 'pipeline', run: runPipelineBench },
];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const sections: string[] = [];
for (const bench of benches) {
  if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
  console.log(`${bench.name} bench…`);
  const section = await bench.run();
  console.log(section, '\n');
  sections.push(section);
}
// Only a full run rewrites RESULTS.md: a partial run prints its sections and leaves the file alone.
if (wanted.length === 0) {
  writeFileSync(new URL('./RESULTS.md', import.meta.url), `${header}\n\n${sections.join('\n\n')}\n`);
  console.log('written to test/bench/RESULTS.md');
}
