import type { Body } from '#shared/domain/body.ts';
import type { Finding, Severity } from '#shared/domain/finding.ts';
import type { IsoDate, ParsedReport } from '#shared/domain/report.ts';
import type { TextCopy } from './mirror-across.ts';

/** Everything a rule may look at. Rules are pure: no I/O, no clock (today is given). */
export interface RuleContext {
  report: ParsedReport;
  /** The registry entry, when the report could be matched to one. */
  body: Body | null;
  /** The same body's earlier reports (any order). */
  previous: ParsedReport[];
  today: IsoDate;
  /**
   * Other archived copies of this report's text (any body, any host: mirror-across.ts picks those of other
   * bodies on other hosts); absent when the caller has no archive to look in.
   */
  sameText?: readonly TextCopy[];
}

/** One catalogue entry: what watchers read in the docs and the alert footer. */
export interface RuleInfo {
  id: string;
  /** The usual severity; a rule may lower it for a weaker case (documented at the rule). */
  severity: Severity;
  description: { zh: string; en: string };
}

export interface Rule extends RuleInfo {
  run(ctx: RuleContext): Finding[];
}
