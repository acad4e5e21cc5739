import type { Body } from '../domain/body.ts';
import type { ReportItem } from '../store/records.ts';
import { bodySummary } from './bodies.ts';
import { NotFoundError, type ReadContext } from './context.ts';
import { figureChanges, textChanges } from './diff.ts';
import { flattenFigures } from './figures-flat.ts';
import { type RecordView, readParsed } from './reports.ts';
import type { YearComparison } from './types.ts';
import { reportFindings, reportSummary } from './years.ts';

export interface YearSide {
  item: ReportItem;
  record: RecordView;
}

/**
 * Year N beside year N−1 of one body, pure: every figure with its change (figure-changes rules: blank is
 * not 0), the findings of both years, and a line diff of the text as published (N−1 → N). Either side may
 * be absent (its figures show as added or removed, its text as empty).
 */
export function compareSides(
  body: Body,
  year: number,
  current?: YearSide,
  previous?: YearSide,
): YearComparison {
  return {
    body: bodySummary(body),
    year,
    previousYear: year - 1,
    current: current ? reportSummary(current.item) : null,
    previous: previous ? reportSummary(previous.item) : null,
    figures: figureChanges(
      previous ? flattenFigures(previous.record.figures) : [],
      current ? flattenFigures(current.record.figures) : [],
    ),
    findings: {
      current: current ? reportFindings(current.item) : [],
      previous: previous ? reportFindings(previous.item) : [],
    },
    text: textChanges(previous?.record.originalText ?? '', current?.record.originalText ?? ''),
  };
}

/** Year-over-year comparison from the stores. NotFoundError when the body is unknown or neither year has a report. */
export async function compareYears(ctx: ReadContext, bodyId: string, year: number): Promise<YearComparison> {
  const body = ctx.registry.get(bodyId);
  if (!body) throw new NotFoundError(`unknown body ${bodyId}`);
  const side = async (y: number): Promise<YearSide | undefined> => {
    const item = await ctx.repo.getReport(bodyId, y);
    return item ? { item, record: await readParsed(ctx, item.parsedKey) } : undefined;
  };
  const [current, previous] = await Promise.all([side(year), side(year - 1)]);
  if (!current && !previous)
    throw new NotFoundError(`no ${year} or ${year - 1} report of ${bodyId} is stored`);
  return compareSides(body, year, current, previous);
}
