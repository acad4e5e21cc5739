import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ApiOptions } from '../api/options.ts';
import type { Config } from '../config.ts';
import type { Body } from '../domain/body.ts';
import { makeS3Client } from '../store/clients.ts';
import { s3RegistryWriter } from './registry-writer.ts';
import { type DeadLetterSource, sqsDeadLetters } from './sqs-dead-letters.ts';

/** The work queues whose dead letters the admin API shows, by role, when this function is given their URL. */
const SOURCES = [
  ['crawl', 'NIANBAO_CRAWL_QUEUE_URL'],
  ['crawl-batch', 'NIANBAO_CRAWL_BATCH_QUEUE_URL'],
  ['browser', 'NIANBAO_BROWSER_QUEUE_URL'],
  ['parse', 'NIANBAO_PARSE_QUEUE_URL'],
  ['alert', 'NIANBAO_ALERT_QUEUE_URL'],
  ['cycle', 'NIANBAO_CYCLE_QUEUE_URL'],
] as const satisfies ReadonlyArray<readonly [string, keyof Config]>;

/** The dead-letter sources of this function: each queue URL it was given, in the admin page's order. */
export function deadLetterSources(config: Config): DeadLetterSource[] {
  return SOURCES.flatMap(([role, variable]) => {
    const url = config[variable];
    return typeof url === 'string' && url ? [{ role, url }] : [];
  });
}

let clients: { sqs: SQSClient; s3: S3Client } | undefined;

/**
 * The admin API's dead letters and registry writes in Lambda (shared/api/options.ts), over the clients of
 * this container (made once). Dead letters: the DLQs of the work queues this function is given (the API
 * function: all six, infra/constructs/api.ts), found from their RedrivePolicy. Registry writes: only when
 * the registry is read from S3 (NIANBAO_REGISTRY_S3_KEY); a registry bundled in the code cannot be written,
 * and the route says so (501). `registry` is the running context's map, updated once an entry is written.
 */
export function awsAdminOptions(
  config: Config,
  registry: ReadonlyMap<string, Body>,
): Pick<ApiOptions, 'deadLetters' | 'registry'> {
  clients ??= {
    sqs: new SQSClient({
      region: config.AWS_REGION,
      ...(config.NIANBAO_SQS_ENDPOINT ? { endpoint: config.NIANBAO_SQS_ENDPOINT } : {}),
    }),
    s3: makeS3Client({ region: config.AWS_REGION, s3Endpoint: config.NIANBAO_S3_ENDPOINT }),
  };
  const sources = deadLetterSources(config);
  const key = config.NIANBAO_REGISTRY_S3_KEY;
  return {
    ...(sources.length > 0 ? { deadLetters: sqsDeadLetters({ sqs: clients.sqs, sources }) } : {}),
    ...(key
      ? {
          registry: s3RegistryWriter({
            s3: clients.s3,
            bucket: config.NIANBAO_BUCKET,
            key,
            // The context's own map (built per registry version): this container crawls the entry at once.
            registry: registry as Map<string, Body>,
          }),
        }
      : {}),
  };
}
