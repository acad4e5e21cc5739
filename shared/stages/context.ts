import type { RobotSender } from '../channels/send.ts';
import type { BrowserPool } from '../crawl/browser.ts';
import type { HttpFetcher } from '../crawl/fetcher.ts';
import type { Body } from '../domain/body.ts';
import type { Log } from '../log.ts';
import type { MailTransport } from '../mail/transport.ts';
import type { AlertMessage, CrawlMessage, ParseMessage, Queue } from '../queue/queue.ts';
import type { RawArchive } from '../store/archive.ts';
import type { Repository } from '../store/repository.ts';
import type { Subscribers } from '../store/subscribers.ts';
import type { CycleMessage } from './cycle-stage.ts';

/**
 * Days between checks of a body, by season (Beijing calendar) and by whether its due years' reports are
 * stored (schedule-stage.ts `intervalDays`).
 */
export interface SchedulePolicy {
  /**
   * Days between crawls in the reporting season (January to April, when reports fall due) of a body still
   * without a stored report for one of its due years.
   */
  seasonDays: number;
  /** Days between crawls off season, and in season of a body whose every due year's report is stored. */
  offSeasonDays: number;
}

/**
 * Everything a stage needs, built once per runtime (Lambda cold start or the embedded process) by
 * `buildStageContext` (build-context.ts) from the one Config and the runtime's adapters.
 */
export interface StageContext {
  registry: ReadonlyMap<string, Body>;
  archive: RawArchive;
  repo: Repository;
  subscribers: Subscribers;
  crawlQueue: Queue<CrawlMessage>;
  parseQueue: Queue<ParseMessage>;
  alertQueue: Queue<AlertMessage>;
  /** Sweep and re-crawl batches (cycle-stage.ts); absent: the batches run in place. */
  cycleQueue?: Queue<CycleMessage>;
  /** AWS: crawl-tick and re-crawl batches of whole hosts, walked by the plain-HTTP crawl function. */
  crawlBatchQueue?: Queue<CycleMessage>;
  /**
   * AWS, plain-HTTP crawl function: where crawls that need Chromium go (the browser function). Set, the
   * context's browser renders nothing and the crawl stage hands the body over (crawl-stage.ts).
   */
  browserQueue?: Queue<CrawlMessage>;
  fetcher: HttpFetcher;
  browser: BrowserPool;
  mail: MailTransport;
  /** Posts alerts to chat robots and signed webhooks (channels/send.ts). */
  robots?: RobotSender;
  /**
   * Robot posts held back by a per-minute limit: the alert message is sent again `delaySeconds` later, at
   * most `max` times (NIANBAO_ROBOT_REQUEUE_DELAY_S / _MAX); absent: only the redrive retries them.
   */
  robotRequeue?: { delaySeconds: number; max: number };
  mailFrom: string;
  adminEmail: string;
  /** Where a reader finds archived objects (s3://bucket or the local .data path). */
  archiveBase: string;
  /** Base URL of the API for links in mails (NIANBAO_PUBLIC_URL; else the local API on loopback). */
  publicUrl: string;
  failuresBeforeAdminAlert: number;
  /**
   * How long a delivery claim holds before another worker may take it over (NIANBAO_DELIVERY_LEASE_S; a
   * worker that died between claim and send is overtaken after it). Default DELIVERY_LEASE_MS.
   */
  deliveryLeaseMs?: number;
  /** The Beijing hour from which the day's digests go out (NIANBAO_DIGEST_HOUR; alerts/digest.ts). */
  digestHour?: number;
  /** How long one crawl invocation starts fetches (NIANBAO_CRAWL_BUDGET_MS; budget.ts). */
  crawlBudgetMs: number;
  /** The worst case of one fetch (timeout × attempts): what an invocation keeps in hand past its budget. */
  fetchWorstCaseMs: number;
  /** How often a known report page is re-fetched for edits (NIANBAO_REPORT_RECHECK_DAYS). */
  reportRecheckMs: number;
  schedulePolicy: SchedulePolicy;
  /** Bodies per sweep or re-crawl batch (NIANBAO_CYCLE_BATCH). */
  cycleBatch: number;
  /** Bodies per crawl-tick batch, whole hosts (NIANBAO_CRAWL_BATCH). */
  crawlBatch: number;
  /** Hosts one process walks at once (NIANBAO_CRAWL_WORKERS). */
  crawlWorkers: number;
  /** Admin alerts per sweep batch above which one summary is mailed instead (sweep-stage.ts). */
  sweepSummary: { threshold: number; listed: number };
  /** RFC 3161 time-stamping authority for the check log's daily root (NIANBAO_TSA_URL; docs/evidence.md). */
  tsaUrl?: string;
  now: () => Date;
  /** The date deadlines are judged against (YYYY-MM-DD, Beijing). */
  today: () => string;
  log: Log;
}

export function requireBody(ctx: StageContext, bodyId: string): Body {
  const body = ctx.registry.get(bodyId);
  if (!body) throw new Error(`body ${bodyId} is not in the registry`);
  return body;
}
