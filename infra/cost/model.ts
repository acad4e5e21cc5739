import {
  UNCHANGED_CHECK as CHECK,
  CHECK_ENTRY_KB,
  DAILY,
  FUNCTIONS,
  MAIL,
  NEW_REPORT,
  PRICES,
  SCHEDULE,
} from './inputs.ts';

export type MonthKind = 'season' | 'off-season' | 'average';

export interface Line {
  item: string;
  usd: number;
  /** The arithmetic, in words and numbers. */
  how: string;
}

const fmt = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(n < 10 ? 2 : 0);

/** Reports published per body in a month of this kind (one a year, in January–April). */
const reportsPerBodyMonth = (kind: MonthKind): number =>
  kind === 'season'
    ? NEW_REPORT.perBodyPerYear.value / 4
    : kind === 'average'
      ? NEW_REPORT.perBodyPerYear.value / 12
      : 0;

const checksPerBodyMonth = (kind: MonthKind): number =>
  kind === 'season'
    ? SCHEDULE.seasonMonthChecks
    : kind === 'off-season'
      ? SCHEDULE.offSeasonMonthChecks
      : SCHEDULE.checksPerYear / 12;

/** Stored after the first year, per body: the first crawl's history (5 years of reports), a year of checks. */
const S3_MB_PER_BODY = 6 * NEW_REPORT.storedMb.value;
const DYNAMO_KB_PER_BODY = SCHEDULE.checksPerYear * CHECK_ENTRY_KB.value + 60;

/** One month's AWS bill for `bodies`, line by line (pure). */
export function monthlyCost(bodies: number, kind: MonthKind): Line[] {
  const p = PRICES;
  const checks = bodies * checksPerBodyMonth(kind);
  const reports = bodies * reportsPerBodyMonth(kind);
  const days = SCHEDULE.daysPerMonth;

  const crawlGbS =
    (checks * CHECK.lambdaSeconds.value + reports * NEW_REPORT.crawlLambdaSeconds.value) * FUNCTIONS.crawlGb;
  const parseGbS = reports * NEW_REPORT.parseLambdaSeconds.value * FUNCTIONS.parseGb;
  const cycleGbS = bodies * days * (DAILY.lambdaMsPerBody.value / 1000) * FUNCTIONS.cycleGb;
  const invocations = checks + reports * 2 + (bodies * days * 2) / 200;
  const reads =
    checks * CHECK.readUnits.value +
    reports * NEW_REPORT.readUnits.value +
    bodies * days * (DAILY.tickReadUnits.value + DAILY.sweepReadUnits.value);
  const writes = checks * CHECK.writeUnits.value + reports * NEW_REPORT.writeUnits.value;
  const puts = reports * NEW_REPORT.s3Puts.value;
  const sqs = checks * CHECK.sqsRequests.value + reports * NEW_REPORT.sqsRequests.value;
  const mails = (bodies * MAIL.perBodyPerYear.value) / 12;
  const logGb = (checks * CHECK.logKb.value) / 1024 / 1024;
  const s3Gb = (bodies * S3_MB_PER_BODY) / 1024;
  const dynamoGb = (bodies * DYNAMO_KB_PER_BODY) / 1024 / 1024;

  return [
    {
      item: 'Lambda: crawl (x86_64, 2 GB)',
      usd: crawlGbS * p.lambdaGbSecondX86,
      how: `(${fmt(checks)} checks × ${CHECK.lambdaSeconds.value} s + ${fmt(reports)} new reports × ${NEW_REPORT.crawlLambdaSeconds.value} s) × 2 GB = ${fmt(crawlGbS)} GB-s × $${p.lambdaGbSecondX86}`,
    },
    {
      item: 'Lambda: parse (arm64, 1 GB), tick + sweep (arm64, 512 MB), requests',
      usd:
        parseGbS * p.lambdaGbSecondArm +
        cycleGbS * p.lambdaGbSecondArm +
        (invocations / 1e6) * p.lambdaPerMillionRequests,
      how: `${fmt(parseGbS)} + ${fmt(cycleGbS)} GB-s × $${p.lambdaGbSecondArm}; ${fmt(invocations)} invocations × $${p.lambdaPerMillionRequests}/M`,
    },
    {
      item: 'DynamoDB on-demand requests',
      usd: (reads / 1e6) * p.dynamoPerMillionRead + (writes / 1e6) * p.dynamoPerMillionWrite,
      how: `${fmt(reads)} RRU × $${p.dynamoPerMillionRead}/M + ${fmt(writes)} WRU × $${p.dynamoPerMillionWrite}/M`,
    },
    {
      item: 'DynamoDB storage (after a year)',
      usd: dynamoGb * p.dynamoGbMonth,
      how: `${fmt(dynamoGb)} GB × $${p.dynamoGbMonth}`,
    },
    {
      item: 'S3 PUTs + storage (after a year, all Standard: an upper bound under Intelligent-Tiering)',
      usd: (puts / 1000) * p.s3PerThousandPut + s3Gb * p.s3GbMonthStandard,
      how: `${fmt(puts)} PUT × $${p.s3PerThousandPut}/k + ${fmt(s3Gb)} GB × $${p.s3GbMonthStandard}`,
    },
    {
      item: 'SQS FIFO',
      usd: (sqs / 1e6) * p.sqsFifoPerMillion,
      how: `${fmt(sqs)} requests × $${p.sqsFifoPerMillion}/M`,
    },
    {
      item: 'SES + CloudWatch Logs',
      usd: (mails / 1000) * p.sesPerThousand + logGb * p.cloudwatchLogsPerGbIngested,
      how: `${fmt(mails)} mails × $${p.sesPerThousand}/k + ${fmt(logGb)} GB logs × $${p.cloudwatchLogsPerGbIngested}`,
    },
    {
      item: 'Secrets Manager + alarms (fixed)',
      usd: p.secretsPerMonth + p.alarmsPerMonth,
      how: `2 secrets × $0.40 + 20 alarms × $0.10`,
    },
  ];
}

export const total = (lines: readonly Line[]): number => lines.reduce((s, l) => s + l.usd, 0);

/** The one-off first crawl of a registry (every body's history archived and parsed). */
export function firstCrawlCost(bodies: number): Line {
  const p = PRICES;
  const reports = bodies * 5;
  const gbS =
    bodies * (CHECK.lambdaSeconds.value + 5 * NEW_REPORT.crawlLambdaSeconds.value) * FUNCTIONS.crawlGb;
  const parse = reports * NEW_REPORT.parseLambdaSeconds.value * FUNCTIONS.parseGb;
  const usd =
    gbS * p.lambdaGbSecondX86 +
    parse * p.lambdaGbSecondArm +
    ((reports * NEW_REPORT.writeUnits.value) / 1e6) * p.dynamoPerMillionWrite +
    ((reports * NEW_REPORT.readUnits.value) / 1e6) * p.dynamoPerMillionRead +
    ((reports * NEW_REPORT.s3Puts.value) / 1000) * p.s3PerThousandPut;
  return {
    item: 'first crawl (once)',
    usd,
    how: `${fmt(bodies)} bodies × 5 reports: ${fmt(gbS)} GB-s crawl, ${fmt(parse)} GB-s parse, ${fmt(reports * NEW_REPORT.s3Puts.value)} PUTs, ${fmt(reports * NEW_REPORT.writeUnits.value)} WRU`,
  };
}
