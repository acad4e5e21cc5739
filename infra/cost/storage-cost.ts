import { ARCHIVE, CHECK_ENTRY_KB, NEW_REPORT, PRICES, TABLE_CLASS } from './inputs.ts';

/** One line of the bill: what, how much, and the arithmetic in words and numbers. */
export interface Line {
  item: string;
  usd: number;
  how: string;
}
export type MonthKind = 'season' | 'off-season' | 'average';
export type TableClass = 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';

export const fmt = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(n < 10 ? 2 : 0);

/** Report-years archived per body after a year: the first crawl's 5 years of history and one new report. */
const REPORT_YEARS_AFTER_A_YEAR = 6;

/**
 * Share of the archive's large objects older than the lifecycle's 90 days in a month of this kind, after a
 * year: in the season this season's report (1 of 6 report-years) is younger, so it is still Standard; off
 * season every report is older (May's few from February–April are ignored); the average weighs 4 and 8
 * months. Pure.
 */
function glacierShare(kind: MonthKind): number {
  const season = (REPORT_YEARS_AFTER_A_YEAR - 1) / REPORT_YEARS_AFTER_A_YEAR;
  return kind === 'season' ? season : kind === 'off-season' ? 1 : (4 * season + 8) / 12;
}

/**
 * S3 after a year for `bodies`: PUTs of this month's reports, storage split between Standard (objects up to
 * 128 KiB, and large ones younger than 90 days) and Glacier Instant Retrieval (infra/constructs/storage.ts
 * ARCHIVE_TIERING), the lifecycle transitions of this month's reports (made 90 days later: the same count
 * in a steady state), and whole-archive re-parses reading Glacier IR (retrieval per GB and GET per object)
 * spread over the months. Pure.
 */
export function s3Line(bodies: number, kind: MonthKind, reports: number): Line {
  const p = PRICES;
  const puts = reports * NEW_REPORT.s3Puts.value;
  const gb = (bodies * REPORT_YEARS_AFTER_A_YEAR * NEW_REPORT.storedMb.value) / 1024;
  const glacierGb = gb * ARCHIVE.largeShare.value * glacierShare(kind);
  const standardGb = gb - glacierGb;
  const transitions = reports * ARCHIVE.largeObjectsPerReport.value;
  const glacierObjects =
    bodies * REPORT_YEARS_AFTER_A_YEAR * ARCHIVE.largeObjectsPerReport.value * glacierShare(kind);
  const reparse =
    (ARCHIVE.fullReparsesPerYear.value / 12) *
    (glacierGb * p.s3GlacierIrRetrievalPerGb + (glacierObjects / 1000) * p.s3GlacierIrGetPerThousand);
  const usd =
    (puts / 1000) * p.s3PerThousandPut +
    standardGb * p.s3GbMonthStandard +
    glacierGb * p.s3GbMonthGlacierIr +
    (transitions / 1000) * p.s3GlacierIrTransitionPerThousand +
    reparse;
  return {
    item: 'S3 PUTs + storage after a year (over 128 KiB and 90 days old: Glacier Instant Retrieval)',
    usd,
    how: `${fmt(puts)} PUT × $${p.s3PerThousandPut}/k + ${fmt(standardGb)} GB Standard × $${p.s3GbMonthStandard} + ${fmt(glacierGb)} GB Glacier IR (${(ARCHIVE.largeShare.value * 100).toFixed(0)}% of ${fmt(gb)} GB over 128 KiB × ${(glacierShare(kind) * 100).toFixed(0)}% older than 90 days) × $${p.s3GbMonthGlacierIr} + ${fmt(transitions)} transitions × $${p.s3GlacierIrTransitionPerThousand}/k + ${ARCHIVE.fullReparsesPerYear.value}/12 full re-parse (${fmt(glacierGb)} GB × $${p.s3GlacierIrRetrievalPerGb} + ${fmt(glacierObjects)} GET × $${p.s3GlacierIrGetPerThousand}/k) = $${reparse.toFixed(2)}`,
  };
}

/** The one-off lifecycle transitions of a first crawl's history (5 reports a body), 90 days after it. */
export const firstCrawlTransitionsUsd = (bodies: number): number =>
  ((bodies * 5 * ARCHIVE.largeObjectsPerReport.value) / 1000) * PRICES.s3GlacierIrTransitionPerThousand;

/** KB stored per body after a year besides reports: a CHECK# entry per check, 60 KB of other items. */
export const dynamoKbPerBody = (checksPerYear: number): number =>
  checksPerYear * (CHECK_ENTRY_KB.value + PRICES.dynamoItemOverheadBytes / 1024) + 60;

/**
 * DynamoDB on-demand requests and storage in a table class (Standard, or Standard-IA: storage $0.10 per
 * GB-month, requests ×1.25). Pure.
 */
export function dynamoLines(
  reads: number,
  writes: number,
  gb: number,
  cls: TableClass = TABLE_CLASS,
): Line[] {
  const p = PRICES;
  const factor = cls === 'STANDARD' ? 1 : p.dynamoIaRequestFactor;
  const gbMonth = cls === 'STANDARD' ? p.dynamoGbMonth : p.dynamoIaGbMonth;
  const name = cls === 'STANDARD' ? 'Standard' : 'Standard-IA';
  return [
    {
      item: `DynamoDB on-demand requests (${name} table class)`,
      usd: ((reads / 1e6) * p.dynamoPerMillionRead + (writes / 1e6) * p.dynamoPerMillionWrite) * factor,
      how: `(${fmt(reads)} RRU × $${p.dynamoPerMillionRead}/M + ${fmt(writes)} WRU × $${p.dynamoPerMillionWrite}/M) × ${factor}`,
    },
    {
      item: `DynamoDB storage after a year (${name}; the check log kept forever)`,
      usd: gb * gbMonth,
      how: `${fmt(gb)} GB × $${gbMonth}`,
    },
  ];
}
