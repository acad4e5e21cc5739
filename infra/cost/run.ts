import {
  ARCHIVE,
  BROWSER_CRAWL,
  CHECK_ENTRY_KB,
  DAILY,
  HTTP_CRAWL,
  MAIL,
  NEW_REPORT,
  PRICES,
  SCHEDULE,
  TABLE_CLASS,
  UNCHANGED_CHECK,
} from './inputs.ts';
import {
  ALL_DAILY,
  BASE,
  browserRender,
  checksPerYear,
  dailyCycle,
  firstCrawlCost,
  type Line,
  type MonthKind,
  monthlyCost,
  PESSIMISTIC,
  type Scenario,
  sweepRequests,
  total,
} from './model.ts';
import { archiveLevers, fmt } from './storage-cost.ts';

/**
 * `npm run cost`: the monthly AWS bill for 10,000 and 100,000 bodies from the inputs in inputs.ts (measured
 * ones from test/bench/RESULTS.md and crawl-memory.ts) and list prices: the base scenario line by line, the
 * totals at the pessimistic share of bodies checked daily in the season and with every body daily, and the
 * two DynamoDB table classes side by side.
 */
const SIZES = [10_000, 100_000];
const KINDS: MonthKind[] = ['season', 'off-season', 'average'];
const usd = (n: number): string => `$${n < 10 ? n.toFixed(2) : n.toFixed(0)}`;
const pct = (n: number): string => `${(n * 100).toFixed(0)}%`;

const lines: string[] = [];
lines.push(`Prices: ${PRICES.region}, ${PRICES.asOf}.`);
lines.push('');
lines.push(
  `Base scenario: ${pct(BASE.unreportedShare)} of bodies checked daily in the season (no stored report for a due year), the rest and every body off season every ${SCHEDULE.offSeasonDays.value} days; table class ${TABLE_CLASS}.`,
);
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
const totalRow = (label: string, s: Scenario, bold = false) => {
  const b = bold ? '**' : '';
  return `| ${b}${label}${b} | ${SIZES.flatMap((n) => KINDS.map((k) => `${b}${usd(total(monthlyCost(n, k, s)))}${b}`)).join(' | ')} |`;
};
lines.push(totalRow(`total per month (${pct(BASE.unreportedShare)} daily in season)`, BASE, true));
lines.push(totalRow(`total, pessimistic (${pct(PESSIMISTIC.unreportedShare)} daily in season)`, PESSIMISTIC));
lines.push(totalRow('total, every body daily in season (the schedule before)', ALL_DAILY));
lines.push(
  `| ${firstCrawlCost(SIZES[0] ?? 0).item} | ${SIZES.flatMap((n) => [usd(firstCrawlCost(n).usd), '', '']).join(' | ')} |`,
);
lines.push('');
lines.push(
  `Checks per body a year: ${checksPerYear(BASE).toFixed(1)} (base), ${checksPerYear(PESSIMISTIC).toFixed(1)} (pessimistic), ${checksPerYear(ALL_DAILY).toFixed(1)} (every body daily in season).`,
);
lines.push('');
lines.push('Arithmetic (100,000 bodies, a season month, base scenario):');
for (const l of monthlyCost(100_000, 'season')) lines.push(`- ${l.item}: ${l.how} = ${usd(l.usd)}`);
lines.push(`- ${firstCrawlCost(100_000).how}`);
const sweep = sweepRequests(100_000, 'season');
lines.push(
  `- of the DynamoDB requests, the deadline sweep: cheap pass ${fmt(sweep.cheapRru)} RRU (100,000 bodies × ${SCHEDULE.daysPerMonth.toFixed(1)} days × ${DAILY.sweepCheapReadUnits.value}) + ${fmt(sweep.fullPasses)} full passes × ${DAILY.sweepFullReadUnits.value} RRU = ${fmt(sweep.fullRru)} RRU and ${fmt(sweep.wru)} WRU: ${usd(sweep.usd)} (every body read in full every day, as before: ${fmt(sweep.beforeRru)} RRU, ${usd(sweep.beforeUsd)})`,
);
lines.push('');
lines.push(
  'DynamoDB table class, 100,000 bodies (requests + storage after a year; storage grows every year):',
);
for (const s of [BASE, PESSIMISTIC]) {
  for (const kind of ['season', 'average'] as const) {
    const dyn = (cls: NonNullable<Scenario['tableClass']>) =>
      monthlyCost(100_000, kind, { ...s, tableClass: cls })
        .filter((l) => l.item.startsWith('DynamoDB'))
        .reduce((sum, l) => sum + l.usd, 0);
    lines.push(
      `- ${pct(s.unreportedShare)} daily, ${kind} month: Standard ${usd(dyn('STANDARD'))}, Standard-IA ${usd(dyn('STANDARD_INFREQUENT_ACCESS'))}`,
    );
  }
}
lines.push('');
lines.push('Levers of the archive, 100,000 bodies, a season month (infra/cost/storage-cost.ts):');
for (const l of archiveLevers(100_000, 100_000 * (NEW_REPORT.perBodyPerYear.value / 4))) lines.push(`- ${l}`);
const [render1, render2] = [browserRender(1), browserRender(2)];
lines.push(
  `Browser function memory (infra/cost/browser-memory.ts): peak ${BROWSER_CRAWL.peakMemoryMib.value} MiB measured; a render at 1 GB lasts ${render1.seconds.toFixed(2)} s = ${render1.gbS.toFixed(2)} GB-s, at 2 GB ${render2.seconds.toFixed(2)} s = ${render2.gbS.toFixed(2)} GB-s.`,
);
lines.push('');
const cycle = dailyCycle(100_000);
lines.push(
  `Daily cycle at 100,000 bodies on ${HTTP_CRAWL.hosts.value.toLocaleString('en')} hosts, every body due (the first day of a season, the worst case): ${cycle.batches} batches, ${HTTP_CRAWL.batchConcurrency.value} at once (${cycle.waves} wave(s)) × ${cycle.batch.wallS.toFixed(0)} s = ${(cycle.seconds / 60).toFixed(1)} min; politeness floor (a host's ${cycle.batch.bodiesPerHost.toFixed(1)} bodies one after another, ${UNCHANGED_CHECK.portalSeconds.value} s answer + ${HTTP_CRAWL.hostDelaySeconds.value} s delay each): ${(cycle.floorSeconds / 60).toFixed(1)} min; the ${(BROWSER_CRAWL.share.value * 100).toFixed(0)}% in Chromium run beside it, ${BROWSER_CRAWL.concurrency.value} at once: ${((100_000 * BROWSER_CRAWL.share.value * browserRender().seconds) / BROWSER_CRAWL.concurrency.value / 60).toFixed(0)} min.`,
);
lines.push('');
lines.push(
  'Inputs (measured: test/bench/RESULTS.md, crawl-memory.ts or the sweep-scale test; setting: the stack or the configuration; assumed: estimates, edit infra/cost/inputs.ts):',
);
const inputs = {
  'unchanged check': UNCHANGED_CHECK,
  'plain-HTTP crawl': HTTP_CRAWL,
  'browser crawl': BROWSER_CRAWL,
  'new report': NEW_REPORT,
  daily: DAILY,
  mail: MAIL,
  schedule: {
    seasonDays: SCHEDULE.seasonDays,
    offSeasonDays: SCHEDULE.offSeasonDays,
    unreportedShare: SCHEDULE.unreportedShare,
    unreportedSharePessimistic: SCHEDULE.unreportedSharePessimistic,
  },
  archive: ARCHIVE,
  check: { entryKb: CHECK_ENTRY_KB },
};
for (const [group, values] of Object.entries(inputs))
  for (const [name, v] of Object.entries(values))
    lines.push(`- ${group}, ${name} = ${Number(v.value.toFixed(2))} (${v.source}): ${v.note}`);
console.log(lines.join('\n'));
