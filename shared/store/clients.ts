import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import ipaddr from 'ipaddr.js';

export interface Endpoints {
  region: string;
  dynamodbEndpoint?: string | undefined;
  s3Endpoint?: string | undefined;
  /**
   * The embedded runtime started these stand-ins itself (dynalite, s3rver): they take any credentials.
   * Any other endpoint gets the default provider chain, unless it is on loopback (see standInCredentials).
   */
  standIns?: { dynamodb?: boolean; s3?: boolean };
}

/**
 * The SDK's logger middleware filters every input and output for sensitive fields to hand them to its
 * logger, a no-op here (no `logger` is configured; our own log says what failed): removed, it costs nothing.
 */
function withoutSdkLogging<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/** Embedded stand-ins accept any credentials; real AWS uses the default provider chain. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}

/**
 * Fixed credentials for a stand-in only: an endpoint the embedded runtime started, or one on loopback
 * (dynalite, s3rver, DynamoDB Local, LocalStack run beside us). Any other endpoint (a VPC endpoint, a
 * FIPS endpoint, a proxy in front of AWS) is real AWS and signs with the default provider chain.
 */
export function standInCredentials(
  endpoint: string | undefined,
  startedHere = false,
): { credentials?: typeof LOCAL_CREDENTIALS } {
  if (!endpoint) return {};
  return startedHere || isLoopback(endpoint) ? { credentials: LOCAL_CREDENTIALS } : {};
}

/**
 * How the document client marshals items (undefined attributes left out), and so how the hot calls through
 * the low-level client marshal them too (batch-write.ts): one setting, so the two paths write alike. Pass a
 * copy: lib-dynamodb writes `convertTopLevelContainer: true` into the options object it is given.
 */
export const MARSHALL_OPTIONS = { removeUndefinedValues: true } as const;

/** The low-level client with a cached stack that goes with each document client (lowLevelClient). */
const lowLevel = new WeakMap<DynamoDBDocumentClient, DynamoDBClient>();

/**
 * The DynamoDB document client. Its stack is resolved again on every call: lib-dynamodb refuses
 * `cacheMiddleware: true` (its commands wrap a per-call inner command, which a handler cached per command
 * class would send again). Beside it, for the crawl's hot calls, a low-level client that caches its handlers
 * (lowLevelClient), sharing the document client's connections (one request handler: destroying either
 * closes them).
 */
export function makeDocumentClient(e: Endpoints): DynamoDBDocumentClient {
  const target = e.dynamodbEndpoint
    ? { endpoint: e.dynamodbEndpoint, ...standInCredentials(e.dynamodbEndpoint, e.standIns?.dynamodb) }
    : {};
  const client = new DynamoDBClient({ region: e.region, ...target });
  const doc = DynamoDBDocumentClient.from(withoutSdkLogging(client), {
    marshallOptions: { ...MARSHALL_OPTIONS },
  });
  const cached = new DynamoDBClient({
    region: e.region,
    ...target,
    cacheMiddleware: true,
    requestHandler: client.config.requestHandler,
  });
  lowLevel.set(doc, withoutSdkLogging(cached));
  return doc;
}

/**
 * The low-level client to send the crawl's hot calls through (Query, BatchWriteItem, with the items
 * marshalled by util-dynamodb): the one made beside `doc` by makeDocumentClient, whose handlers are resolved
 * once per command class (on this machine ~0.43 ms of CPU a Query against ~0.70 ms through the document
 * client, test/bench/RESULTS.md), or, for a document client made elsewhere, `doc` itself (a document client
 * sends low-level commands unchanged, its stack resolved each call).
 */
export function lowLevelClient(doc: DynamoDBDocumentClient): DynamoDBClient {
  return lowLevel.get(doc) ?? (doc as unknown as DynamoDBClient);
}

/**
 * The S3 client. `cacheMiddleware: true`: the middleware stack is resolved once per command class and the
 * handler kept (smithy's handler cache), not resolved again on every PutObject; a middleware added after a
 * command's first call does not run for it unless the cached handlers are dropped (`delete client.handlers`).
 */
export function makeS3Client(e: Endpoints): S3Client {
  const client = new S3Client({
    region: e.region,
    cacheMiddleware: true,
    ...(e.s3Endpoint
      ? {
          endpoint: e.s3Endpoint,
          ...standInCredentials(e.s3Endpoint, e.standIns?.s3),
          forcePathStyle: true,
          // s3rver does not implement the SDK's default CRC checksums.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
  });
  return withoutSdkLogging(client);
}
