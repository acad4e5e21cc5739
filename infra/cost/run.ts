import {
  BROWSER_CRAWL,
  CHECK_ENTRY_KB,
  DAILY,
  HTTP_CRAWL,
  MAIL,
  NEW_REPORT,
  PRICES,
  UNCHANGED_CHECK,
} from './inputs.ts';
import { dailyCycle, firstCrawlCost, type Line, type MonthKind, monthlyCost, total } from './model.ts';

/**
 * `npm run cost`: the monthly AWS bill for 10,000 and 100,000 bodies checked daily January–April and
 * weekly otherwise, from the inputs in inputs.ts (measured ones from test/bench/RESULTS.md) and list prices.
 */
const SIZES = [10_000, 100_000];
const KINDS: MonthKind[] = ['season', 'off-season', 'average'];
const usd = (n: number): string => `$${n < 10 ? n.toFixed(2) : n.toFixed(0)}`;

const lines: string[] = [];
lines.push(`Prices: ${PRICES.region}, ${PRICES.asOf}.`);
lines.push('');
const heads = SIZES.flatMap((n) => KINDS.map((k) => `${n.toLocaleString('en')} ${k}`));
lines.push(`| component | ${heads.join(' | ')} |`);
lines.push(`|---|${SIZES.flatMap(() => KINDS.map(() => '---:')).join('|')}|`);
const tables = new Map<string, Line[]>(
  SIZES.flatMap((n) => KINDS.map((k) => [`${n}/${k}`, monthlyCost(n, k)] as const)),
);
const items = monthlyCost(0, 'season').map((l) => l.item);
items.forEach((item, i) => {
  const cells = SIZES.flatMap((n) => KINDS.map((k) => usd(tables.get(`${n}/${k}`)?.[i]?.usd ?? 0)));
  lines.push(`| ${item} | ${cells.join(' | ')} |`);
});
lines.push(
  `| **total per month** | ${SIZES.flatMap((n) => KINDS.map((k) => `**${usd(total(tables.get(`${n}/${k}`) ?? []))}**`)).join(' | ')} |`,
);
lines.push(
  `| ${firstCrawlCost(SIZES[0] ?? 0).item} | ${SIZES.flatMap((n) => [usd(firstCrawlCost(n).usd), '', '']).join(' | ')} |`,
);
lines.push('');
lines.push('Arithmetic (100,000 bodies, a season month):');
for (const l of monthlyCost(100_000, 'season')) lines.push(`- ${l.item}: ${l.how} = ${usd(l.usd)}`);
lines.push(`- ${firstCrawlCost(100_000).how}`);
lines.push('');
const cycle = dailyCycle(100_000);
lines.push(
  `Daily cycle at 100,000 bodies on ${HTTP_CRAWL.hosts.value.toLocaleString('en')} hosts: ${cycle.batches} batches, ${HTTP_CRAWL.batchConcurrency.value} at once (${cycle.waves} wave(s)) × ${cycle.batch.wallS.toFixed(0)} s = ${(cycle.seconds / 60).toFixed(1)} min; politeness floor (a host's ${cycle.batch.bodiesPerHost.toFixed(1)} bodies one after another, ${UNCHANGED_CHECK.portalSeconds.value} s answer + ${HTTP_CRAWL.hostDelaySeconds.value} s delay each): ${(cycle.floorSeconds / 60).toFixed(1)} min; the ${(BROWSER_CRAWL.share.value * 100).toFixed(0)}% in Chromium run beside it, ${BROWSER_CRAWL.concurrency.value} at once: ${((100_000 * BROWSER_CRAWL.share.value * BROWSER_CRAWL.seconds.value) / BROWSER_CRAWL.concurrency.value / 60).toFixed(0)} min.`,
);
lines.push('');
lines.push(
  'Inputs (measured: test/bench/RESULTS.md or the sweep-scale test; assumed: estimates, edit infra/cost/inputs.ts):',
);
const inputs = {
  'unchanged check': UNCHANGED_CHECK,
  'plain-HTTP crawl': HTTP_CRAWL,
  'browser crawl': BROWSER_CRAWL,
  'new report': NEW_REPORT,
  daily: DAILY,
  mail: MAIL,
  check: { entryKb: CHECK_ENTRY_KB },
};
for (const [group, values] of Object.entries(inputs))
  for (const [name, v] of Object.entries(values))
    lines.push(`- ${group}, ${name} = ${Number(v.value.toFixed(2))} (${v.source}): ${v.note}`);
console.log(lines.join('\n'));
