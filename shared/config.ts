import { z } from 'zod';
import { normaliseOrigin } from './crawl/ssrf.ts';
import { StrictDate } from './domain/clock.ts';
import { ConfigError } from './errors.ts';

const optionalUrl = z.url().optional();
const optionalArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:secretsmanager:/, 'expected a Secrets Manager ARN')
  .optional();

/**
 * The one configuration schema of both runtimes. The embedded runtime reads it from the shell; each
 * Lambda from the environment the CDK bind helpers set (infra/constructs/function.ts), so every setting
 * exists in both and has one default. `loadConfig(env, { runtime: 'aws' })` additionally refuses the
 * defaults that only make sense on one machine (see AWS_REQUIRED).
 */
const Env = z.object({
  NIANBAO_DATA_DIR: z.string().default('.data'),
  NIANBAO_REGISTRY: z.string().default('seeds/bodies.json'),
  /**
   * AWS: the registry is read from this key of NIANBAO_BUCKET (`nianbao registry push` writes it) at cold
   * start and asked again every NIANBAO_REGISTRY_REFRESH_SECONDS, so it changes without a redeploy.
   * Unset: the file NIANBAO_REGISTRY (locally) or the bundled copy (a Lambda).
   */
  NIANBAO_REGISTRY_S3_KEY: z.string().min(1).optional(),
  NIANBAO_REGISTRY_REFRESH_SECONDS: z.coerce.number().int().min(0).default(300),
  NIANBAO_TABLE: z.string().default('nianbao'),
  NIANBAO_BUCKET: z.string().default('nianbao-raw'),
  AWS_REGION: z.string().default('cn-north-1'),
  /** Point at real services instead of the embedded stand-ins. */
  NIANBAO_DYNAMODB_ENDPOINT: optionalUrl,
  NIANBAO_S3_ENDPOINT: optionalUrl,
  /** SQS endpoint (a stand-in) for the queue URLs below; unset: the region's SQS. */
  NIANBAO_SQS_ENDPOINT: optionalUrl,
  /** Queues of the AWS runtime; a function gets only those it sends to (least privilege). */
  NIANBAO_CRAWL_QUEUE_URL: optionalUrl,
  NIANBAO_PARSE_QUEUE_URL: optionalUrl,
  NIANBAO_ALERT_QUEUE_URL: optionalUrl,
  /** The cycle queue: sweep and re-crawl batches fanned out by the scheduler (shared/stages/cycle-stage.ts). */
  NIANBAO_CYCLE_QUEUE_URL: optionalUrl,
  /**
   * AWS: crawl-tick and re-crawl batches (whole hosts) go here instead of the cycle queue, and the
   * plain-HTTP crawl function walks each batch's hosts at once, each host's bodies in turn (crawl-stage.ts).
   */
  NIANBAO_CRAWL_BATCH_QUEUE_URL: optionalUrl,
  /**
   * AWS: crawls that need Chromium. A function with this set renders nothing itself: a body marked
   * `render: browser`, or whose page turns out to need the browser, is sent here, to the browser function.
   * Unset (the embedded runtime, the browser function): Chromium runs in the process.
   */
  NIANBAO_BROWSER_QUEUE_URL: optionalUrl,
  NIANBAO_SMTP_URL: optionalUrl,
  /** The SMTP URL (`smtps://user:pass@host:465`) kept in Secrets Manager: how Lambda mails from China regions. */
  NIANBAO_SMTP_SECRET_ARN: optionalArn,
  NIANBAO_MAIL_TRANSPORT: z.enum(['smtp', 'ses']).default('smtp'),
  /** Region of the SES identity (SES is not offered in the China regions; SMTP is the way there). */
  NIANBAO_SES_REGION: z.string().min(1).optional(),
  /** SES configuration set (bounce and complaint events → SNS → the mail-events function). */
  NIANBAO_SES_CONFIGURATION_SET: z.string().min(1).optional(),
  NIANBAO_MAIL_FROM: z.string().default('nianbao-watch <alerts@nianbao-watch.local>'),
  NIANBAO_ADMIN_EMAIL: z.string().default('admin@nianbao-watch.local'),
  NIANBAO_USER_AGENT: z
    .string()
    .default('nianbao-watch/0.1 (+https://github.com/nianbao-watch/nianbao-watch)'),
  NIANBAO_HOST_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  /** Requests in flight at once across hosts (the HostGate's limit), in either runtime. */
  NIANBAO_CONCURRENCY: z.coerce.number().int().min(1).default(8),
  /** Bodies crawled at once: most wait out host delays, so there are more of them than requests in flight (NIANBAO_CONCURRENCY). */
  NIANBAO_CRAWL_WORKERS: z.coerce.number().int().min(1).default(32),
  /**
   * An HTTP(S) forward proxy (`http://user:pass@egress.example.cn:3128`) every portal request goes through,
   * the fetcher's and Chromium's: from outside mainland China, many portals answer only mainland addresses.
   * It must allow CONNECT to ports 80 and 443; see shared/crawl/egress-proxy.ts for what the SSRF guard
   * still covers.
   */
  NIANBAO_HTTP_PROXY: z.url({ protocol: /^https?$/ }).optional(),
  NIANBAO_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  /**
   * How long one crawl invocation starts fetches before it saves where it stands and sends the body's
   * crawl message again (0: one fetch per invocation). In Lambda the budget is also capped by the
   * invocation's remaining time less one fetch's worst case (shared/stages/crawl-stage.ts).
   */
  NIANBAO_CRAWL_BUDGET_MS: z.coerce.number().int().min(0).default(180_000),
  NIANBAO_TICK_MINUTES: z.coerce.number().min(0.1).default(60),
  /** Days between checks of a body in the reporting season (January–April) and out of it. */
  NIANBAO_SEASON_DAYS: z.coerce.number().min(0).default(1),
  NIANBAO_OFF_SEASON_DAYS: z.coerce.number().min(0).default(7),
  /** Bodies per sweep or re-crawl batch sent through the cycle queue (each within its time budget). */
  NIANBAO_CYCLE_BATCH: z.coerce.number().int().min(1).max(1000).default(200),
  /**
   * Bodies per crawl-tick batch (whole hosts, so a host is in one batch): the plain-HTTP crawl function
   * walks a batch's hosts at once, so its billed time is shared by every host waiting on the network.
   */
  NIANBAO_CRAWL_BATCH: z.coerce.number().int().min(1).max(1000).default(1000),
  /**
   * A sweep batch that would raise more admin alerts (portal.unreachable, listing.inconclusive) than this
   * records them all and mails admins one `sweep.summary` instead (the first sweep of a large registry).
   */
  NIANBAO_SWEEP_SUMMARY_THRESHOLD: z.coerce.number().int().min(0).default(20),
  /** Bodies named, with their reasons, in a sweep summary (the rest are counted). */
  NIANBAO_SWEEP_SUMMARY_LIST: z.coerce.number().int().min(1).default(50),
  /** Freeze "today" (YYYY-MM-DD) for demos and reproducible runs. */
  NIANBAO_TODAY: StrictDate.optional(),
  /**
   * An RFC 3161 time-stamping authority (`https://tsa.example/tsr`): each day's root over the check log's
   * chains is sent to it and the token kept (docs/evidence.md). Unset: roots are recorded unstamped.
   */
  NIANBAO_TSA_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Trusted TSA certificates for `nianbao verify`: files (DER or PEM, a PEM file may hold several), comma
   * separated. A timestamp verifies only against one of these or `--tsa-cert` (docs/evidence.md).
   */
  NIANBAO_TSA_CERT: z.string().min(1).optional(),
  /**
   * Base URLs of the chat-robot platforms alerts are posted to (shared/channels/): their fixed hosts.
   * Tests point them at loopback stand-ins (which must also be in NIANBAO_ALLOW_PRIVATE_ORIGINS).
   */
  NIANBAO_WECOM_URL: z.url({ protocol: /^https?$/ }).default('https://qyapi.weixin.qq.com'),
  NIANBAO_DINGTALK_URL: z.url({ protocol: /^https?$/ }).default('https://oapi.dingtalk.com'),
  NIANBAO_FEISHU_URL: z.url({ protocol: /^https?$/ }).default('https://open.feishu.cn'),
  /** How long one post to a robot or webhook may take (headers, then body). */
  NIANBAO_ROBOT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /**
   * An alert whose robot posts were held back by a robot's per-minute limit is sent again to the alert queue
   * this many seconds later (SQS DelaySeconds, at most 900), up to NIANBAO_ROBOT_REQUEUE_MAX times; after that
   * the daily redrive takes it. 0 times: only the redrive.
   */
  NIANBAO_ROBOT_REQUEUE_DELAY_S: z.coerce.number().int().min(1).max(900).default(60),
  /**
   * The Beijing hour (0–23) from which the day's digests go out: the `digest` cycle task (EventBridge
   * Scheduler at this hour in AWS; every local cycle at or after it). After the 08:00 sweep by default.
   */
  NIANBAO_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(9),
  /**
   * Seconds a delivery claim holds (shared/store/alert-delivery.ts): a worker that died between claim and
   * send is overtaken after it, so its alert arrives once, late. Longer than any one send.
   */
  NIANBAO_DELIVERY_LEASE_S: z.coerce.number().int().min(1).max(3600).default(300),
  NIANBAO_ROBOT_REQUEUE_MAX: z.coerce.number().int().min(0).max(10_000).default(60),
  /** Port of the local HTTP API (0: any free port, printed at start). */
  NIANBAO_API_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Secret for the API's /admin routes; `start` generates and prints one when unset. */
  NIANBAO_ADMIN_TOKEN: z.string().min(16).optional(),
  /** The admin token in Secrets Manager, read at run time (cached 5 minutes), so it rotates without a deploy. */
  NIANBAO_ADMIN_TOKEN_SECRET_ARN: optionalArn,
  /** Public base URL of the API for links in mails (the API Gateway URL or a custom domain). */
  NIANBAO_PUBLIC_URL: optionalUrl,
  NIANBAO_FAILURES_BEFORE_ADMIN_ALERT: z.coerce.number().int().min(1).default(3),
  /** Days between re-checks of a known report page for silent edits (0: every cycle). */
  NIANBAO_REPORT_RECHECK_DAYS: z.coerce.number().min(0).default(7),
  /** `json`: one Powertools JSON object per line (CloudWatch, or a log shipper locally); `text`: lines for a terminal. */
  NIANBAO_LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  NIANBAO_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /**
   * Comma-separated origins (`http://10.1.2.3:8080`) the crawler may reach although they are private,
   * loopback or link-local: the SSRF guard refuses every other such target. The embedded demo portal's
   * origins are allowed without it.
   */
  NIANBAO_ALLOW_PRIVATE_ORIGINS: z
    .string()
    .default('')
    .transform((list, ctx) => {
      const origins: string[] = [];
      for (const entry of list.split(',').map((e) => e.trim())) {
        if (!entry) continue;
        try {
          origins.push(normaliseOrigin(entry));
        } catch {
          ctx.addIssue({ code: 'custom', message: `not an http(s) origin: "${entry}"` });
        }
      }
      return origins;
    }),
});
export type Config = z.infer<typeof Env>;

/**
 * Settings whose defaults name things on one machine (a local table, an example sender): in AWS they
 * must be set, or a deploy would silently mail from nowhere or write to a table that does not exist.
 */
export const AWS_REQUIRED = [
  'NIANBAO_TABLE',
  'NIANBAO_BUCKET',
  'NIANBAO_MAIL_FROM',
  'NIANBAO_ADMIN_EMAIL',
  'NIANBAO_MAIL_TRANSPORT',
] as const;

export interface LoadOptions {
  /** `aws`: a Lambda; the AWS_REQUIRED settings must be present and the mail transport complete. */
  runtime?: 'local' | 'aws';
}

/** Reads the environment once and fails fast with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const parsed = Env.safeParse(env);
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  if (options.runtime === 'aws') {
    for (const name of AWS_REQUIRED) if (!env[name]) lines.push(`  ${name}: required in AWS`);
    if (parsed.success) {
      const c = parsed.data;
      if (c.NIANBAO_MAIL_TRANSPORT === 'smtp' && !c.NIANBAO_SMTP_URL && !c.NIANBAO_SMTP_SECRET_ARN) {
        lines.push('  NIANBAO_SMTP_SECRET_ARN: required in AWS when NIANBAO_MAIL_TRANSPORT=smtp');
      }
      if (!c.NIANBAO_ADMIN_EMAIL.includes('@')) lines.push('  NIANBAO_ADMIN_EMAIL: not an address');
    }
  }
  if (!parsed.success || lines.length > 0) {
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
