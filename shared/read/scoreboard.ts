import { type Body, bodyInScope } from '../domain/body.ts';
import { lookupDivision } from '../domain/divisions.ts';
import type { Severity } from '../domain/finding.ts';
import type { YearStatus } from '../rules/sweep.ts';
import type { ReadContext } from './context.ts';
import { type BodyYears, OUTCOMES, type Scoreboard, type ScoreboardRow, SEVERITIES } from './types.ts';
import { yearOfBodies } from './years.ts';

/** The version of docs/scoreboard-method.md these counts follow. */
export const SCOREBOARD_METHOD = 'scoreboard-method v1';

/**
 * The jurisdiction a body is counted under for a scope (docs/scoreboard-method.md): one level below the
 * scope (`*` → province, a province → its cities, a city → its counties), the scope itself from county
 * level down or for a body id.
 */
export function jurisdictionOf(body: Body, scope: string): string {
  const digits = scope === '*' ? 0 : /^\d+$/.test(scope) ? scope.replace(/(00)+$/, '').length : -1;
  if (digits < 0 || digits >= 6) return scope === body.id ? body.divisionCode : scope;
  const want = digits === 0 ? 2 : digits + 2;
  return body.divisionCode.length > want ? body.divisionCode.slice(0, want) : body.divisionCode;
}

const emptyCounts = (): Omit<ScoreboardRow, 'code' | 'name'> => ({
  bodies: 0,
  outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<YearStatus, number>,
  findings: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
  notJudged: 0,
});

function add(into: Omit<ScoreboardRow, 'code' | 'name'>, years: BodyYears, year: number): void {
  into.bodies += 1;
  const view = years.years.find((y) => y.year === year);
  if (!view) {
    into.notJudged += 1;
    return;
  }
  into.outcomes[view.outcome] += 1;
  for (const f of view.findings) into.findings[f.severity] += 1;
}

/**
 * Counts pure over the bodies' years: per jurisdiction, bodies, each body's outcome for `year` (as the
 * sweep decides it) and its findings of that year by severity; a body for which `year` is neither due nor
 * reported counts under `notJudged`. Rows in code order.
 */
export function countScoreboard(
  bodies: readonly Body[],
  years: ReadonlyMap<string, BodyYears>,
  year: number,
  scope: string,
  today: string,
): Scoreboard {
  const rows = new Map<string, ScoreboardRow>();
  const totals = emptyCounts();
  for (const body of bodies) {
    const y = years.get(body.id);
    if (!y) continue;
    const code = jurisdictionOf(body, scope);
    let row = rows.get(code);
    if (!row) {
      row = { code, name: lookupDivision(code)?.name ?? body.name, ...emptyCounts() };
      rows.set(code, row);
    }
    add(row, y, year);
    add(totals, y, year);
  }
  return {
    method: SCOREBOARD_METHOD,
    year,
    scope,
    today,
    rows: [...rows.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
    totals,
  };
}

/**
 * The scoreboard of `year` over the bodies in `scope` (`*`, a division code or a body id): only that year
 * of each body is read (`yearOfBodies`: BatchGetItem, no Query per body).
 */
export async function scoreboard(ctx: ReadContext, year: number, scope: string): Promise<Scoreboard> {
  const bodies = [...ctx.registry.values()].filter((b) => bodyInScope(b, scope));
  const years = await yearOfBodies(ctx, bodies, year);
  return countScoreboard(bodies, years, year, scope, ctx.today());
}
