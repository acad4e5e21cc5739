import type { CrawlOutcome } from '../crawl/crawl-body.ts';
import type { AlertOutcome } from '../stages/alert-stage.ts';
import type { ParseOutcome } from '../stages/parse-stage.ts';

/** Progress lines per stage and the tallies the cycle summary prints. */
export class StageEvents {
  crawls: CrawlOutcome[] = [];
  parses: ParseOutcome[] = [];
  alerts: AlertOutcome[] = [];

  constructor(private readonly log: (line: string) => void) {}

  reset(): void {
    this.crawls = [];
    this.parses = [];
    this.alerts = [];
  }

  crawled(o: CrawlOutcome): void {
    this.crawls.push(o);
    const detail =
      o.status === 'failed'
        ? `FAILED (${o.error?.class}): ${o.error?.message}`
        : `${o.status}, ${o.newReports} new report page(s), ${o.archived} object(s) archived${o.rendered ? ', rendered in Chromium' : ''}`;
    this.log(`  crawl  ${o.bodyId}: ${detail}`);
  }

  parsed(o: ParseOutcome): void {
    this.parses.push(o);
    const detail =
      o.result === 'report'
        ? `report ${o.year} (${o.change}), ${o.newAlerts.length} new alert(s)`
        : o.result === 'failed'
          ? `FAILED to read: ${o.reason}`
          : `not a report: ${o.reason}`;
    this.log(`  parse  ${o.bodyId}: ${detail}`);
  }

  alerted(o: AlertOutcome): void {
    this.alerts.push(o);
    this.log(
      `  alert  ${o.alertId}: ${o.delivered} e-mail(s) sent${o.skipped ? `, ${o.skipped} already sent` : ''}`,
    );
  }
}
