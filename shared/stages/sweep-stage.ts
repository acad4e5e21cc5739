import type { Body } from '../domain/body.ts';
import { deadlineFor, dueYears } from '../domain/deadlines.ts';
import type { Finding } from '../domain/finding.ts';
import type { BodyState } from '../store/records.ts';
import type { StageContext } from './context.ts';
import { raiseFindings } from './parse-stage.ts';

export type YearStatus = 'on-time' | 'late' | 'undated' | 'missing' | 'unreachable';

export interface SweepRow {
  bodyId: string;
  year: number;
  status: YearStatus;
  deadline: string;
}

export interface SweepOutcome {
  rows: SweepRow[];
  newAlerts: string[];
}

function missingFinding(body: Body, year: number, today: string): Finding {
  const d = deadlineFor(body, year);
  const unverified = d.verified ? '' : '(截止日期未经核实 / deadline unverified)';
  return {
    rule: 'deadline.missing',
    severity: d.verified ? 'error' : 'warning',
    message: {
      zh: `截至${today}未发现${year}年度政府信息公开工作年度报告(截止日期${d.date})${unverified}`,
      en: `No ${year} annual report found as of ${today}; the deadline was ${d.date}${d.verified ? '' : ' (unverified)'}`,
    },
    evidence: [
      { quote: body.listingUrl, where: 'listing' },
      { quote: `${d.basis}: ${d.date}`, where: 'deadline' },
    ],
  };
}

/** A portal that could not be read yields no "missing": the absence of evidence is not evidence. */
function reachable(state: BodyState): boolean {
  return state.lastSuccessAt !== undefined && state.consecutiveFailures === 0;
}

/**
 * The deadline sweep: for every body and every due year, on time / late / undated / missing /
 * unreachable, raising `deadline.missing` once per (body, year).
 */
export async function runSweep(ctx: StageContext): Promise<SweepOutcome> {
  const today = ctx.today();
  const rows: SweepRow[] = [];
  const newAlerts: string[] = [];
  for (const body of ctx.registry.values()) {
    const state = await ctx.repo.getBodyState(body.id);
    for (const year of dueYears(body, today)) {
      const deadline = deadlineFor(body, year).date;
      const report = await ctx.repo.getReport(body.id, year);
      if (report) {
        rows.push({ bodyId: body.id, year, status: report.timeliness, deadline });
        continue;
      }
      if (!reachable(state)) {
        rows.push({ bodyId: body.id, year, status: 'unreachable', deadline });
        continue;
      }
      rows.push({ bodyId: body.id, year, status: 'missing', deadline });
      newAlerts.push(...(await raiseFindings(ctx, body.id, year, [missingFinding(body, year, today)])));
    }
  }
  return { rows, newAlerts };
}
