/**
 * The read model: plain typed objects over a runtime's registry and stores, shared by the JSON API, the
 * CLI, the exports and the dashboard. Outcomes come from the sweep's own rules (shared/rules/sweep.ts).
 */

export type { BodyQuery } from './bodies.ts';
export {
  bodyDetail,
  bodySummary,
  crawlHealth,
  insideDivision,
  recentChecks,
  searchBodies,
} from './bodies.ts';
export { compareSides, compareYears } from './compare.ts';
export { NotFoundError, type ReadContext } from './context.ts';
export { figureChanges, textChanges } from './diff.ts';
export { flattenFigures } from './figures-flat.ts';
export { findingId, parseFindingId } from './finding-id.ts';
export { scopeFindings } from './findings.ts';
export { readParsed, reportDetail } from './reports.ts';
export { countScoreboard, jurisdictionOf, SCOREBOARD_METHOD, scoreboard } from './scoreboard.ts';
export type * from './types.ts';
export {
  type BodyReads,
  bodyStatus,
  bodyYears,
  dueYearsOfBodies,
  readBodies,
  reportFindings,
  yearOfBodies,
  yearsOfBodies,
  yearViews,
} from './years.ts';
