import { readFileSync } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import bundledRegistry from '#seeds/bodies.json' with { type: 'json' };
import { type Config, loadConfig } from '#shared/config.ts';
import type { Body } from '#shared/domain/body.ts';
import { loadRegistry } from '#shared/domain/registry.ts';
import { ConfigError } from '#shared/errors.ts';
import { makeLog } from '#shared/log.ts';
import { mailTransportFor } from '#shared/mail/transport.ts';
import type { Queue } from '#shared/queue/queue.ts';
import { SqsQueue } from '#shared/queue/sqs-queue.ts';
import { buildStageContext, withRegistry } from '#shared/stages/build-context.ts';
import type { StageContext } from '#shared/stages/context.ts';
import { makeDocumentClient, makeS3Client } from '#shared/store/clients.ts';
import { S3Registry } from './registry.ts';
import { secretReader } from './secrets.ts';

/**
 * The registry, validated; any rejected entry fails the cold start (a deploy must not half-load it).
 * The bundled seeds/bodies.json unless NIANBAO_REGISTRY names a file on disk (a layer or EFS).
 */
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

/**
 * A function gets only the queues it sends to (least privilege); a stage that sends to an unbound queue
 * fails with a message naming the variable instead of an opaque AccessDenied.
 */
function queue<T>(sqs: SQSClient, url: string | undefined, variable: string): Queue<T> {
  if (url) return new SqsQueue<T>(sqs, url);
  return {
    send: () => Promise.reject(new ConfigError(`${variable} is not set: this function may not send there`)),
  };
}

const endpointsOf = (config: Config) => ({
  region: config.AWS_REGION,
  dynamodbEndpoint: config.NIANBAO_DYNAMODB_ENDPOINT,
  s3Endpoint: config.NIANBAO_S3_ENDPOINT,
});

/** The Lambda adapters (AWS SDK clients, SQS, SES or SMTP) given to the one context builder. */
export function buildAwsContextFrom(
  config: Config,
  registry: Body[],
  s3: S3Client = makeS3Client(endpointsOf(config)),
): StageContext {
  const region = config.AWS_REGION;
  const endpoints = endpointsOf(config);
  const sqs = new SQSClient({
    region,
    ...(config.NIANBAO_SQS_ENDPOINT ? { endpoint: config.NIANBAO_SQS_ENDPOINT } : {}),
  });
  // Lambda: one JSON object per line through Powertools, whatever the shell default.
  const log = makeLog({ format: 'json', level: config.NIANBAO_LOG_LEVEL });
  const optional = <K extends string>(key: K, url: string | undefined) =>
    url ? ({ [key]: new SqsQueue<never>(sqs, url) } as Record<K, SqsQueue<never>>) : {};
  const cycle = {
    ...optional('cycle', config.NIANBAO_CYCLE_QUEUE_URL),
    ...optional('crawlBatch', config.NIANBAO_CRAWL_BATCH_QUEUE_URL),
    ...optional('browser', config.NIANBAO_BROWSER_QUEUE_URL),
  };
  return buildStageContext(config, {
    db: makeDocumentClient(endpoints),
    s3,
    queues: {
      crawl: queue(sqs, config.NIANBAO_CRAWL_QUEUE_URL, 'NIANBAO_CRAWL_QUEUE_URL'),
      parse: queue(sqs, config.NIANBAO_PARSE_QUEUE_URL, 'NIANBAO_PARSE_QUEUE_URL'),
      alert: queue(sqs, config.NIANBAO_ALERT_QUEUE_URL, 'NIANBAO_ALERT_QUEUE_URL'),
      ...cycle,
    },
    mail: mailTransportFor(config, { readSecret: (arn) => secretReader(arn, { region }) }),
    registry,
    archiveBase: `s3://${config.NIANBAO_BUCKET}`,
    log,
  });
}

let cached: { config: Config; ctx: StageContext; s3Registry?: S3Registry } | undefined;

/** The configuration of this Lambda (the one schema, AWS rules), read once per cold start. */
export function awsConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return cached?.config ?? loadConfig(env, { runtime: 'aws' });
}

/**
 * The context for this cold start, built on first use and reused by every later invocation. With
 * NIANBAO_REGISTRY_S3_KEY the registry comes from S3 (shared/aws/registry.ts): read at cold start, asked
 * again every NIANBAO_REGISTRY_REFRESH_SECONDS, and a changed one gives the next invocation a context over
 * the new bodies (the same clients). Without it, the bundled registry or the file NIANBAO_REGISTRY names.
 */
export async function buildAwsContext(env: NodeJS.ProcessEnv = process.env): Promise<StageContext> {
  if (!cached) {
    const config = loadConfig(env, { runtime: 'aws' });
    const key = config.NIANBAO_REGISTRY_S3_KEY;
    if (!key) {
      const registryPath = env.NIANBAO_REGISTRY ? config.NIANBAO_REGISTRY : undefined;
      cached = { config, ctx: buildAwsContextFrom(config, readAwsRegistry(registryPath)) };
      return cached.ctx;
    }
    const s3 = makeS3Client(endpointsOf(config));
    const ctx = buildAwsContextFrom(config, [], s3);
    const s3Registry = new S3Registry({
      s3,
      bucket: config.NIANBAO_BUCKET,
      key,
      refreshMs: config.NIANBAO_REGISTRY_REFRESH_SECONDS * 1000,
      onStaleKept: (error) =>
        ctx.log('registry refresh failed: the registry already loaded is kept', {
          level: 'warn',
          errorClass: error.constructor.name,
          error: error.message,
        }),
    });
    // The first load throws (no registry, an invalid one, S3 down) and is tried again on the next event.
    const { bodies } = await s3Registry.get();
    cached = { config, ctx: withRegistry(ctx, bodies), s3Registry };
    return cached.ctx;
  }
  if (cached.s3Registry) {
    const { bodies, changed } = await cached.s3Registry.get();
    if (changed) cached.ctx = withRegistry(cached.ctx, bodies);
  }
  return cached.ctx;
}
