import { dueYears } from '../domain/deadlines.ts';
import { sweepBody, type YearStatus, type YearVerdict } from '../rules/sweep.ts';
import { sweepFingerprint } from '../rules/sweep-fingerprint.ts';
import { closeOpenSummary, type OpenSummary, putOpenSummary } from '../store/open-summary.ts';
import { AlertRecord, type BodyState } from '../store/records.ts';
import {
  queryReports,
  readSweepInputs,
  readSweepState,
  recordDeliveredAlerts,
  recordSweepFingerprints,
} from '../store/sweep-reads.ts';
import { keys } from '../store/table.ts';
import type { StageContext } from './context.ts';
import { type AlertToRaise, raiseAlert } from './raise-alert.ts';
import { summaryAlertId, summaryFinding } from './sweep-summary.ts';

export interface SweepRow {
  bodyId: string;
  year: number;
  status: YearStatus;
  deadline: string;
  /** Inconclusive years: why the listing does not prove absence. */
  reasons?: string[];
}

export interface SweepOutcome {
  rows: SweepRow[];
  /** Alerts recorded by this run (summarised ones included) and the summary, if one was raised. */
  newAlerts: string[];
  /** The batch's `sweep.summary` alert when its admin alerts were summarised. */
  summary?: { alertId: string; summarised: number; raised: boolean };
}

/** A portal that could not be read yields no "missing": the absence of evidence is not evidence. */
export const reachable = (state: BodyState): boolean =>
  state.lastSuccessAt !== undefined && state.consecutiveFailures === 0;

const SWEEP_RULES = [
  'deadline.missing',
  'deadline.published-late',
  'deadline.retracted',
  'portal.unreachable',
  'listing.inconclusive',
];

/** How a sweep run reads (for `runSweep`'s callers and tests). */
export interface SweepOptions {
  /** Read every body in full (consistent reads, its alert ids, its REPORT# query), as before fingerprints. */
  full?: boolean;
}

/**
 * The deadline sweep over the context's registry (one cycle batch): for every body and every due year,
 * on time / late / undated / missing / unreachable / inconclusive (decided by the pure `sweepBody`),
 * raising each alert it decides once. `rows` hold every body's verdicts, in registry order.
 *
 * Two passes. The cheap pass reads every body's META item and its due years' `REPORT#<year>` items,
 * eventually consistent (⌈keys / 100⌉ BatchGetItem; 0.5 RRU a key), and computes every verdict from them.
 * A body whose verdicts' fingerprint (sweep-fingerprint.ts: due years, deadlines, statuses, rules version)
 * equals the one stored on its META item by an earlier sweep is done: that sweep raised every alert those
 * verdicts call for, and alerts are never deleted. Every other body (first sweep, a body added to the
 * registry, a report arrived, a crawl failed or read the listing differently, the date crossed a deadline
 * so a year became due, a day missed, a run cut short before it stored them) takes the full pass, the only
 * one that raises alerts: ⌈(its keys + candidate alert ids + 1) / 100⌉ consistent BatchGetItem (its META
 * items and every alert id the rules could raise) and one Query per body for its REPORT# items; then one
 * conditional put per alert raised (or, when summarised, one put for the summary and ⌈admin alerts / 25⌉
 * BatchWriteItem); then, once all of them are raised, one UpdateItem per body whose stored fingerprint
 * differs. A stale cheap read costs a full pass (never an alert) or, for a change made in the last second,
 * a day's delay.
 *
 * One admin summary per batch: a batch whose admin alerts (portal.unreachable, listing.inconclusive)
 * outnumber `ctx.sweepSummary.threshold` records each of them already delivered (so it is never raised
 * again and the redrive does not mail it) and queues one `sweep.summary` alert instead. Per batch, not
 * per run: in AWS each batch is its own invocation with nothing shared to count a whole run in, and a
 * batch of `NIANBAO_CYCLE_BATCH` bodies (200 by default) makes ⌈bodies / 200⌉ mails on a first sweep.
 */
export async function runSweep(ctx: StageContext, options: SweepOptions = {}): Promise<SweepOutcome> {
  const today = ctx.today();
  const bodies = [...ctx.registry.values()];
  const newAlerts: string[] = [];
  if (bodies.length === 0) return { rows: [], newAlerts };
  const rowsOf = new Map<string, SweepRow[]>();
  const toRows = (bodyId: string, years: YearVerdict[]): SweepRow[] =>
    years.map((y) => ({
      bodyId,
      year: y.year,
      status: y.status,
      deadline: y.deadline.date,
      ...(y.reasons ? { reasons: y.reasons } : {}),
    }));
  const healthOf = (state: BodyState) => ({
    reachable: reachable(state),
    ...(state.lastSuccessAt ? { lastSuccess: state.lastSuccessAt } : {}),
    ...(state.lastErrorClass ? { lastErrorClass: state.lastErrorClass } : {}),
  });

  // The cheap pass: verdicts for every body; the bodies whose fingerprint is stored are done.
  let changed = bodies;
  if (!options.full) {
    const cheap = await readSweepInputs(
      ctx.repo,
      bodies.map((b) => ({ bodyId: b.id, years: dueYears(b, today) })),
    );
    changed = [];
    for (const body of bodies) {
      const state = cheap.states.get(body.id) ?? { bodyId: body.id, consecutiveFailures: 0 };
      const { years } = sweepBody({
        body,
        today,
        reports: cheap.reports.get(body.id) ?? [],
        health: healthOf(state),
        proof: state.lastCheck,
        alreadyAlerted: new Set(),
      });
      if (state.sweepFingerprint !== undefined && state.sweepFingerprint === sweepFingerprint(years))
        rowsOf.set(body.id, toRows(body.id, years));
      else changed.push(body);
    }
  }

  // The full pass, for the bodies whose verdicts may call for an alert not raised yet.
  const summaryId = summaryAlertId(bodies[0]?.id ?? '', today);
  const decided: AlertToRaise[] = [];
  const fingerprints: Array<{ bodyId: string; fingerprint: string }> = [];
  let alertItems = new Map<string, Record<string, unknown>>();
  let leftOpen: OpenSummary | null = null;
  if (changed.length > 0) {
    const candidates = changed.flatMap((body) =>
      dueYears(body, today).flatMap((year) => SWEEP_RULES.map((rule) => `${rule}/${body.id}/${year}`)),
    );
    const read = await readSweepState(
      ctx.repo,
      changed.map((b) => b.id),
      [...candidates, summaryId],
      bodies[0]?.id ?? '',
    );
    leftOpen = read.openSummary;
    alertItems = read.alertItems;
    for (const body of changed) {
      const state = read.states.get(body.id) ?? { bodyId: body.id, consecutiveFailures: 0 };
      const reports = await queryReports(ctx.repo, body.id);
      const result = sweepBody({
        body,
        today,
        reports: reports.map((r) => ({ year: r.year, publishedAt: r.publishedAt })),
        health: healthOf(state),
        proof: state.lastCheck,
        alreadyAlerted: read.existingAlerts,
      });
      rowsOf.set(body.id, toRows(body.id, result.years));
      const fingerprint = sweepFingerprint(result.years);
      // A body never crawled has no META item, and the sweep does not create the crawl's item.
      if (read.present.has(body.id) && state.sweepFingerprint !== fingerprint)
        fingerprints.push({ bodyId: body.id, fingerprint });
      for (const decision of result.alerts) {
        const year = Number(decision.alertId.split('/').at(-1));
        const report = reports.find((r) => r.year === year);
        decided.push({
          ...decision,
          bodyId: body.id,
          year,
          ...(report ? { reportUrl: report.url, rawKey: report.rawKey } : {}),
        });
      }
    }
  }
  const rows = bodies.flatMap((b) => rowsOf.get(b.id) ?? []);

  const admin = decided.filter((a) => a.audience === 'admins');
  const first = bodies[0]?.id ?? '';
  // A run cut short while raising its summary (maybe another day: the summary's id holds its day) left it
  // open: its alerts are covered by it, and it is finished below instead of summarising them again.
  const left = leftOpen;
  const open = left && admin.some((a) => left.covers.includes(a.alertId)) ? left : null;
  // A retried batch (a crash after its summary was recorded) finds the summary and the alerts it covers:
  // those are recorded as delivered without a second mail. Admin alerts it does not cover (a second
  // sweep the same day) go the usual way, one by one: the summary's id is taken for the day.
  const stored = alertItems.get(summaryId);
  const covered = new Set([
    ...(Array.isArray(stored?.covers) ? (stored.covers as string[]) : []),
    ...(open?.covers ?? []),
  ]);
  const fresh = admin.filter((a) => !covered.has(a.alertId));
  const summarised = [
    ...admin.filter((a) => covered.has(a.alertId)),
    ...(!stored && !open && fresh.length > ctx.sweepSummary.threshold ? fresh : []),
  ];
  let summary: SweepOutcome['summary'];
  if (summarised.length > 0) {
    const now = ctx.now().toISOString();
    const usedId = open?.summaryId ?? summaryId;
    let raised = false;
    if (open) raised = await ctx.repo.putNewAlert(open.item, now);
    else if (!stored) {
      const item = {
        ...keys.alert(summaryId),
        ...AlertRecord.parse({
          alertId: summaryId,
          rule: 'sweep.summary',
          bodyId: first,
          year: Math.max(...summarised.map((a) => a.year)),
          audience: 'admins',
          createdAt: now,
          finding: summaryFinding({
            today,
            alerts: summarised,
            listed: ctx.sweepSummary.listed,
            nameOf: (id) => ctx.registry.get(id)?.name ?? id,
          }),
        }),
        covers: summarised.map((a) => a.alertId),
      };
      // Open first, then the summary with the ids it covers: a crash after either leaves alerts the next
      // run (any day) records as covered, the summary written once; a crash before leaves nothing.
      await putOpenSummary(ctx.repo, first, { summaryId, covers: item.covers, item });
      raised = await ctx.repo.putNewAlert(item);
    }
    await recordDeliveredAlerts(
      ctx.repo,
      summarised.map((a) => ({
        alertId: a.alertId,
        rule: a.finding.rule,
        bodyId: a.bodyId,
        year: a.year,
        audience: a.audience,
        createdAt: now,
        finding: a.finding,
        ...(a.reportUrl ? { reportUrl: a.reportUrl } : {}),
        ...(a.rawKey ? { rawKey: a.rawKey } : {}),
      })),
      now,
    );
    // Recorded but not queued (a crash here): the redrive finds it undelivered and queues it.
    if (raised) await ctx.alertQueue.send({ type: 'alert', alertId: usedId }, { dedupId: usedId });
    await closeOpenSummary(ctx.repo, first);
    newAlerts.push(...summarised.map((a) => a.alertId), ...(raised ? [usedId] : []));
    summary = { alertId: usedId, summarised: summarised.length, raised };
  } else if (left) await closeOpenSummary(ctx.repo, first); // what it covered is recorded: nothing to finish
  const inSummary = new Set(summarised.map((a) => a.alertId));
  for (const a of decided) {
    if (inSummary.has(a.alertId)) continue;
    if (await raiseAlert(ctx, a)) newAlerts.push(a.alertId);
  }
  // Only now, every alert of these verdicts raised: a crash before this line leaves the old fingerprints,
  // and the retry (or the next day) takes the full pass again.
  await recordSweepFingerprints(ctx.repo, fingerprints);
  return { rows, newAlerts, ...(summary ? { summary } : {}) };
}
