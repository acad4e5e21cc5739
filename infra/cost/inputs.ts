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
  /** S3 Glacier Instant Retrieval: storage, lifecycle transition into it, retrieval, GET. */
  s3GbMonthGlacierIr: 0.004,
  s3GlacierIrTransitionPerThousand: 0.02,
  s3GlacierIrRetrievalPerGb: 0.03,
  s3GlacierIrGetPerThousand: 0.01,
  /** DynamoDB Standard-IA table class: storage $0.10 per GB-month, on-demand requests 25% above Standard. */
  dynamoIaGbMonth: 0.1,
  dynamoIaRequestFactor: 1.25,
  /** DynamoDB bills 100 bytes of overhead per item on top of its attribute names and values. */
  dynamoItemOverheadBytes: 100,
  /** SQS per million requests (64 KB each): FIFO (one-body crawl and browser queues), standard (the rest). */
  sqsFifoPerMillion: 0.5,
  sqsStandardPerMillion: 0.4,
  sesPerThousand: 0.1,
  cloudwatchLogsPerGbIngested: 0.5,
  /**
   * Fixed: Secrets Manager $0.40 a secret-month, CloudWatch $0.10 an alarm-month (standard resolution, one
   * metric each). 1 secret in a region with SES (the admin token; the SMTP relay URL is a second one only
   * with the `smtp` transport of the China regions: infra/constructs/mail.ts); 20 alarms (test/unit/infra/
   * stack.test.ts counts them: 7 dead-letter queues, 6 oldest-message ages, errors and throttles of the 3
   * functions no queue speaks for, no successful crawl in 24 h).
   */
  secrets: 1,
  secretsPerMonth: 1 * 0.4,
  alarms: 20,
  alarmsPerMonth: 20 * 0.1,
} as const;

/** `setting`: a value the stack or the configuration sets (infra/, shared/config.ts), not a measurement. */
export type Source = 'measured' | 'assumed' | 'setting';
export interface Input {
  value: number;
  source: Source;
  note: string;
}
const m = (value: number, note: string): Input => ({ value, source: 'measured', note });
const a = (value: number, note: string): Input => ({ value, source: 'assumed', note });
const set = (value: number, note: string): Input => ({ value, source: 'setting', note });

/**
 * infra/cost/crawl-memory.ts 2 2 10 (1 Dec 03:46): the stored JSON of an unchanged check's CHECK# entry, its
 * candidate list kept by reference to the entry holding it (docs/evidence.md; 2,427 bytes with the list).
 */
const CHECK_ENTRY_BYTES_10 = 797;

/** One check of a body whose listing has not changed: the steady state, nearly every check. */
export const UNCHANGED_CHECK = {
  portalRequests: m(1, 'RESULTS.md, unchanged cycle: 1.00 requests/body (conditional GET of the listing)'),
  storeCalls: m(
    3,
    'RESULTS.md (crawl bench, 1 Dec 10:52): crawl.unchanged.storeCallsPerBody 3.00 (links, state and walk in one Query, newest check-entry Query, check and state writes)',
  ),
  readUnits: a(
    3,
    'consistent reads: one Query of LINK# … META#WALK (shared/store/crawl-state.ts readCrawlStart): 10 LINK items × 661 bytes measured + META 590 bytes = 7.2 KB = 2 RRU (10 links a body assumed; an absent walk costs nothing in a Query), and the chain Query for the newest CHECK# entry (Limit 1, 797 bytes) = 1 RRU',
  ),
  writeUnits: m(
    2,
    'CHECK# entry 797 bytes measured with 10 report links, the unchanged list kept by reference (crawl-memory.ts 2 2 10; 2,427 bytes with the list) = 1 WRU, + META 625 bytes = 1 WRU (10 links a body assumed)',
  ),
  s3Puts: m(0, 'RESULTS.md, unchanged cycle: 0 S3 writes'),
  dueCheckReadUnits: a(
    1.5,
    'asked of every body every day by the host walk, crawled or not (crawl-hosts.ts): one eventually consistent BatchGet (0.5 RRU a key up to 4 KB) of META (625 bytes measured) + WALK (absent: a key that is not there is still charged) + REPORT#<due year> (assumed ≤ 4 KB; one due year, more for a body watched from an earlier year) = 3 × 0.5 RRU',
  ),
  portalSeconds: a(
    1,
    'one conditional GET answered by a mainland portal through the egress proxy (not measurable here: loopback is not a portal)',
  ),
  cpuMs: m(
    13.88,
    'RESULTS.md (cost-inputs): crawl.unchanged.cpuMsPerBody 13.88; infra/cost/crawl-memory.ts measured 13.9 with the due check, this loaded machine',
  ),
  logKb: a(
    0.4,
    'one `crawl finished` Powertools line (~300 bytes) per body; invocation lines shared by the batch',
  ),
};

/** The plain-HTTP crawl function walking one crawl-tick batch (infra/constructs/crawl.ts, crawl-hosts.ts). */
export const HTTP_CRAWL = {
  memoryGb: m(
    0.5,
    'peak RSS 216 MiB of a crawl batch without Chromium, 32 in flight (infra/cost/crawl-memory.ts; tsx and the local runtime included), ×2.4 headroom',
  ),
  batchBodies: set(1000, 'NIANBAO_CRAWL_BATCH (config): whole hosts per crawl-tick batch'),
  inFlight: set(32, 'NIANBAO_CONCURRENCY of the plain-HTTP function (infra/constructs/crawl.ts)'),
  hostDelaySeconds: set(
    1,
    'NIANBAO_HOST_DELAY_MS (config default): the politeness gap between two requests to a host',
  ),
  hosts: a(3000, 'portal hosts for 100,000 bodies (the issue: ~3,000 county portals host their departments)'),
  batchConcurrency: set(100, 'the batch queue’s maximum concurrency (infra/constructs/crawl.ts)'),
  vcpuPerGb: set(1 / 1.769, 'Lambda allots one vCPU at 1,769 MB, in proportion below'),
  initSeconds: a(
    1,
    'cold start per batch invocation (the local proxy is in the README: import + first call)',
  ),
};

/** Bodies whose listing needs Chromium (registry `render: browser`, or an anti-bot wall): the browser function. */
export const BROWSER_CRAWL = {
  share: a(
    0.02,
    'share of bodies crawled in Chromium on every check (walled portals); unknown until real portals are crawled',
  ),
  cpuSeconds: m(
    1.59,
    'CPU of Node and every Chromium process per render of a script-built listing, launch amortised (infra/cost/browser-memory.ts 40 2, 1 December: 80 renders of 40 origins; its 50 ms /proc sampling included, so an upper bound)',
  ),
  waitSeconds: a(
    3.63,
    'a render’s time not on CPU (the portal’s answers, waiting for the network to go idle): the 5 s a render assumed at 2 GB before, less the measured CPU at 2 GB’s 1.16 vCPU (1.37 s)',
  ),
  peakMemoryMib: m(
    536,
    'peak memory of Node and Chromium together over 60–80 renders of 20–40 origins in one warm container (infra/cost/browser-memory.ts, 1 December): 522–536 MiB summed RSS (shared pages counted in each process: an upper bound), 376–395 MiB summed PSS; no growth from 20 to 40 origins',
  ),
  memoryGb: set(
    1,
    'the browser function, 1,024 MB (infra/constructs/crawl.ts CRAWL_SIZING.browser): the measured peak ×1.9 (2,048 MB before)',
  ),
  sqsRequests: set(3, 'the hand-off: FIFO send, receive, delete'),
  concurrency: set(5, 'browser bodies at once (the browser queue’s maximum concurrency)'),
};

/** What a new report costs on top (once a year per body, in the season). */
export const NEW_REPORT = {
  perBodyPerYear: a(1, 'one annual report per body'),
  portalRequests: a(3, 'the changed listing, the report page, one attachment'),
  storeCalls: m(
    4,
    'RESULTS.md crawl section (1 Dec 10:52): first cycle 7.00 store calls a body for 3 reports, less the 3 of any check',
  ),
  readUnits: a(10, 'link, report and text-index reads'),
  writeUnits: a(30, 'links, report, revision, TEXT# item, parse state'),
  s3Puts: m(
    4 / 3,
    'RESULTS.md crawl section (30 Nov 20:39): first cycle PutObject 4.00 a body for 3 reports (3 pages, provenance in their own metadata, and 1 listing snapshot; the bench portals have no attachments)',
  ),
  crawlLambdaSeconds: a(
    6,
    '3 more requests on its host’s walk, each the portal’s second plus the 1 s host delay, shared by the batch’s hosts',
  ),
  parseLambdaSeconds: m(
    0.83,
    'RESULTS.md (cost-inputs): pipeline.cpuMsPerReport 478.9 CPU ms (parse, rules, sweep, alert, mail) at the parse function’s 0.58 vCPU (1 GB)',
  ),
  sqsRequests: a(6, 'parse message and alert message: send, receive, delete each (standard queues)'),
};

/** The daily stages over the whole registry, every day of the year. */
export const DAILY = {
  tickReadUnits: a(
    0,
    'crawl tick: the registry is cut into batches without reading the table (the due check is in the walk)',
  ),
  sweepCheapReadUnits: m(
    1,
    'the sweep’s cheap pass (sweep-stage.ts), every body every day: 2 keys a body in eventually consistent BatchGetItem, META and REPORT#<due year> (test/integration/sweep-incremental.test.ts and sweep-scale.test.ts: 1,000 keys in 10 BatchGetItem for 500 bodies; one due year, more for a body watched from an earlier year), 0.5 RRU each: META 729–1,053 bytes and REPORT# 1,121–3,203 bytes measured on the five seed reports (`npm start -- --once`, 1 December), both under 4 KB; an absent REPORT# key is charged too',
  ),
  sweepFullReadUnits: a(
    10,
    'the full pass of one body (measured in the sweep tests: 6 keys in consistent BatchGetItem, META + 5 candidate alert ids, and 1 Query of REPORT#): 1 RRU a key (items under 4 KB, absent keys too) + the Query of every year’s REPORT# item and revisions (REPORT# up to 3.2 KB and a revision ~0.5 KB measured; 5 years ≈ 13 KB = 4 RRU, assumed)',
  ),
  sweepFullPassWriteUnits: m(
    1,
    'a body whose verdicts changed gets its new fingerprint on META: one UpdateItem (sweep-incremental.test.ts), 1 WRU',
  ),
  sweepFlipsPerBodyPerYear: a(
    2,
    'full passes a body a year besides its due year turning (1 a year, in the season) and its late report arriving (the unreported share, in the season): a crawl failure streak that begins and ends, or a listing read incompletely then completely (each a verdict change, e.g. missing → unreachable → missing), spread over the year',
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

/**
 * The schedule (schedule-stage.ts): January–April a body still without a stored report for one of its due
 * years is checked every NIANBAO_SEASON_DAYS (1); a body with every due year's report stored, and every body
 * off season, every NIANBAO_OFF_SEASON_DAYS (7).
 */
export const SCHEDULE = {
  seasonDays: set(1, 'NIANBAO_SEASON_DAYS (config default)'),
  offSeasonDays: set(7, 'NIANBAO_OFF_SEASON_DAYS (config default)'),
  seasonDaysPerYear: 120,
  offSeasonDaysPerYear: 245,
  daysPerMonth: 365 / 12,
  unreportedShare: a(
    0.25,
    'share of bodies without a stored report for their latest due year, averaged over the season (January–March the due year is the one before last, stored for nearly every body; from 1 February for departments and 1 April for governments it is the year just ended): chronic non-publishers, late publishers, and reports the crawler or parser does not accept. Unknown until real portals are crawled',
  ),
  unreportedSharePessimistic: a(
    0.6,
    'the same share, pessimistic: most bodies late, or most reports not recognised (a new registry’s first season)',
  ),
};

/** What the archive holds (after a year: a first crawl of 5 years' history, then one report a year). */
export const ARCHIVE = {
  pageKb: a(100, 'a report page as the portal serves it (county CMS pages: the text in ~100 KB of markup)'),
  snapshotKb: a(50, 'the listing snapshot archived with a new report'),
  parsedKb: a(
    260,
    'the parsed record (parsed/<body>/<sha256>.json): 2.6× its page’s bytes, measured on the five demo reports (193,893 bytes of records for 74,604 of pages, infra/cost/archive-compression.ts, 1 December), applied to the 100 KB page',
  ),
  attachmentKb: a(
    600,
    'the report’s attachment (PDF, DOC): compressed already, stored as it came, over 128 KiB',
  ),
  pageRatio: m(
    2.7,
    'Brotli (quality 6, text mode: shared/store/archive-encoding.ts) of the five demo report pages as the archive stores them: 74,604 → 27,582 bytes (infra/cost/archive-compression.ts, the demo cycle, 1 December; quality 11: 2.93×, gzip -9: 2.39×); real pages with more repeated markup compress better',
  ),
  snapshotRatio: m(3.15, 'the same of the six demo listing snapshots: 11,262 → 3,577 bytes'),
  parsedRatio: m(4.7, 'the same of the five demo parsed records: 193,893 → 41,218 bytes'),
  compressCpuMsPerKb: m(
    0.19,
    'CPU of Brotli quality 6 a KB of text (0.13–0.19 over two runs of infra/cost/archive-compression.ts; quality 11: 0.94–1.14 for 12% less storage, not worth it here), at Lambda’s 1.769 GB-s a CPU second',
  ),
  largeObjectsPerReport: a(
    1,
    'objects over 128 KiB per report in raw/ (its attachment; pages and snapshots are smaller, and parsed/ never moves)',
  ),
  fullReparsesPerYear: a(
    1,
    'whole-archive re-parses a year (`reparse --all` after a parser change): each reads every Glacier IR object once',
  ),
};

export const FUNCTIONS = { parseGb: 1, cycleGb: 0.5 };

/**
 * Stored per body per year besides reports: one CHECK# entry per check, kept forever (the check log is a
 * hash chain whose verifier needs every entry: docs/evidence.md; a TTL would delete evidence).
 */
export const CHECK_ENTRY_KB = m(
  CHECK_ENTRY_BYTES_10 / 1024,
  `an unchanged check's CHECK# entry with 10 report links on the listing, the list kept by reference: ${CHECK_ENTRY_BYTES_10} bytes measured (infra/cost/crawl-memory.ts 2 2 10; 2,427 with the list, kept only by a check whose list changed); 10 links a body assumed`,
);

/** The table class the stack sets (infra/constructs/storage.ts TABLE_CLASS; test/unit/infra/storage.test.ts). */
export const TABLE_CLASS = 'STANDARD_INFREQUENT_ACCESS' as 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
