import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DeadLetterAccess, RegistryWriter } from '../api/options.ts';
import type { Config } from '../config.ts';
import { OriginMap } from '../crawl/origin-map.ts';
import type { Body } from '../domain/body.ts';
import { makeLog } from '../log.ts';
import { mailTransportFor } from '../mail/transport.ts';
import { LocalQueue } from '../queue/local-queue.ts';
import type { AlertMessage, CrawlMessage, ParseMessage } from '../queue/queue.ts';
import { buildStageContext } from '../stages/build-context.ts';
import type { StageContext } from '../stages/context.ts';
import { makeDocumentClient, makeS3Client } from '../store/clients.ts';
import { ensureTable } from './embedded-services.ts';
import { readRegistry } from './registry-file.ts';
import { fileRegistryWriter, localDeadLetters, runningStores } from './running-stores.ts';
import { StageEvents } from './stage-events.ts';
import { startStoreProcess } from './store-process.ts';

export interface Runtime {
  ctx: StageContext;
  queues: {
    crawl: LocalQueue<CrawlMessage>;
    parse: LocalQueue<ParseMessage>;
    alert: LocalQueue<AlertMessage>;
  };
  events: StageEvents;
  dataDir: string;
  mailDir: string | null;
  registryErrors: string[];
  /** True when the stores are another running instance's (`nianbao start`), reached over loopback. */
  sharedStores: boolean;
  /** The queues' dead letters, for the admin API. */
  deadLetters: DeadLetterAccess;
  /** Registry updates from the admin API: the registry file and this runtime's map. */
  registryWriter: RegistryWriter;
  /** Waits until every consumed queue is empty, including messages that handlers send on. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  /** Canonical portal origin → loopback origin (the demo portal). */
  originMap?: Record<string, string>;
  registry?: Body[];
  log?: (line: string) => void;
  /** What a user must see even when `log` is quiet (waiting for another instance's table); default `log`. */
  notice?: (line: string) => void;
  now?: () => Date;
  /**
   * Which stages consume their queue in this process (default all). The crawl benchmark runs the crawl
   * stage alone, as its own Lambda does in AWS; messages for the others wait in their queues.
   */
  stages?: ReadonlyArray<'crawl' | 'parse' | 'alert'>;
  /**
   * `reuse` (default): use the stores of an instance already running on the data folder (running-stores.ts),
   * else start them. `own`: always start them (`nianbao start`); another live instance is then an error.
   */
  stores?: 'reuse' | 'own';
}

/**
 * The embedded runtime: the same stage handlers as the Lambdas, with dynalite, s3rver, in-process
 * queues and an SMTP sink, unless the configuration points at real services.
 */
export async function startRuntime(o: RuntimeOptions): Promise<Runtime> {
  const { config } = o;
  const log = makeLog({
    format: config.NIANBAO_LOG_FORMAT,
    level: config.NIANBAO_LOG_LEVEL,
    write: o.log ?? (() => undefined),
  });
  const dataDir = resolve(config.NIANBAO_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const closers: Array<() => Promise<void> | void> = [];

  let dynamodbEndpoint = config.NIANBAO_DYNAMODB_ENDPOINT;
  let s3Endpoint = config.NIANBAO_S3_ENDPOINT;
  let sharedStores = false;
  let markStoresReady = async () => {};
  if (!dynamodbEndpoint || !s3Endpoint) {
    // Another instance on this data folder (`nianbao start`) holds dynalite's lock: use its stores.
    const running = await runningStores(dataDir, { log: o.notice ?? log });
    if (running && o.stores === 'own') {
      throw new Error(
        `another nianbao process is using the stores of ${dataDir} (${running.dynamodb}); stop it first, or set NIANBAO_DATA_DIR to another folder`,
      );
    }
    if (running) {
      sharedStores = true;
      dynamodbEndpoint ??= running.dynamodb;
      s3Endpoint ??= running.s3;
    } else {
      // In a process of their own: a store that crashes costs retries, not the pipeline (store-process.ts).
      const stores = await startStoreProcess(dataDir, config.NIANBAO_BUCKET, log);
      closers.push(() => stores.close());
      markStoresReady = () => stores.markReady();
      dynamodbEndpoint ??= stores.dynamodbEndpoint;
      s3Endpoint ??= stores.s3Endpoint;
    }
  }
  // Stand-ins started here take any credentials; endpoints from the configuration may be real AWS.
  const standIns = { dynamodb: !config.NIANBAO_DYNAMODB_ENDPOINT, s3: !config.NIANBAO_S3_ENDPOINT };
  // Only the process that started the stores may rebuild an old table (another instance may be writing).
  await ensureTable(dynamodbEndpoint, config.AWS_REGION, config.NIANBAO_TABLE, standIns.dynamodb, {
    rebuild: standIns.dynamodb && !sharedStores,
  });
  // Only now may another command on this data folder use the stores (running-stores.ts waits till then).
  await markStoresReady();
  const endpoints = { region: config.AWS_REGION, dynamodbEndpoint, s3Endpoint, standIns };
  const db = makeDocumentClient(endpoints);
  const s3 = makeS3Client(endpoints);
  closers.push(
    () => db.destroy(),
    () => s3.destroy(),
  );

  let smtpUrl = config.NIANBAO_SMTP_URL;
  let mailDir: string | null = null;
  if (config.NIANBAO_MAIL_TRANSPORT === 'smtp' && !smtpUrl) {
    mailDir = join(dataDir, 'mail');
    const { startSmtpSink } = await import('./smtp-sink.ts'); // only the embedded default needs a sink
    const sink = await startSmtpSink(mailDir);
    closers.push(() => sink.close());
    smtpUrl = sink.url;
  }
  const mail = mailTransportFor(config, { smtpUrl });
  closers.push(() => mail.close());

  let registryErrors: string[] = [];
  let bodies = o.registry;
  if (!bodies) {
    const loaded = await readRegistry(config.NIANBAO_REGISTRY);
    bodies = loaded.bodies;
    registryErrors = loaded.errors.map((e) => e.message);
  }

  const now = o.now ?? (() => new Date());
  const originMap = new OriginMap(o.originMap ?? {});
  // The SSRF guard's exceptions: the stand-ins on loopback and what the configuration names, nothing else.
  const allowPrivateOrigins = [
    ...Object.values(o.originMap ?? {}).map((actual) => new URL(actual).origin),
    ...config.NIANBAO_ALLOW_PRIVATE_ORIGINS,
  ];
  const events = new StageEvents(log);
  const onDeadLetter = (letter: { error: string }, queue: string) =>
    log(`dead letter on ${queue}: ${letter.error}`, { stage: queue, level: 'error' });
  const queues = {
    crawl: new LocalQueue<CrawlMessage>({
      name: 'crawl',
      concurrency: config.NIANBAO_CRAWL_WORKERS,
      onDeadLetter,
    }),
    parse: new LocalQueue<ParseMessage>({ name: 'parse', concurrency: 2, onDeadLetter }),
    alert: new LocalQueue<AlertMessage>({ name: 'alert', concurrency: 2, onDeadLetter }),
  };
  // The one builder both runtimes use (shared/stages/build-context.ts); only the adapters are local.
  const ctx = buildStageContext(config, {
    db,
    s3,
    queues,
    mail,
    registry: bodies,
    archiveBase: config.NIANBAO_S3_ENDPOINT
      ? `s3://${config.NIANBAO_BUCKET}`
      : join(dataDir, 's3', config.NIANBAO_BUCKET),
    log,
    now,
    originMap,
    allowPrivateOrigins,
  });
  closers.push(
    () => ctx.browser.close(),
    () => ctx.fetcher.close(),
  );
  // Each stage's code is loaded only where it runs, as each Lambda bundles only its own.
  const stages = new Set(o.stages ?? ['crawl', 'parse', 'alert']);
  if (stages.has('crawl')) {
    const { handleCrawl } = await import('../stages/crawl-stage.ts');
    queues.crawl.consume(async (m) => events.crawled(await handleCrawl(m, ctx)));
  }
  if (stages.has('parse')) {
    const { handleParse } = await import('../stages/parse-stage.ts');
    queues.parse.consume(async (m) => events.parsed(await handleParse(m, ctx)));
  }
  if (stages.has('alert')) {
    const { handleAlert } = await import('../stages/alert-stage.ts');
    queues.alert.consume(async (m) => events.alerted(await handleAlert(m, ctx)));
  }
  for (const q of Object.values(queues)) closers.push(() => q.close());

  return {
    ctx,
    queues,
    events,
    dataDir,
    mailDir,
    registryErrors,
    sharedStores,
    deadLetters: localDeadLetters([queues.crawl, queues.parse, queues.alert] as never),
    registryWriter: fileRegistryWriter(config.NIANBAO_REGISTRY, ctx.registry as Map<string, Body>),
    async settle() {
      // Only the queues consumed here: a stage left out keeps its messages.
      const live = [queues.crawl, queues.parse, queues.alert].filter((q) => stages.has(q.name as never));
      while (live.some((q) => q.depth > 0)) for (const q of live) await q.drain();
    },
    async close() {
      for (const c of closers.reverse()) await c();
    },
  };
}
