import type { Body } from '#shared/domain/body.ts';
import { type Deadline, deadlineFor, dueYears, timeliness } from '#shared/domain/deadlines.ts';
import type { Finding } from '#shared/domain/finding.ts';
import type { IsoDate } from '#shared/domain/report.ts';
import type { CheckSummary } from '#shared/store/records.ts';
import { absenceProof } from './absence-proof.ts';

/** `<rule>/<bodyId>/<year>`: the key that makes an alert reach a subscriber once. */
export type AlertId = string;

export function alertId(rule: string, bodyId: string, year: number): AlertId {
  return `${rule}/${bodyId}/${year}`;
}

export interface PortalHealth {
  reachable: boolean;
  lastSuccess?: string;
  /** e.g. `blocked`, `http-5xx`, `dns`: shown to admins. */
  lastErrorClass?: string;
}

export interface SweepInput {
  body: Body;
  today: IsoDate;
  /** Every report found for the body (several revisions of one year allowed). */
  reports: Array<{ year: number; publishedAt: IsoDate | null }>;
  health: PortalHealth;
  /** The latest check of the listing: the proof a "missing" needs (absence-proof.ts). */
  proof?: CheckSummary | undefined;
  alreadyAlerted: ReadonlySet<AlertId>;
}

export type YearStatus = 'missing' | 'late' | 'on-time' | 'undated' | 'unreachable' | 'inconclusive';

export interface YearVerdict {
  year: number;
  status: YearStatus;
  deadline: Deadline;
  /** Page date of the first copy found, if any. */
  publishedAt: IsoDate | null;
  /** Inconclusive years: why the listing does not prove absence (told to admins). */
  reasons?: string[];
}

export interface AlertDecision {
  alertId: AlertId;
  /** Subscribers get deadline news; admins get portals we could not read. */
  audience: 'subscribers' | 'admins';
  finding: Finding;
}

export interface SweepResult {
  bodyId: string;
  years: YearVerdict[];
  alerts: AlertDecision[];
}

/**
 * The daily deadline sweep for one body (pure: `today` and all state are given). For each due year:
 * - a report exists → on-time / late / undated by the first copy's page date;
 * - none, and the portal could not be read → `unreachable`, told to admins only: an unread portal is never
 *   called missing (a WAF wall is not an absent report);
 * - none, portal read but the latest check does not prove absence (an unread frame, unresolved script
 *   pagination, a failed listing page, a failed or unparsed candidate link) → `inconclusive`, told to admins
 *   once with the reasons (`listing.inconclusive/<body>/<year>`); subscribers get nothing;
 * - none, and the latest check read the listing completely → `missing`, alerted once
 *   (`deadline.missing/<body>/<year>`) with the proof: the listing pages read, when, their snapshot hashes.
 * When a report turns up after a missing alert went out, one follow-up: `deadline.published-late` (late or
 * undated), or `deadline.retracted` when its page date is on time (our alert was wrong and must be undone).
 */
export function sweepBody(input: SweepInput): SweepResult {
  const { body, today, health, alreadyAlerted } = input;
  const years: YearVerdict[] = [];
  const alerts: AlertDecision[] = [];
  const want = (id: AlertId) => !alreadyAlerted.has(id);
  for (const year of dueYears(body, today)) {
    const deadline = deadlineFor(body, year);
    const found = input.reports.filter((r) => r.year === year);
    if (found.length === 0) {
      if (!health.reachable) {
        years.push({ year, status: 'unreachable', deadline, publishedAt: null });
        continue;
      }
      const proof = absenceProof(year, input.proof);
      if (!proof.proven) {
        years.push({ year, status: 'inconclusive', deadline, publishedAt: null, reasons: proof.reasons });
        const id = alertId('listing.inconclusive', body.id, year);
        if (want(id))
          alerts.push({
            alertId: id,
            audience: 'admins',
            finding: inconclusiveFinding(body, year, deadline, proof.reasons),
          });
        continue;
      }
      years.push({ year, status: 'missing', deadline, publishedAt: null });
      const id = alertId('deadline.missing', body.id, year);
      if (want(id))
        alerts.push({
          alertId: id,
          audience: 'subscribers',
          finding: missingFinding(body, year, deadline, today, proof.evidence),
        });
      continue;
    }
    const dates = found
      .map((r) => r.publishedAt)
      .filter((d): d is IsoDate => d !== null)
      .sort();
    const publishedAt = dates[0] ?? null;
    const status = timeliness(publishedAt, deadline);
    years.push({ year, status, deadline, publishedAt });
    if (alreadyAlerted.has(alertId('deadline.missing', body.id, year))) {
      const rule = status === 'on-time' ? 'deadline.retracted' : 'deadline.published-late';
      const id = alertId(rule, body.id, year);
      if (want(id))
        alerts.push({
          alertId: id,
          audience: 'subscribers',
          finding: followUp(rule, body, year, deadline, publishedAt),
        });
    }
  }
  const blocked = years.filter((y) => y.status === 'unreachable').at(-1);
  if (blocked) {
    const id = alertId('portal.unreachable', body.id, blocked.year);
    if (want(id))
      alerts.push({
        alertId: id,
        audience: 'admins',
        finding: unreachableFinding(body, blocked.year, health),
      });
  }
  return { bodyId: body.id, years, alerts };
}

function deadlineEvidence(deadline: Deadline) {
  return {
    quote: deadline.basis,
    where: 'legal basis',
    computation: `deadline ${deadline.date} (${deadline.regime} rules${deadline.verified ? '' : ', unverified: no national date for townships and no local rule in the registry'})`,
  };
}

function missingFinding(
  body: Body,
  year: number,
  deadline: Deadline,
  today: IsoDate,
  proof: Finding['evidence'],
): Finding {
  return {
    rule: 'deadline.missing',
    // Without a verified deadline the lateness itself is uncertain: warning, not error.
    severity: deadline.verified ? 'error' : 'warning',
    message: {
      zh: `截至${today},未在${body.name}门户网站找到其${year}年度政府信息公开工作年度报告(期限${deadline.date}${deadline.verified ? '' : ',未核实'})`,
      en: `As of ${today}, no ${year} annual report by ${body.name} was found on its portal (deadline ${deadline.date}${deadline.verified ? '' : ', unverified'})`,
    },
    evidence: [deadlineEvidence(deadline), ...proof],
  };
}

function inconclusiveFinding(body: Body, year: number, deadline: Deadline, reasons: string[]): Finding {
  return {
    rule: 'listing.inconclusive',
    severity: 'warning',
    message: {
      zh: `${body.name}的栏目未能完整读取,无法判断其${year}年度报告是否已发布(期限${deadline.date});未通知订阅者`,
      en: `${body.name}'s listing could not be read completely, so whether its ${year} report is published cannot be decided (deadline ${deadline.date}); subscribers were not told`,
    },
    evidence: reasons.map((r) => ({ quote: r, where: 'why the listing does not prove absence' })),
  };
}

function followUp(
  rule: string,
  body: Body,
  year: number,
  deadline: Deadline,
  publishedAt: IsoDate | null,
): Finding {
  const late = rule === 'deadline.published-late';
  const when = publishedAt ?? '日期不详';
  return {
    rule,
    severity: late ? 'warning' : 'info',
    message: late
      ? {
          zh: `${body.name}的${year}年度报告已发布(页面日期:${when}),晚于期限${deadline.date}`,
          en: `${body.name} has published its ${year} report (page date ${publishedAt ?? 'unknown'}), after the ${deadline.date} deadline`,
        }
      : {
          zh: `更正:${body.name}的${year}年度报告已找到,页面日期${when}在期限${deadline.date}之内,此前的“未发布”提醒有误`,
          en: `Correction: ${body.name}'s ${year} report was found with page date ${publishedAt ?? 'unknown'}, within the ${deadline.date} deadline; the earlier "missing" alert was wrong`,
        },
    evidence: [
      deadlineEvidence(deadline),
      { quote: publishedAt ?? '(no page date)', where: 'published date' },
    ],
  };
}

function unreachableFinding(body: Body, year: number, health: PortalHealth): Finding {
  return {
    rule: 'portal.unreachable',
    severity: 'warning',
    message: {
      zh: `${body.name}门户网站无法读取(${health.lastErrorClass ?? '未知错误'}),${year}年度报告状态无法判断`,
      en: `${body.name}'s portal could not be read (${health.lastErrorClass ?? 'unknown error'}); the ${year} report's status is unknown`,
    },
    evidence: [
      {
        quote: body.listingUrl,
        where: 'listing page',
        computation: `last success: ${health.lastSuccess ?? 'never'}; last error: ${health.lastErrorClass ?? 'unknown'}`,
      },
    ],
  };
}
