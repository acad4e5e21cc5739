import {
  BROWSER_CRAWL,
  UNCHANGED_CHECK as CHECK,
  DAILY,
  FUNCTIONS,
  HTTP_CRAWL,
  MAIL,
  NEW_REPORT,
  PRICES,
  SCHEDULE,
  TABLE_CLASS,
} from './inputs.ts';
import {
  dynamoKbPerBody,
  dynamoLines,
  firstCrawlTransitionsUsd,
  fmt,
  type Line,
  type MonthKind,
  s3Line,
  type TableClass,
} from './storage-cost.ts';

export type { Line, MonthKind, TableClass } from './storage-cost.ts';

/** Which bodies the season checks daily: those without a stored report for a due year (schedule-stage.ts). */
export interface Scenario {
  /** Share of bodies without their due year's report stored, averaged over the season (0–1). */
  unreportedShare: number;
  tableClass?: TableClass;
}
export const BASE: Scenario = { unreportedShare: SCHEDULE.unreportedShare.value };
export const PESSIMISTIC: Scenario = { unreportedShare: SCHEDULE.unreportedSharePessimistic.value };
/** Every body daily all season: the schedule before the relaxed interval, for comparison. */
export const ALL_DAILY: Scenario = { unreportedShare: 1 };

/** Reports published per body in a month of this kind (one a year, in January–April). */
const reportsPerBodyMonth = (kind: MonthKind): number =>
  kind === 'season'
    ? NEW_REPORT.perBodyPerYear.value / 4
    : kind === 'average'
      ? NEW_REPORT.perBodyPerYear.value / 12
      : 0;

/**
 * The sweep's full passes per body in a month of this kind (sweep-stage.ts): its due year turns once a year
 * and a report that arrives after the turn (the unreported share) changes a verdict again, both in the four
 * season months; failure streaks and incomplete reads change verdicts all year. Pure.
 */
export const sweepFullPassesPerBodyMonth = (kind: MonthKind, s: Scenario = BASE): number => {
  const season = 1 + s.unreportedShare;
  const flips = DAILY.sweepFlipsPerBodyPerYear.value / 12;
  return kind === 'season' ? season / 4 + flips : kind === 'average' ? season / 12 + flips : flips;
};

/**
 * The sweep's DynamoDB requests in a month (sweep-stage.ts): the cheap pass over every body every day and
 * the full passes of bodies whose verdicts changed, in request units, and their price in the table class
 * the stack sets (Standard-IA: ×1.25). `beforeRru`: every body read in full every day, as before. Pure.
 */
export function sweepRequests(bodies: number, kind: MonthKind, s: Scenario = BASE) {
  const days = SCHEDULE.daysPerMonth;
  const cheapRru = bodies * days * DAILY.sweepCheapReadUnits.value;
  const fullPasses = bodies * sweepFullPassesPerBodyMonth(kind, s);
  const fullRru = fullPasses * DAILY.sweepFullReadUnits.value;
  const wru = fullPasses * DAILY.sweepFullPassWriteUnits.value;
  const factor = TABLE_CLASS === 'STANDARD' ? 1 : PRICES.dynamoIaRequestFactor;
  const price = (rru: number, w: number) =>
    ((rru / 1e6) * PRICES.dynamoPerMillionRead + (w / 1e6) * PRICES.dynamoPerMillionWrite) * factor;
  const beforeRru = bodies * days * DAILY.sweepFullReadUnits.value;
  return {
    cheapRru,
    fullPasses,
    fullRru,
    wru,
    usd: price(cheapRru + fullRru, wru),
    beforeRru,
    beforeUsd: price(beforeRru, 0),
  };
}

/** Checks per body per day: in the season the unreported share daily, the rest at the off-season interval. */
const seasonChecksPerDay = (s: Scenario): number =>
  s.unreportedShare / SCHEDULE.seasonDays.value + (1 - s.unreportedShare) / SCHEDULE.offSeasonDays.value;
const offSeasonChecksPerDay = 1 / SCHEDULE.offSeasonDays.value;

/** Checks per body in a year under scenario `s` (pure). */
export const checksPerYear = (s: Scenario): number =>
  SCHEDULE.seasonDaysPerYear * seasonChecksPerDay(s) + SCHEDULE.offSeasonDaysPerYear * offSeasonChecksPerDay;

/** Checks per body in a month of this kind: 31 days in the season, 30 off it (pure). */
export const checksPerBodyMonth = (kind: MonthKind, s: Scenario = BASE): number =>
  kind === 'season'
    ? 31 * seasonChecksPerDay(s)
    : kind === 'off-season'
      ? 30 * offSeasonChecksPerDay
      : checksPerYear(s) / 12;

/**
 * One crawl-tick batch in the plain-HTTP function: its hosts walked at once, each host's bodies in turn.
 * The invocation lasts as long as the slowest of three limits: a host's chain (its bodies one after another,
 * each the portal's answer plus the host delay: the politeness floor), the requests in flight (the batch's
 * answers over `inFlight` connections), the CPU (Lambda's share of a vCPU at this memory). Pure.
 */
export function httpBatch(bodiesPerHost = HTTP_CRAWL.hosts.value > 0 ? 100_000 / HTTP_CRAWL.hosts.value : 0) {
  const c = HTTP_CRAWL;
  const b = c.batchBodies.value;
  const chainS = bodiesPerHost * (CHECK.portalSeconds.value + c.hostDelaySeconds.value);
  const inFlightS = (b * CHECK.portalSeconds.value) / c.inFlight.value;
  const cpuS = (b * CHECK.cpuMs.value) / 1000 / (c.memoryGb.value * 1024 * (c.vcpuPerGb.value / 1024));
  const wallS = Math.max(chainS, inFlightS, cpuS) + c.initSeconds.value;
  return { bodiesPerHost, chainS, inFlightS, cpuS, wallS, gbSPerCheck: (wallS * c.memoryGb.value) / b };
}

/**
 * One render in the browser function: its wait (the portal's answers, network idle) plus its measured CPU at
 * the function's share of a vCPU (one at 1,769 MB), in seconds, and the GB-seconds it bills. `memoryGb`:
 * the function's memory (default the stack's). Pure.
 */
export function browserRender(memoryGb = BROWSER_CRAWL.memoryGb.value) {
  const vcpu = memoryGb * HTTP_CRAWL.vcpuPerGb.value;
  const seconds = BROWSER_CRAWL.waitSeconds.value + BROWSER_CRAWL.cpuSeconds.value / vcpu;
  return { vcpu, seconds, gbS: seconds * memoryGb };
}

/**
 * The daily crawl at `bodies` on HTTP_CRAWL.hosts hosts: batches run `batchConcurrency` at a time, each
 * lasting httpBatch().wallS; the floor is the politeness limit (a host's bodies one after another). Pure.
 */
export function dailyCycle(bodies: number) {
  const perHost = bodies / HTTP_CRAWL.hosts.value;
  const batch = httpBatch(perHost);
  const batches = Math.ceil(bodies / HTTP_CRAWL.batchBodies.value);
  const waves = Math.ceil(batches / HTTP_CRAWL.batchConcurrency.value);
  return { batches, waves, seconds: waves * batch.wallS, floorSeconds: batch.chainS, batch };
}

/**
 * One month's AWS bill for `bodies` under scenario `s` (the share checked daily in the season, the table
 * class), line by line (pure). Every body is asked whether it is due every day, crawled or not.
 */
export function monthlyCost(bodies: number, kind: MonthKind, s: Scenario = BASE): Line[] {
  const p = PRICES;
  const checks = bodies * checksPerBodyMonth(kind, s);
  const reports = bodies * reportsPerBodyMonth(kind);
  const days = SCHEDULE.daysPerMonth;
  const sweepFullPasses = bodies * sweepFullPassesPerBodyMonth(kind, s);

  const batch = httpBatch();
  const browserChecks = checks * BROWSER_CRAWL.share.value;
  const httpChecks = checks - browserChecks;
  const hostsPerBatch = HTTP_CRAWL.batchBodies.value / batch.bodiesPerHost;
  // A new report lengthens its host's chain; the batch's other hosts wait in parallel, so it is shared.
  const httpGbS =
    httpChecks * batch.gbSPerCheck +
    (reports * NEW_REPORT.crawlLambdaSeconds.value * HTTP_CRAWL.memoryGb.value) / hostsPerBatch;
  const render = browserRender();
  const browserGbS = browserChecks * render.gbS;
  const parseGbS = reports * NEW_REPORT.parseLambdaSeconds.value * FUNCTIONS.parseGb;
  const cycleGbS = bodies * days * (DAILY.lambdaMsPerBody.value / 1000) * FUNCTIONS.cycleGb;
  // The tick cuts the whole registry into batches every day; a batch asks each body whether it is due.
  const batches = (bodies * days) / HTTP_CRAWL.batchBodies.value;
  const invocations = batches + browserChecks + reports * 2 + (bodies * days * 2) / 200;
  const reads =
    checks * CHECK.readUnits.value +
    bodies * days * CHECK.dueCheckReadUnits.value +
    reports * NEW_REPORT.readUnits.value +
    bodies * days * (DAILY.tickReadUnits.value + DAILY.sweepCheapReadUnits.value) +
    sweepFullPasses * DAILY.sweepFullReadUnits.value;
  const writes =
    checks * CHECK.writeUnits.value +
    reports * NEW_REPORT.writeUnits.value +
    sweepFullPasses * DAILY.sweepFullPassWriteUnits.value;
  const sqsFifo = browserChecks * BROWSER_CRAWL.sqsRequests.value;
  const sqsStandard = batches * 3 + reports * NEW_REPORT.sqsRequests.value;
  const mails = (bodies * MAIL.perBodyPerYear.value) / 12;
  const logGb = (checks * CHECK.logKb.value) / 1024 / 1024;
  const dynamoGb = (bodies * dynamoKbPerBody(checksPerYear(s))) / 1024 / 1024;

  return [
    {
      item: `Lambda: plain-HTTP crawl (arm64, ${HTTP_CRAWL.memoryGb.value * 1024} MB, batches of whole hosts)`,
      usd: httpGbS * p.lambdaGbSecondArm,
      how: `a batch of ${HTTP_CRAWL.batchBodies.value} bodies (${fmt(hostsPerBatch)} hosts × ${fmt(batch.bodiesPerHost)} bodies) lasts max(chain ${fmt(batch.bodiesPerHost)} × (${CHECK.portalSeconds.value} s + ${HTTP_CRAWL.hostDelaySeconds.value} s) = ${fmt(batch.chainS)} s, in flight ${HTTP_CRAWL.batchBodies.value} × ${CHECK.portalSeconds.value} s / ${HTTP_CRAWL.inFlight.value} = ${fmt(batch.inFlightS)} s, CPU ${HTTP_CRAWL.batchBodies.value} × ${CHECK.cpuMs.value} ms / ${fmt(HTTP_CRAWL.memoryGb.value * HTTP_CRAWL.vcpuPerGb.value)} vCPU = ${fmt(batch.cpuS)} s) + ${HTTP_CRAWL.initSeconds.value} s init = ${fmt(batch.wallS)} s × ${HTTP_CRAWL.memoryGb.value} GB / ${HTTP_CRAWL.batchBodies.value} = ${batch.gbSPerCheck.toFixed(4)} GB-s a check; ${fmt(httpChecks)} checks + ${fmt(reports)} new reports × ${NEW_REPORT.crawlLambdaSeconds.value} s × ${HTTP_CRAWL.memoryGb.value} GB / ${fmt(hostsPerBatch)} hosts = ${fmt(httpGbS)} GB-s × $${p.lambdaGbSecondArm}`,
    },
    {
      item: `Lambda: browser crawl (x86_64, ${BROWSER_CRAWL.memoryGb.value} GB, ${BROWSER_CRAWL.share.value * 100}% of checks)`,
      usd: browserGbS * p.lambdaGbSecondX86,
      how: `${fmt(browserChecks)} checks × (${BROWSER_CRAWL.waitSeconds.value} s waiting + ${BROWSER_CRAWL.cpuSeconds.value} s CPU / ${render.vcpu.toFixed(2)} vCPU = ${render.seconds.toFixed(2)} s) × ${BROWSER_CRAWL.memoryGb.value} GB = ${fmt(browserGbS)} GB-s × $${p.lambdaGbSecondX86}`,
    },
    {
      item: 'Lambda: parse (arm64, 1 GB), tick + sweep (arm64, 512 MB), requests',
      usd:
        parseGbS * p.lambdaGbSecondArm +
        cycleGbS * p.lambdaGbSecondArm +
        (invocations / 1e6) * p.lambdaPerMillionRequests,
      how: `${fmt(parseGbS)} + ${fmt(cycleGbS)} GB-s × $${p.lambdaGbSecondArm}; ${fmt(invocations)} invocations × $${p.lambdaPerMillionRequests}/M`,
    },
    ...dynamoLines(reads, writes, dynamoGb, s.tableClass),
    s3Line(bodies, kind, reports),
    {
      item: 'SQS (browser hand-offs FIFO; batches, parse and alert standard)',
      usd: (sqsFifo / 1e6) * p.sqsFifoPerMillion + (sqsStandard / 1e6) * p.sqsStandardPerMillion,
      how: `${fmt(sqsFifo)} FIFO × $${p.sqsFifoPerMillion}/M + ${fmt(sqsStandard)} standard × $${p.sqsStandardPerMillion}/M`,
    },
    {
      item: 'SES + CloudWatch Logs',
      usd: (mails / 1000) * p.sesPerThousand + logGb * p.cloudwatchLogsPerGbIngested,
      how: `${fmt(mails)} mails × $${p.sesPerThousand}/k + ${fmt(logGb)} GB logs × $${p.cloudwatchLogsPerGbIngested}`,
    },
    {
      item: 'Secrets Manager + alarms (fixed)',
      usd: p.secretsPerMonth + p.alarmsPerMonth,
      how: `${p.secrets} secret × $0.40 + ${p.alarms} alarms × $0.10`,
    },
  ];
}

export const total = (lines: readonly Line[]): number => lines.reduce((s, l) => s + l.usd, 0);

/** The one-off first crawl of a registry (every body's history archived and parsed). */
export function firstCrawlCost(bodies: number): Line {
  const p = PRICES;
  const reports = bodies * 5;
  const batch = httpBatch();
  const hostsPerBatch = HTTP_CRAWL.batchBodies.value / batch.bodiesPerHost;
  const gbS =
    bodies * batch.gbSPerCheck +
    (reports * NEW_REPORT.crawlLambdaSeconds.value * HTTP_CRAWL.memoryGb.value) / hostsPerBatch;
  const browserGbS = bodies * BROWSER_CRAWL.share.value * 5 * browserRender().gbS;
  const parse = reports * NEW_REPORT.parseLambdaSeconds.value * FUNCTIONS.parseGb;
  const usd =
    gbS * p.lambdaGbSecondArm +
    browserGbS * p.lambdaGbSecondX86 +
    parse * p.lambdaGbSecondArm +
    ((reports * NEW_REPORT.writeUnits.value) / 1e6) * p.dynamoPerMillionWrite +
    ((reports * NEW_REPORT.readUnits.value) / 1e6) * p.dynamoPerMillionRead +
    ((reports * NEW_REPORT.s3Puts.value) / 1000) * p.s3PerThousandPut +
    firstCrawlTransitionsUsd(bodies);
  return {
    item: 'first crawl (once)',
    usd,
    how: `${fmt(bodies)} bodies × 5 reports: ${fmt(gbS)} GB-s plain-HTTP crawl, ${fmt(browserGbS)} GB-s browser, ${fmt(parse)} GB-s parse, ${fmt(reports * NEW_REPORT.s3Puts.value)} PUTs, ${fmt(reports * NEW_REPORT.writeUnits.value)} WRU, $${firstCrawlTransitionsUsd(bodies).toFixed(2)} of Glacier IR transitions 90 days later`,
  };
}
