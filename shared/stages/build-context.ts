import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RobotSender } from '../channels/send.ts';
import type { Config } from '../config.ts';
import { BrowserPool } from '../crawl/browser.ts';
import { egressProxyOption } from '../crawl/egress-proxy.ts';
import { FETCH_DEFAULTS, HttpFetcher } from '../crawl/fetcher.ts';
import type { OriginMap } from '../crawl/origin-map.ts';
import { HostGate } from '../crawl/politeness.ts';
import type { Body } from '../domain/body.ts';
import { beijingDate } from '../domain/clock.ts';
import type { Log } from '../log.ts';
import type { MailTransport } from '../mail/transport.ts';
import type { AlertMessage, CrawlMessage, ParseMessage, Queue } from '../queue/queue.ts';
import { RawArchive } from '../store/archive.ts';
import { Repository } from '../store/repository.ts';
import { Subscribers } from '../store/subscribers.ts';
import { HandOffBrowser } from './browser-hand-off.ts';
import type { StageContext } from './context.ts';
import type { CycleMessage } from './cycle-stage.ts';

/**
 * What differs between the runtimes, and only that: the clients (dynalite/s3rver or AWS), the queues
 * (in-process or SQS), the mail transport (SMTP sink, SMTP relay or SES), the registry's source, and
 * the stand-ins' origin map. Everything else comes from the one Config.
 */
export interface StageAdapters {
  db: DynamoDBDocumentClient;
  s3: S3Client;
  queues: {
    crawl: Queue<CrawlMessage>;
    parse: Queue<ParseMessage>;
    alert: Queue<AlertMessage>;
    cycle?: Queue<CycleMessage>;
    /** AWS: crawl-tick batches of whole hosts (NIANBAO_CRAWL_BATCH_QUEUE_URL). */
    crawlBatch?: Queue<CycleMessage>;
    /** AWS, plain-HTTP crawl function: crawls that need Chromium (NIANBAO_BROWSER_QUEUE_URL). */
    browser?: Queue<CrawlMessage>;
  };
  mail: MailTransport;
  registry: readonly Body[];
  /** Where a reader finds archived objects (s3://bucket, or the local s3rver directory). */
  archiveBase: string;
  log: Log;
  now?: () => Date;
  /** Canonical portal origin → loopback stand-in (the demo portal); none in AWS. */
  originMap?: OriginMap;
  /** Private origins the SSRF guard lets through (the stand-ins', NIANBAO_ALLOW_PRIVATE_ORIGINS). */
  allowPrivateOrigins?: readonly string[];
}

/**
 * The one stage-context builder of both runtimes (shared/local/runtime.ts and shared/aws/context.ts):
 * one message can be traced end to end from here, whichever runtime carries it. No I/O.
 */
export function buildStageContext(config: Config, a: StageAdapters): StageContext {
  const now = a.now ?? (() => new Date());
  const gate = new HostGate(config.NIANBAO_HOST_DELAY_MS, config.NIANBAO_CONCURRENCY);
  const allowPrivateOrigins = a.allowPrivateOrigins ?? config.NIANBAO_ALLOW_PRIVATE_ORIGINS;
  const originMap = a.originMap ? { originMap: a.originMap } : {};
  const egress = egressProxyOption(config.NIANBAO_HTTP_PROXY);
  const repo = new Repository(a.db, config.NIANBAO_TABLE);
  const fetcher = new HttpFetcher({
    robotsStore: repo,
    onRobotsStoreError: (e) =>
      a.log('robots.txt cache in the table failed', { stage: 'crawl', error: String(e) }),
    userAgent: config.NIANBAO_USER_AGENT,
    timeoutMs: config.NIANBAO_FETCH_TIMEOUT_MS,
    ...FETCH_DEFAULTS,
    gate,
    now,
    allowPrivateOrigins,
    ...egress,
    ...originMap,
  });
  // Launches Chromium only when a page needs it, so functions that never render pay nothing; with a
  // browser queue, never here: the crawl stage hands such a body to the browser function.
  const browser = new (a.queues.browser ? HandOffBrowser : BrowserPool)({
    userAgent: config.NIANBAO_USER_AGENT,
    timeoutMs: config.NIANBAO_FETCH_TIMEOUT_MS,
    gate,
    allowPrivateOrigins,
    ...egress,
    ...originMap,
  });
  return {
    registry: new Map(a.registry.map((b) => [b.id, b])),
    archive: new RawArchive(a.s3, config.NIANBAO_BUCKET),
    repo,
    subscribers: new Subscribers(a.db, config.NIANBAO_TABLE),
    crawlQueue: a.queues.crawl,
    parseQueue: a.queues.parse,
    alertQueue: a.queues.alert,
    ...(a.queues.cycle ? { cycleQueue: a.queues.cycle } : {}),
    ...(a.queues.crawlBatch ? { crawlBatchQueue: a.queues.crawlBatch } : {}),
    ...(a.queues.browser ? { browserQueue: a.queues.browser } : {}),
    fetcher,
    browser,
    mail: a.mail,
    robots: new RobotSender({
      baseUrls: {
        wecom: config.NIANBAO_WECOM_URL,
        dingtalk: config.NIANBAO_DINGTALK_URL,
        feishu: config.NIANBAO_FEISHU_URL,
      },
      allowPrivateOrigins,
      timeoutMs: config.NIANBAO_ROBOT_TIMEOUT_MS,
      userAgent: config.NIANBAO_USER_AGENT,
    }),
    robotRequeue: {
      delaySeconds: config.NIANBAO_ROBOT_REQUEUE_DELAY_S,
      max: config.NIANBAO_ROBOT_REQUEUE_MAX,
    },
    mailFrom: config.NIANBAO_MAIL_FROM,
    adminEmail: config.NIANBAO_ADMIN_EMAIL,
    archiveBase: a.archiveBase,
    publicUrl: config.NIANBAO_PUBLIC_URL ?? `http://127.0.0.1:${config.NIANBAO_API_PORT || 8080}`,
    failuresBeforeAdminAlert: config.NIANBAO_FAILURES_BEFORE_ADMIN_ALERT,
    crawlBudgetMs: config.NIANBAO_CRAWL_BUDGET_MS,
    digestHour: config.NIANBAO_DIGEST_HOUR,
    deliveryLeaseMs: config.NIANBAO_DELIVERY_LEASE_S * 1000,
    fetchWorstCaseMs: config.NIANBAO_FETCH_TIMEOUT_MS * (FETCH_DEFAULTS.retries + 1),
    reportRecheckMs: config.NIANBAO_REPORT_RECHECK_DAYS * 86_400_000,
    schedulePolicy: { seasonDays: config.NIANBAO_SEASON_DAYS, offSeasonDays: config.NIANBAO_OFF_SEASON_DAYS },
    cycleBatch: config.NIANBAO_CYCLE_BATCH,
    crawlBatch: config.NIANBAO_CRAWL_BATCH,
    crawlWorkers: config.NIANBAO_CRAWL_WORKERS,
    sweepSummary: {
      threshold: config.NIANBAO_SWEEP_SUMMARY_THRESHOLD,
      listed: config.NIANBAO_SWEEP_SUMMARY_LIST,
    },
    ...(config.NIANBAO_TSA_URL ? { tsaUrl: config.NIANBAO_TSA_URL } : {}),
    now,
    today: () => config.NIANBAO_TODAY ?? beijingDate(now()),
    log: a.log,
  };
}

/**
 * The same context over another registry (a refreshed one: shared/aws/context.ts); clients, queues and
 * the host gate are shared, so politeness holds across the swap.
 */
export function withRegistry(ctx: StageContext, bodies: readonly Body[]): StageContext {
  return { ...ctx, registry: new Map(bodies.map((b) => [b.id, b])) };
}
