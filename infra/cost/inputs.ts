/**
 * The cost model's inputs, each with where it comes from. `measured`: test/bench/RESULTS.md (npm run bench,
 * 2026-11-30) or the sweep-scale test; `assumed`: an estimate for real portals and AWS, stated so it can be
 * argued with and changed here.
 */

/** AWS list prices, us-east-1, on-demand, as published in 2025 (no internet here to re-check: assumptions). */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2025 list prices (not re-checked online; verify at aws.amazon.com/pricing before relying on them)',
  /** Lambda per GB-second: x86_64 (the crawl, for Chromium) and arm64 (the others). */
  lambdaGbSecondX86: 0.0000166667,
  lambdaGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** DynamoDB on-demand, after the November 2024 price cut. */
  dynamoPerMillionWrite: 0.625,
  dynamoPerMillionRead: 0.125,
  dynamoGbMonth: 0.25,
  s3PerThousandPut: 0.005,
  s3GbMonthStandard: 0.023,
  /** SQS FIFO, per million requests (64 KB each). */
  sqsFifoPerMillion: 0.5,
  sesPerThousand: 0.1,
  cloudwatchLogsPerGbIngested: 0.5,
  /** 2 secrets (admin token, SMTP URL) and ~20 alarms: fixed per month. */
  secretsPerMonth: 2 * 0.4,
  alarmsPerMonth: 20 * 0.1,
} as const;

export type Source = 'measured' | 'assumed';
export interface Input {
  value: number;
  source: Source;
  note: string;
}
const m = (value: number, note: string): Input => ({ value, source: 'measured', note });
const a = (value: number, note: string): Input => ({ value, source: 'assumed', note });

/** One check of a body whose listing has not changed: the steady state, nearly every check. */
export const UNCHANGED_CHECK = {
  portalRequests: m(1, 'RESULTS.md, unchanged cycle: 1.00 requests/body (conditional GET of the listing)'),
  storeCalls: m(
    3,
    'RESULTS.md, unchanged cycle: 3.00 store calls/body (state+walk BatchGet, links Query, check BatchWrite)',
  ),
  readUnits: a(
    5,
    'META+WALK BatchGet ~3 RRU (consistent, META with its last check ≤ 8 KB), links Query ~2 RRU',
  ),
  writeUnits: a(6, 'CHECK# entry ~3 KB + META ~3 KB, 1 WRU per KB'),
  s3Puts: m(0, 'RESULTS.md, unchanged cycle: 0 S3 writes'),
  sqsRequests: a(3, 'crawl message send, receive, delete (FIFO; no batching counted)'),
  lambdaSeconds: a(
    1.5,
    'one conditional GET to a mainland portal (~1 s, through the egress proxy) + 3 store calls; the bench loopback figure is not a portal',
  ),
  logKb: a(2, 'Powertools JSON lines per crawl record'),
};

/** What a new report costs on top (once a year per body, in the season). */
export const NEW_REPORT = {
  perBodyPerYear: a(1, 'one annual report per body'),
  portalRequests: a(3, 'the changed listing, the report page, one attachment'),
  storeCalls: m(16, 'RESULTS.md: 19 store calls/body on a first crawl of 3 reports, less the 3 of any check'),
  readUnits: a(10, 'link, report and text-index reads'),
  writeUnits: a(30, 'links, report, revision, TEXT# item, parse state'),
  s3Puts: m(
    8 / 3,
    'RESULTS.md, first cycle: 1600 PutObject for 200 bodies × 3 reports (page, attachment, metadata, snapshot)',
  ),
  crawlLambdaSeconds: a(4, '3 requests with the 1 s host delay between them'),
  parseLambdaSeconds: a(
    2,
    'the bench parses a report in ~36 ms (RESULTS.md parser: 0.323 s / 9 inputs); PDF/DOCX attachments and cold starts dominate',
  ),
  sqsRequests: a(6, 'parse message and alert message: send, receive, delete each'),
  storedMb: a(0.8, 'report page ~100 KB, attachment ~600 KB, listing snapshot ~50 KB, metadata'),
};

/** The daily stages over the whole registry, every day of the year. */
export const DAILY = {
  tickReadUnits: a(3, 'crawl tick: one BatchGet of META+WALK per body (schedule-stage.ts)'),
  sweepReadUnits: a(
    8,
    'measured in the sweep-scale test: 6 keys per body in BatchGetItem (META + 5 candidate alert ids) and 1 Query of REPORT# items; assumed: 1 RRU per key (absent keys too), ~2 RRU per Query',
  ),
  lambdaMsPerBody: a(
    15,
    'tick + sweep on arm64 at 512 MB: the sweep-scale test does 500 bodies in ~3.5 s on dynalite (7 ms/body); real DynamoDB queries ~5 ms each',
  ),
};

export const MAIL = {
  perBodyPerYear: a(
    1,
    'deadline and anomaly alerts × subscribers (sweep summaries to admins are one per batch)',
  ),
};

/** Checks per body: daily January–April, weekly otherwise (NIANBAO_SEASON_DAYS=1, NIANBAO_OFF_SEASON_DAYS=7). */
export const SCHEDULE = {
  seasonMonthChecks: 31,
  offSeasonMonthChecks: 30 / 7,
  checksPerYear: 120 + 245 / 7,
  daysPerMonth: 365 / 12,
};

export const FUNCTIONS = { crawlGb: 2, parseGb: 1, cycleGb: 0.5 };

/** Stored per body per year besides reports: one CHECK# entry per check (kept as evidence, no TTL). */
export const CHECK_ENTRY_KB = a(3, 'pages read, snapshot hashes, candidates');
