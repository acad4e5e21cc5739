import { readFileSync } from 'node:fs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import bundledRegistry from '#seeds/bodies.json' with { type: 'json' };
import { BrowserPool } from '#shared/crawl/browser.ts';
import { FETCH_DEFAULTS, HttpFetcher } from '#shared/crawl/fetcher.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import type { Body } from '#shared/domain/body.ts';
import { loadRegistry } from '#shared/domain/registry.ts';
import { ConfigError } from '#shared/errors.ts';
import { sesTransport } from '#shared/mail/transport.ts';
import type { AlertMessage, CrawlMessage, ParseMessage, Queue } from '#shared/queue/queue.ts';
import { SqsQueue } from '#shared/queue/sqs-queue.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { RawArchive } from '#shared/store/archive.ts';
import { makeDocumentClient, makeS3Client } from '#shared/store/clients.ts';
import { Repository } from '#shared/store/repository.ts';
import { Subscribers } from '#shared/store/subscribers.ts';
import { beijingDate } from '../domain/clock.ts';

/** The Lambda environment, as the CDK bind helpers (infra/constructs/function.ts) set it. */
export const AwsEnv = z.object({
  AWS_REGION: z.string().min(1),
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1),
  /**
   * A function gets only the queues it sends to (least privilege); a stage that sends to an unbound
   * queue fails with a message naming the variable instead of an opaque AccessDenied.
   */
  CRAWL_QUEUE_URL: z.url().optional(),
  PARSE_QUEUE_URL: z.url().optional(),
  ALERT_QUEUE_URL: z.url().optional(),
  MAIL_FROM: z.string().min(3),
  ADMIN_EMAIL: z.email(),
  /** A registry file on disk (a layer or EFS) instead of the seeds/bodies.json bundled with the code. */
  REGISTRY_PATH: z.string().min(1).optional(),
  USER_AGENT: z.string().default('nianbao-watch/0.1 (+https://github.com/nianbao-watch/nianbao-watch)'),
  /** One invocation crawls one body (one host), so the delay is between that host's pages. */
  HOST_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  FAILURES_BEFORE_ADMIN_ALERT: z.coerce.number().int().min(1).default(3),
  /** Freeze "today" (YYYY-MM-DD) for a replay; unset in normal operation. */
  TODAY: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
export type AwsEnv = z.infer<typeof AwsEnv>;

export function parseAwsEnv(env: NodeJS.ProcessEnv): AwsEnv {
  const parsed = AwsEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid Lambda environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Beijing date, the calendar the deadlines are written in. A copy of shared/local/runtime.ts's: importing
 * it from there would bundle dynalite, s3rver and the SMTP sink into every Lambda.
 */

/** The registry, validated; any rejected entry fails the cold start (a deploy must not half-load it). */
export function readAwsRegistry(path: string | undefined): Body[] {
  let raw: unknown = bundledRegistry;
  if (path) {
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ConfigError(`cannot read registry ${path}`, { cause: error });
    }
  }
  const { bodies, errors } = loadRegistry(raw);
  if (errors.length > 0) {
    throw new ConfigError(`invalid registry:\n${errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  return bodies;
}

function queue<T>(sqs: SQSClient, url: string | undefined, variable: string): Queue<T> {
  if (url) return new SqsQueue<T>(sqs, url);
  return {
    send: () => Promise.reject(new ConfigError(`${variable} is not set: this function may not send there`)),
  };
}

/** Builds the stage context from the Lambda environment (no I/O beyond reading a registry file). */
export function buildAwsContextFrom(env: AwsEnv, registry: Body[]): StageContext {
  const endpoints = { region: env.AWS_REGION };
  const db = makeDocumentClient(endpoints);
  const sqs = new SQSClient(endpoints);
  const gate = new HostGate(env.HOST_DELAY_MS, 4);
  const now = () => new Date();
  // JSON lines land in CloudWatch as one event each, filterable by field.
  const log = (line: string) => console.log(JSON.stringify({ level: 'info', message: line }));
  const repo = new Repository(db, env.TABLE_NAME);
  return {
    registry: new Map(registry.map((b) => [b.id, b])),
    archive: new RawArchive(makeS3Client(endpoints), env.BUCKET_NAME),
    repo,
    subscribers: new Subscribers(db, env.TABLE_NAME),
    crawlQueue: queue<CrawlMessage>(sqs, env.CRAWL_QUEUE_URL, 'CRAWL_QUEUE_URL'),
    parseQueue: queue<ParseMessage>(sqs, env.PARSE_QUEUE_URL, 'PARSE_QUEUE_URL'),
    alertQueue: queue<AlertMessage>(sqs, env.ALERT_QUEUE_URL, 'ALERT_QUEUE_URL'),
    fetcher: new HttpFetcher({
      userAgent: env.USER_AGENT,
      timeoutMs: env.FETCH_TIMEOUT_MS,
      ...FETCH_DEFAULTS,
      gate,
      now,
      robotsStore: repo,
      onRobotsStoreError: (e) => log(`robots.txt cache in the table failed: ${String(e)}`),
    }),
    // Launches Chromium only when a page needs it, so functions that never render pay nothing.
    browser: new BrowserPool({ userAgent: env.USER_AGENT, timeoutMs: env.FETCH_TIMEOUT_MS, gate }),
    mail: sesTransport(env.AWS_REGION),
    mailFrom: env.MAIL_FROM,
    adminEmail: env.ADMIN_EMAIL,
    archiveBase: `s3://${env.BUCKET_NAME}`,
    failuresBeforeAdminAlert: env.FAILURES_BEFORE_ADMIN_ALERT,
    now,
    today: () => env.TODAY ?? beijingDate(now()),
    log,
  };
}

let cached: StageContext | undefined;

/** The context for this cold start, built on first use and reused by every later invocation. */
export function buildAwsContext(env: NodeJS.ProcessEnv = process.env): StageContext {
  if (!cached) {
    const parsed = parseAwsEnv(env);
    cached = buildAwsContextFrom(parsed, readAwsRegistry(parsed.REGISTRY_PATH));
  }
  return cached;
}
