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

/** KB a report keeps in S3 Standard for good: its page, listing snapshot and parsed record, as stored. */
export function standardKbPerReport(compressed = true): number {
  const a = ARCHIVE;
  return compressed
    ? a.pageKb.value / a.pageRatio.value +
        a.snapshotKb.value / a.snapshotRatio.value +
        a.parsedKb.value / a.parsedRatio.value
    : a.pageKb.value + a.snapshotKb.value + a.parsedKb.value;
}

const KB_PER_GB = 1024 * 1024;

/**
 * S3 after a year for `bodies`: PUTs of this month's reports, storage split between Standard (pages,
 * listing snapshots and parsed records, Brotli-compressed unless `compressed` is false; attachments younger
 * than 90 days) and Glacier Instant Retrieval (attachments over 128 KiB: infra/constructs/storage.ts
 * ARCHIVE_TIERING), the lifecycle transitions of this month's reports (made 90 days later: the same count
 * in a steady state), and whole-archive re-parses reading Glacier IR (retrieval per GB and GET per object)
 * spread over the months. Pure.
 */
export function s3Line(bodies: number, kind: MonthKind, reports: number, compressed = true): Line {
  const p = PRICES;
  const puts = reports * NEW_REPORT.s3Puts.value;
  const reportYears = bodies * REPORT_YEARS_AFTER_A_YEAR;
  const smallGb = (reportYears * standardKbPerReport(compressed)) / KB_PER_GB;
  const largeGb = (reportYears * ARCHIVE.attachmentKb.value) / KB_PER_GB;
  const glacierGb = largeGb * glacierShare(kind);
  const standardGb = smallGb + largeGb - glacierGb;
  const transitions = reports * ARCHIVE.largeObjectsPerReport.value;
  const glacierObjects = reportYears * ARCHIVE.largeObjectsPerReport.value * glacierShare(kind);
  const reparse =
    (ARCHIVE.fullReparsesPerYear.value / 12) *
    (glacierGb * p.s3GlacierIrRetrievalPerGb + (glacierObjects / 1000) * p.s3GlacierIrGetPerThousand);
  // Compression in the crawl (page, snapshot) and parse functions (the record, again at each re-parse):
  // GB-s = CPU seconds × 1.769 at any memory size (a vCPU per 1,769 MB), at the arm64 price.
  const a = ARCHIVE;
  const textKb =
    reports * (a.pageKb.value + a.snapshotKb.value + a.parsedKb.value) +
    ((reportYears * a.fullReparsesPerYear.value) / 12) * a.parsedKb.value;
  const compressGbS = compressed ? ((textKb * a.compressCpuMsPerKb.value) / 1000) * 1.769 : 0;
  const usd =
    (puts / 1000) * p.s3PerThousandPut +
    compressGbS * p.lambdaGbSecondArm +
    standardGb * p.s3GbMonthStandard +
    glacierGb * p.s3GbMonthGlacierIr +
    (transitions / 1000) * p.s3GlacierIrTransitionPerThousand +
    reparse;
  const small = compressed
    ? `(${ARCHIVE.pageKb.value} KB page / ${ARCHIVE.pageRatio.value} + ${ARCHIVE.snapshotKb.value} KB snapshot / ${ARCHIVE.snapshotRatio.value} + ${ARCHIVE.parsedKb.value} KB parsed record / ${ARCHIVE.parsedRatio.value}, Brotli) = ${standardKbPerReport().toFixed(1)} KB`
    : `${standardKbPerReport(false)} KB uncompressed`;
  return {
    item: `S3 PUTs + storage after a year (text Brotli-compressed; attachments over 128 KiB and 90 days old: Glacier Instant Retrieval)`,
    usd,
    how: `${fmt(puts)} PUT × $${p.s3PerThousandPut}/k + compression ${fmt(textKb / 1024)} MB × ${a.compressCpuMsPerKb.value} ms/KB × 1.769 = ${fmt(compressGbS)} GB-s × $${p.lambdaGbSecondArm} + ${fmt(standardGb)} GB Standard (${fmt(reportYears)} report-years × ${small} = ${fmt(smallGb)} GB, + ${fmt(largeGb - glacierGb)} GB of attachments younger than 90 days) × $${p.s3GbMonthStandard} + ${fmt(glacierGb)} GB Glacier IR (${fmt(reportYears)} × ${ARCHIVE.attachmentKb.value} KB attachments × ${(glacierShare(kind) * 100).toFixed(0)}% older than 90 days) × $${p.s3GbMonthGlacierIr} + ${fmt(transitions)} transitions × $${p.s3GlacierIrTransitionPerThousand}/k + ${ARCHIVE.fullReparsesPerYear.value}/12 full re-parse (${fmt(glacierGb)} GB × $${p.s3GlacierIrRetrievalPerGb} + ${fmt(glacierObjects)} GET × $${p.s3GlacierIrGetPerThousand}/k) = $${reparse.toFixed(2)}`,
  };
}

/**
 * The archive's levers at `bodies` in a season month, each with its arithmetic: compression (as built),
 * a lifecycle transition of small objects to Glacier IR (not built: it does not pay within the model's
 * year), an earlier transition of attachments (not built: one season re-parse costs more than it saves).
 * Pure.
 */
export function archiveLevers(bodies: number, reports: number): string[] {
  const p = PRICES;
  const gbOf = (kb: number) => kb / KB_PER_GB;
  const before = s3Line(bodies, 'season', reports, false).usd;
  const after = s3Line(bodies, 'season', reports).usd;
  // Glacier IR bills at least 128 KiB an object: smaller objects gain only under that size × the price ratio.
  const minKb = 128;
  const breakEvenKb = (minKb * p.s3GbMonthGlacierIr) / p.s3GbMonthStandard;
  const payback = (kb: number) => {
    const saving = gbOf(kb) * p.s3GbMonthStandard - gbOf(Math.max(kb, minKb)) * p.s3GbMonthGlacierIr;
    return saving > 0 ? `${(p.s3GlacierIrTransitionPerThousand / 1000 / saving).toFixed(0)} months` : 'never';
  };
  const page = ARCHIVE.pageKb.value;
  const pageBr = page / ARCHIVE.pageRatio.value;
  const snapBr = ARCHIVE.snapshotKb.value / ARCHIVE.snapshotRatio.value;
  // 30 days instead of 90: in a season month only the last month's attachments (a quarter of the season's)
  // are young, instead of the whole season's (one report-year in six).
  const largeGb = gbOf(bodies * REPORT_YEARS_AFTER_A_YEAR * ARCHIVE.attachmentKb.value);
  const movedGb = largeGb * (1 / REPORT_YEARS_AFTER_A_YEAR - 1 / (4 * REPORT_YEARS_AFTER_A_YEAR));
  const earlierSaving = movedGb * (p.s3GbMonthStandard - p.s3GbMonthGlacierIr);
  const seasonReparse = movedGb * p.s3GlacierIrRetrievalPerGb;
  return [
    `compression (built): Standard keeps ${standardKbPerReport().toFixed(1)} KB a report instead of ${standardKbPerReport(false)} KB: S3 $${before.toFixed(2)} → $${after.toFixed(2)} a season month`,
    `small objects to Glacier IR (not built): it bills ${minKb} KiB at least, so an object gains only under ${minKb} KiB × $${p.s3GbMonthGlacierIr} / $${p.s3GbMonthStandard} = ${breakEvenKb.toFixed(1)} KiB and pays its $${p.s3GlacierIrTransitionPerThousand}/k transition back in: a ${page} KB page uncompressed ${payback(page)}, compressed (${pageBr.toFixed(1)} KB) ${payback(pageBr)}, a compressed snapshot (${snapBr.toFixed(1)} KB) ${payback(snapBr)}; parsed records are read on every report page view, so they stay in Standard`,
    `attachments to Glacier IR after 30 days instead of 90 (not built): ${movedGb.toFixed(1)} GB fewer in Standard in a season month saves $${earlierSaving.toFixed(2)}, and one re-parse of the season’s reports (a parser fix while reports arrive) then pays $${seasonReparse.toFixed(2)} of retrieval for them`,
  ];
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
