import { dueYears } from '../domain/deadlines.ts';
import { sweepBody, type YearStatus } from '../rules/sweep.ts';
import type { BodyState } from '../store/records.ts';
import type { StageContext } from './context.ts';
import { raiseAlert } from './raise-alert.ts';

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
  newAlerts: string[];
}

/** A portal that could not be read yields no "missing": the absence of evidence is not evidence. */
const reachable = (state: BodyState): boolean =>
  state.lastSuccessAt !== undefined && state.consecutiveFailures === 0;

const SWEEP_RULES = [
  'deadline.missing',
  'deadline.published-late',
  'deadline.retracted',
  'portal.unreachable',
  'listing.inconclusive',
];

/**
 * The deadline sweep: for every body and every due year, on time / late / undated / missing /
 * unreachable (decided by the pure `sweepBody`), raising each alert it decides once.
 */
export async function runSweep(ctx: StageContext): Promise<SweepOutcome> {
  const today = ctx.today();
  const rows: SweepRow[] = [];
  const newAlerts: string[] = [];
  for (const body of ctx.registry.values()) {
    const state = await ctx.repo.getBodyState(body.id);
    const reports = await ctx.repo.listReports(body.id);
    const alreadyAlerted = new Set<string>();
    for (const year of dueYears(body, today)) {
      for (const rule of SWEEP_RULES) {
        const id = `${rule}/${body.id}/${year}`;
        if (await ctx.repo.getAlert(id)) alreadyAlerted.add(id);
      }
    }
    const result = sweepBody({
      body,
      today,
      reports: reports.map((r) => ({ year: r.year, publishedAt: r.publishedAt })),
      health: {
        reachable: reachable(state),
        ...(state.lastSuccessAt ? { lastSuccess: state.lastSuccessAt } : {}),
        ...(state.lastErrorClass ? { lastErrorClass: state.lastErrorClass } : {}),
      },
      proof: state.lastCheck,
      alreadyAlerted,
    });
    for (const y of result.years)
      rows.push({
        bodyId: body.id,
        year: y.year,
        status: y.status,
        deadline: y.deadline.date,
        ...(y.reasons ? { reasons: y.reasons } : {}),
      });
    for (const decision of result.alerts) {
      const year = Number(decision.alertId.split('/').at(-1));
      const report = reports.find((r) => r.year === year);
      const raised = await raiseAlert(ctx, {
        ...decision,
        bodyId: body.id,
        year,
        ...(report ? { reportUrl: report.url, rawKey: report.rawKey } : {}),
      });
      if (raised) newAlerts.push(decision.alertId);
    }
  }
  return { rows, newAlerts };
}
