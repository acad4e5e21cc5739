import type { Finding, Severity } from '#shared/domain/finding.ts';
import { copyOtherBody } from './copy-rules.ts';
import { copyOtherReportType, copyPreviousYear } from './copy-similarity.ts';
import { dateChanged } from './date-history.ts';
import { dateBackdated, dateInconsistent } from './date-rules.ts';
import { deadlineLate } from './deadline-rules.ts';
import { hostMirror } from './host-rules.ts';
import { arithPercent } from './percent-rules.ts';
import { spamInjection } from './spam-rules.ts';
import { statsSwing, statsZeroApplications, textTableMismatch } from './stats-rules.ts';
import { arithIdentity, arithSum } from './table-rules.ts';
import {
  templateEmptySection,
  templateMissingSection,
  templateMissingTable,
  templateOutdated,
  textFeeUnexplained,
} from './template-rules.ts';
import { placeholderUnfilled, textGarbled } from './text-rules.ts';
import type { Rule, RuleContext, RuleInfo } from './types.ts';

export type { Rule, RuleContext, RuleInfo } from './types.ts';

/** Report-level rules, in the order their findings are listed (most serious kinds first). */
const REPORT_RULES: readonly Rule[] = [
  deadlineLate,
  spamInjection,
  hostMirror,
  copyOtherBody,
  copyPreviousYear,
  copyOtherReportType,
  arithSum,
  arithIdentity,
  arithPercent,
  textTableMismatch,
  dateInconsistent,
  templateOutdated,
  templateMissingSection,
  templateMissingTable,
  templateEmptySection,
  textFeeUnexplained,
  placeholderUnfilled,
  textGarbled,
  statsZeroApplications,
  statsSwing,
];

/** Produced by the deadline sweep (shared/rules/sweep.ts), listed here for the docs. */
const SWEEP_RULES: readonly RuleInfo[] = [
  {
    id: 'deadline.missing',
    severity: 'error',
    description: { zh: '期限已过仍未找到年度报告', en: 'No report found after the deadline' },
  },
  {
    id: 'deadline.published-late',
    severity: 'warning',
    description: {
      zh: '发出“未发布”提醒后,报告迟发布',
      en: 'The report appeared after a missing alert was sent',
    },
  },
  {
    id: 'deadline.retracted',
    severity: 'info',
    description: {
      zh: '更正:发出“未发布”提醒后找到的报告页面日期在期限内',
      en: 'Correction: a report found after a missing alert carries an on-time page date',
    },
  },
  {
    id: 'portal.unreachable',
    severity: 'warning',
    description: { zh: '门户网站无法读取(仅通知管理员)', en: 'The portal could not be read (admins only)' },
  },
];

/** Produced by the crawl stage (shared/stages/crawl-stage.ts), listed here for the docs. */
const CRAWL_RULES: readonly RuleInfo[] = [
  /** Raised by the parse stage from the check log (shared/evidence/log-findings.ts). */
  dateBackdated,
  /** Raised by the parse stage from the report's revisions (shared/evidence/log-findings.ts). */
  dateChanged,
  {
    id: 'report.removed',
    severity: 'warning',
    description: {
      zh: '已发布的报告页面被撤下(HTTP 404/410),存档副本仍在',
      en: 'A published report page was taken down (HTTP 404/410); the archived copy remains',
    },
  },
  {
    id: 'crawl.failing',
    severity: 'warning',
    description: {
      zh: '门户连续多次抓取失败(仅通知管理员)',
      en: 'The portal failed several crawls in a row (admins only)',
    },
  },
];

/** The catalogue for docs: id, usual severity, one-line explanation. */
export const RULES: readonly RuleInfo[] = [...REPORT_RULES, ...SWEEP_RULES, ...CRAWL_RULES].map(
  ({ id, severity, description }) => ({
    id,
    severity,
    description,
  }),
);

/**
 * Every report-level rule over one report. Pure and deterministic: rules in catalogue order, each rule's
 * findings by the position of their first evidence. A rule that throws is a bug in the rule, not in the
 * report: it propagates so tests catch it.
 */
export function runRules(ctx: RuleContext): Finding[] {
  return REPORT_RULES.flatMap((rule) =>
    rule
      .run(ctx)
      .map((f) => atMost(rule.severity, f))
      .sort((a, b) => firstStart(a) - firstStart(b)),
  );
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * A rule may lower its catalogue severity for a weaker case, never raise it: the README's table is what
 * subscribers are promised, and `check`'s exit code follows it.
 */
function atMost(severity: Severity, f: Finding): Finding {
  return RANK[f.severity] < RANK[severity] ? { ...f, severity } : f;
}

function firstStart(f: Finding): number {
  return f.evidence[0]?.start ?? Number.MAX_SAFE_INTEGER;
}
