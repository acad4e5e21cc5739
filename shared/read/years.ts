import type { Body } from '../domain/body.ts';
import { type Deadline, deadlineFor, dueYears } from '../domain/deadlines.ts';
import { sweepBody } from '../rules/sweep.ts';
import { reachable } from '../stages/sweep-stage.ts';
import { withoutKeys } from '../store/dynamo.ts';
import { AlertRecord, BodyState, ReportItem } from '../store/records.ts';
import { batchGetItems } from '../store/sweep-reads.ts';
import { keys } from '../store/table.ts';
import { bodySummary } from './bodies.ts';
import { NotFoundError, type ReadContext } from './context.ts';
import { findingId } from './finding-id.ts';
import type { BodyYears, DeadlineView, PublicFinding, ReportSummary, YearView } from './types.ts';

/** The sweep's public decisions: each is one alert per rule, body and year (shared/rules/sweep.ts). */
export const PUBLIC_SWEEP_RULES = ['deadline.missing', 'deadline.published-late', 'deadline.retracted'];

export const deadlineView = (d: Deadline): DeadlineView => ({
  date: d.date,
  regime: d.regime,
  basis: d.basis,
  verified: d.verified,
});

export function reportSummary(r: ReportItem): ReportSummary {
  return {
    year: r.year,
    title: r.title,
    url: r.url,
    host: r.host,
    sha256: r.sha256,
    publishedAt: r.publishedAt,
    publishedAtSource: r.publishedAtSource,
    firstSeen: r.firstSeen,
    versionSeen: r.versionSeen,
    format: r.format,
    revisions: r.revisions,
    rawKey: r.rawKey,
  };
}

/** A stored report's findings as published, each with its id (finding-id.ts). */
export function reportFindings(r: ReportItem): PublicFinding[] {
  const seen = new Map<string, number>();
  return r.findings.map((f) => {
    const n = seen.get(f.rule) ?? 0;
    seen.set(f.rule, n + 1);
    return {
      id: findingId(r.bodyId, r.year, f.rule, n),
      bodyId: r.bodyId,
      year: r.year,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      evidence: f.evidence,
      at: r.findingsAt ?? r.firstSeen,
      source: 'report',
    };
  });
}

export function alertFinding(a: AlertRecord): PublicFinding {
  return {
    id: findingId(a.bodyId, a.year, a.rule, 0),
    bodyId: a.bodyId,
    year: a.year,
    rule: a.rule,
    severity: a.finding.severity,
    message: a.finding.message,
    evidence: a.finding.evidence,
    at: a.createdAt,
    source: 'sweep',
  };
}

/**
 * Every year of a body, pure: the due years as the sweep decides them (`sweepBody`, the same function
 * the daily sweep runs, with the same reachability), then the older years that have a report, judged by
 * the report's stored timeliness against `deadlineFor`. Newest year first. `alerts` are the body's
 * stored public sweep alerts (deadline.missing and its follow-ups).
 */
export function yearViews(
  body: Body,
  today: string,
  state: BodyState,
  reports: readonly ReportItem[],
  alerts: readonly AlertRecord[],
): YearView[] {
  const verdicts = sweepBody({
    body,
    today,
    reports: reports.map((r) => ({ year: r.year, publishedAt: r.publishedAt })),
    health: { reachable: reachable(state) },
    proof: state.lastCheck,
    alreadyAlerted: new Set(),
  }).years;
  const byYear = new Map(reports.map((r) => [r.year, r]));
  const sweepFindings = (year: number) =>
    alerts.filter((a) => a.year === year && PUBLIC_SWEEP_RULES.includes(a.rule)).map(alertFinding);
  const views: YearView[] = verdicts.map((v) => {
    const report = byYear.get(v.year);
    return {
      year: v.year,
      due: true,
      outcome: v.status,
      deadline: deadlineView(v.deadline),
      publishedAt: v.publishedAt,
      reasons: v.reasons ?? [],
      report: report ? reportSummary(report) : null,
      findings: [...sweepFindings(v.year), ...(report ? reportFindings(report) : [])],
    };
  });
  const due = new Set(dueYears(body, today));
  for (const r of reports) {
    if (due.has(r.year)) continue;
    views.push({
      year: r.year,
      due: false,
      outcome: r.timeliness,
      deadline: deadlineView(deadlineFor(body, r.year)),
      publishedAt: r.publishedAt,
      reasons: [],
      report: reportSummary(r),
      findings: [...sweepFindings(r.year), ...reportFindings(r)],
    });
  }
  return views.sort((a, b) => b.year - a.year);
}

/** What the read model reads of one body: its state, its current report items and its public sweep alerts. */
export interface BodyReads {
  state: BodyState;
  reports: ReportItem[];
  alerts: AlertRecord[];
}

/**
 * The stored state, reports and sweep alerts of many bodies: one Query per body for its report items
 * (every page followed; bounded concurrency, 16 at once), then one BatchGetItem per 100 keys for the
 * states and the candidate sweep alerts of every due or reported year.
 */
export async function readBodies(ctx: ReadContext, bodies: readonly Body[]): Promise<Map<string, BodyReads>> {
  const today = ctx.today();
  const reportsOf = new Map<string, ReportItem[]>();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as Body;
      reportsOf.set(body.id, await ctx.repo.listReports(body.id));
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, bodies.length) }, worker));
  const alertIds = bodies.flatMap((b) => {
    const years = new Set([...dueYears(b, today), ...(reportsOf.get(b.id) ?? []).map((r) => r.year)]);
    return [...years].flatMap((y) => PUBLIC_SWEEP_RULES.map((rule) => `${rule}/${b.id}/${y}`));
  });
  const items = await batchGetItems(ctx.repo, [
    ...bodies.map((b) => keys.body(b.id)),
    ...alertIds.map(keys.alert),
  ]);
  const alertsOf = new Map<string, AlertRecord[]>();
  for (const [key, item] of items) {
    if (!key.startsWith('ALERT#')) continue;
    const parsed = AlertRecord.safeParse(withoutKeys(item));
    if (!parsed.success) continue;
    alertsOf.set(parsed.data.bodyId, [...(alertsOf.get(parsed.data.bodyId) ?? []), parsed.data]);
  }
  const out = new Map<string, BodyReads>();
  for (const body of bodies) {
    const stateItem = items.get(`${keys.body(body.id).pk}\u0000META`);
    out.set(body.id, {
      state: stateItem
        ? BodyState.parse(withoutKeys(stateItem))
        : { bodyId: body.id, consecutiveFailures: 0 },
      reports: reportsOf.get(body.id) ?? [],
      alerts: alertsOf.get(body.id) ?? [],
    });
  }
  return out;
}

/** Each body's years (see yearViews) from `readBodies`' reads. */
export async function yearsOfBodies(
  ctx: ReadContext,
  bodies: readonly Body[],
): Promise<Map<string, BodyYears>> {
  const today = ctx.today();
  const reads = await readBodies(ctx, bodies);
  const out = new Map<string, BodyYears>();
  for (const body of bodies) {
    const r = reads.get(body.id) as BodyReads;
    out.set(body.id, {
      body: bodySummary(body),
      today,
      years: yearViews(body, today, r.state, r.reports, r.alerts),
    });
  }
  return out;
}

/** One body's years (see yearViews). Throws NotFoundError for an unknown id. */
export async function bodyYears(ctx: ReadContext, bodyId: string): Promise<BodyYears> {
  return (await bodyStatus(ctx, bodyId)).years;
}

/**
 * One body's years with the state and report items they were judged from (one Query and one
 * BatchGetItem). Throws NotFoundError for an unknown id.
 */
export async function bodyStatus(
  ctx: ReadContext,
  bodyId: string,
): Promise<{ years: BodyYears; state: BodyState; reports: ReportItem[] }> {
  const body = ctx.registry.get(bodyId);
  if (!body) throw new NotFoundError(`unknown body ${bodyId}`);
  const today = ctx.today();
  const r = (await readBodies(ctx, [body])).get(bodyId) as BodyReads;
  return {
    years: { body: bodySummary(body), today, years: yearViews(body, today, r.state, r.reports, r.alerts) },
    state: r.state,
    reports: r.reports,
  };
}

/**
 * Each body's view of one `year` only, as `yearsOfBodies` would give it (the sweep judges a year by that
 * year's report alone): one BatchGetItem per 100 keys for the states, the year's report items and its
 * sweep alerts, with no Query per body. A body whose `year` is neither due nor reported has no view.
 */
export async function yearOfBodies(
  ctx: ReadContext,
  bodies: readonly Body[],
  year: number,
): Promise<Map<string, BodyYears>> {
  const today = ctx.today();
  const items = await batchGetItems(
    ctx.repo,
    bodies.flatMap((b) => [
      keys.body(b.id),
      keys.report(b.id, year),
      ...PUBLIC_SWEEP_RULES.map((rule) => keys.alert(`${rule}/${b.id}/${year}`)),
    ]),
  );
  const at = (k: { pk: string; sk: string }) => items.get(`${k.pk}\u0000${k.sk}`);
  const out = new Map<string, BodyYears>();
  for (const body of bodies) {
    const stateItem = at(keys.body(body.id));
    const state: BodyState = stateItem
      ? BodyState.parse(withoutKeys(stateItem))
      : { bodyId: body.id, consecutiveFailures: 0 };
    const reportItem = at(keys.report(body.id, year));
    const reports = reportItem ? [ReportItem.parse(withoutKeys(reportItem))] : [];
    const alerts = PUBLIC_SWEEP_RULES.flatMap((rule) => {
      const item = at(keys.alert(`${rule}/${body.id}/${year}`));
      const parsed = item ? AlertRecord.safeParse(withoutKeys(item)) : null;
      return parsed?.success ? [parsed.data] : [];
    });
    const views = yearViews(body, today, state, reports, alerts).filter((v) => v.year === year);
    out.set(body.id, { body: bodySummary(body), today, years: views });
  }
  return out;
}

/**
 * Each body's due years only, as the sweep decides them (`yearViews`' due part: outcome, deadline,
 * reasons, report), from one BatchGetItem per 100 keys (its state and each due year's report item) with
 * no Query per body: what an admin's list of inconclusive or unreachable years needs at 100,000 bodies.
 * Sweep alerts are not read, so the views carry report findings only.
 */
export async function dueYearsOfBodies(
  ctx: ReadContext,
  bodies: readonly Body[],
): Promise<Map<string, YearView[]>> {
  const today = ctx.today();
  const due = new Map(bodies.map((b) => [b.id, dueYears(b, today)]));
  const items = await batchGetItems(
    ctx.repo,
    bodies.flatMap((b) => [keys.body(b.id), ...(due.get(b.id) ?? []).map((y) => keys.report(b.id, y))]),
  );
  const at = (k: { pk: string; sk: string }) => items.get(`${k.pk}\u0000${k.sk}`);
  const out = new Map<string, YearView[]>();
  for (const body of bodies) {
    const stateItem = at(keys.body(body.id));
    const state: BodyState = stateItem
      ? BodyState.parse(withoutKeys(stateItem))
      : { bodyId: body.id, consecutiveFailures: 0 };
    const reports = (due.get(body.id) ?? []).flatMap((y) => {
      const item = at(keys.report(body.id, y));
      return item ? [ReportItem.parse(withoutKeys(item))] : [];
    });
    out.set(
      body.id,
      yearViews(body, today, state, reports, []).filter((v) => v.due),
    );
  }
  return out;
}
