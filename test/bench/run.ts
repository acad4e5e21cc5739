/**
 * `npm run bench`: every benchmark in one run, each against its named baseline measured in the same run;
 * prints the figures and writes them to test/bench/RESULTS.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { runApiBench } from './api-bench.ts';
import { runCrawlBench } from './crawl-bench.ts';
import { parseSection, runParseBench } from './parse-bench.ts';
import { runPipelineBench } from './pipeline-bench.ts';
import { rulesSection, runRulesBench } from './rules-bench.ts';

// The SDK's notice that Node 20 leaves its support window; the Lambdas run Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const fmt = (n: number, d = 1) => n.toFixed(d);

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
  { name: 'rules', run: async () => rulesSection(await runRulesBench()) },
  { name: 'crawl', run: runCrawlBench },
  { name: 'pipeline', run: runPipelineBench },
  { name: 'api', run: runApiBench },
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
