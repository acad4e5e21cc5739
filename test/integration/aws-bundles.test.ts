import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiRoutes } from '#shared/api/routes.ts';
import { DEFAULT_REGISTRY_KEY, putRegistry, validateForPush } from '#shared/aws/registry.ts';
import { ensureTable } from '#shared/local/embedded-services.ts';
import { startSmtpSink } from '#shared/local/smtp-sink.ts';
import { startStoreProcess } from '#shared/local/store-process.ts';
import { makeDocumentClient, makeS3Client } from '#shared/store/clients.ts';
import { Repository } from '#shared/store/repository.ts';
import { emailHash, Subscribers } from '#shared/store/subscribers.ts';
import { readMailbox } from '#test/support/mailbox.ts';
import { PROJECT_ROOT } from '../../infra/constructs/function.ts';
import { NianbaoStack, PipelineSettings } from '../../infra/stack.ts';
import { startSqsEmulator } from '../support/sqs-emulator.ts';
import { SETTINGS } from '../unit/infra/settings.ts';
import { startSqsStandIn } from './aws-sqs-stand-in.ts';

/**
 * The handlers as Lambda runs them: the bundles esbuild wrote into the synthesized cloud assembly (not
 * the TypeScript sources), imported from their asset directories and invoked with real AWS event shapes,
 * against the embedded stand-ins (dynalite and s3rver in their own process, an SMTP sink, an SQS
 * stand-in recording SendMessage, and an SQS emulator for the admin routes over dead-letter queues). One synth for the file (~1–2 min: five esbuild bundles and the
 * crawl function's node_modules with Chromium).
 */
const FunctionResource = z.object({
  Properties: z.object({
    Description: z.string(),
    Architectures: z.array(z.string()),
    Code: z.object({ S3Key: z.string() }),
  }),
});
type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
const BatchResponse = z.object({ batchItemFailures: z.array(z.object({ itemIdentifier: z.string() })) });
const ApiResponse = z.object({
  statusCode: z.number(),
  body: z.string(),
  headers: z.record(z.string(), z.string()),
});

const sqsRecord = (messageId: string, body: string) => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1795000000000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1795000000000',
  },
  messageAttributes: {},
  md5OfBody: '0',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:queue',
  awsRegion: 'eu-west-1',
});

/** An API Gateway HTTP API (payload 2.0) request. */
function httpEvent(
  method: string,
  path: string,
  o: { query?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const headers = { host: 'api.example.org', 'content-type': 'application/json', ...o.headers };
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: o.query ?? '',
    headers,
    ...(o.query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(o.query)) } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: `req-${method}-${path}`,
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '24/Nov/2026:00:00:00 +0000',
      timeEpoch: 1795000000000,
    },
    ...(o.body !== undefined ? { body: o.body } : {}),
    isBase64Encoded: false,
  };
}
const lambdaContext = { functionName: 'test', awsRequestId: 'req', getRemainingTimeInMillis: () => 30_000 };

/** ELF e_machine (bytes 18–19, little endian) of the brotli-compressed binary, read from its first bytes. */
async function elfMachine(file: string): Promise<number> {
  const stream = createReadStream(file).pipe(createBrotliDecompress());
  for await (const chunk of stream) {
    const head = chunk as Buffer;
    if (head.length >= 20) {
      stream.destroy();
      if (head.subarray(0, 4).toString('latin1') !== '\x7fELF') throw new Error(`${file} is not ELF`);
      return head.readUInt16LE(18);
    }
  }
  throw new Error(`${file}: too short`);
}
const ELF_MACHINE: Record<string, number> = { x86_64: 62, arm64: 183 };

// Each test's first call imports a bundle of up to 10 MB: on a loaded 2-core machine that alone can pass the
// default 60 s, so the tests here are given 5 minutes (a limit against hangs, not a speed assertion).
describe('the bundled Lambda handlers (synthesized assets, AWS event shapes, embedded stand-ins)', {
  timeout: 300_000,
}, () => {
  let dir: string;
  let outdir: string;
  let functions: Map<string, { dir: string; architecture: string }>;
  const handlers = new Map<string, Handler>();
  const coldStarts: Array<{ fragment: string; importMs: number; firstCallMs: number }> = [];
  const closers: Array<() => Promise<void> | void> = [];
  let sqs: Awaited<ReturnType<typeof startSqsStandIn>>;
  let mailDir: string;
  let dynamodbEndpoint: string;
  let s3: S3Client;
  let registry: Array<Record<string, unknown>>;
  const savedEnv = { ...process.env };

  const handler = async (fragment: string): Promise<Handler> => {
    const cached = handlers.get(fragment);
    if (cached) return cached;
    const fn = [...functions.entries()].find(([d]) => d.includes(fragment))?.[1];
    if (!fn) throw new Error(`no function described as …${fragment}…`);
    const started = performance.now();
    const mod = (await import(pathToFileURL(join(fn.dir, 'index.mjs')).href)) as { handler: Handler };
    const importMs = performance.now() - started;
    // The cold start's local proxy (README): the bundle's import, then its first call on the stand-ins.
    let first = true;
    const timed: Handler = async (event, context) => {
      const at = performance.now();
      try {
        return await mod.handler(event, context);
      } finally {
        if (first) coldStarts.push({ fragment, importMs, firstCallMs: performance.now() - at });
        first = false;
      }
    };
    handlers.set(fragment, timed);
    return timed;
  };

  /** The bundle imported anew (another module instance): a fresh container's cold start. */
  const coldHandler = async (fragment: string): Promise<Handler> => {
    const fn = [...functions.entries()].find(([d]) => d.includes(fragment))?.[1];
    if (!fn) throw new Error(`no function described as …${fragment}…`);
    const url = `${pathToFileURL(join(fn.dir, 'index.mjs')).href}?cold=${Date.now()}`;
    return ((await import(url)) as { handler: Handler }).handler;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-bundles-'));
    outdir = join(dir, 'cdk.out');
    const app = new App({ outdir });
    const stack = new NianbaoStack(app, 'Bundles', {
      // SES, so the mail-events function is synthesized too; the handlers below mail through the SMTP sink
      // (the transport is the environment's, set below).
      settings: PipelineSettings.parse({ ...SETTINGS, mailTransport: 'ses' }),
    });
    const assembly = app.synth();
    const template = JSON.parse(
      await readFile(join(outdir, assembly.getStackByName(stack.stackName).templateFile), 'utf8'),
    ) as { Resources: Record<string, { Type: string }> };
    functions = new Map(
      Object.values(template.Resources)
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => FunctionResource.parse(r).Properties)
        .map((p) => [
          p.Description,
          {
            dir: join(outdir, `asset.${p.Code.S3Key.replace(/\.zip$/, '')}`),
            architecture: p.Architectures[0] ?? '',
          },
        ]),
    );

    const stores = await startStoreProcess(join(dir, 'data'), 'bundles-raw', () => undefined);
    closers.push(() => stores.close());
    dynamodbEndpoint = stores.dynamodbEndpoint;
    await ensureTable(stores.dynamodbEndpoint, 'eu-west-1', 'bundles');
    mailDir = join(dir, 'mail');
    const sink = await startSmtpSink(mailDir);
    closers.push(() => sink.close());
    sqs = await startSqsStandIn();
    closers.push(() => sqs.close());
    s3 = makeS3Client({ region: 'eu-west-1', s3Endpoint: stores.s3Endpoint });
    // The registry as `nianbao registry push` leaves it: validated, then uploaded; one body is marked
    // for the browser, so the plain-HTTP crawl function has one to hand over.
    const seeds = JSON.parse(await readFile(join(PROJECT_ROOT, 'seeds/bodies.json'), 'utf8')) as {
      bodies: Array<Record<string, unknown>>;
    };
    // The last: the store-outage test below crawls the first (360802) by plain HTTP.
    registry = seeds.bodies.map((b, i) => (i === seeds.bodies.length - 1 ? { ...b, render: 'browser' } : b));
    const checked = validateForPush({ bodies: registry });
    if (!checked.ok) throw new Error('seed registry invalid');
    await putRegistry(s3, 'bundles-raw', DEFAULT_REGISTRY_KEY, checked.bodies);
    // What the stack sets, pointed at the stand-ins (AWS_* as the Lambda runtime provides them).
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      NIANBAO_TABLE: 'bundles',
      NIANBAO_BUCKET: 'bundles-raw',
      NIANBAO_MAIL_FROM: SETTINGS.mailFrom,
      NIANBAO_ADMIN_EMAIL: SETTINGS.adminEmail,
      NIANBAO_MAIL_TRANSPORT: 'smtp',
      NIANBAO_SMTP_URL: sink.url,
      NIANBAO_DYNAMODB_ENDPOINT: stores.dynamodbEndpoint,
      NIANBAO_S3_ENDPOINT: stores.s3Endpoint,
      NIANBAO_SQS_ENDPOINT: sqs.endpoint,
      NIANBAO_CRAWL_QUEUE_URL: sqs.queueUrl('crawl.fifo'),
      NIANBAO_PARSE_QUEUE_URL: sqs.queueUrl('parse'),
      NIANBAO_ALERT_QUEUE_URL: sqs.queueUrl('alert'),
      NIANBAO_CYCLE_QUEUE_URL: sqs.queueUrl('cycle'),
      NIANBAO_BROWSER_QUEUE_URL: sqs.queueUrl('browser.fifo'),
      NIANBAO_REGISTRY_S3_KEY: DEFAULT_REGISTRY_KEY,
      // Asked again on every invocation (a conditional GET), so a push is seen at once.
      NIANBAO_REGISTRY_REFRESH_SECONDS: '0',
      NIANBAO_CYCLE_BATCH: '2',
      NIANBAO_ADMIN_TOKEN: 'bundle-test-admin-token-0123456789',
      NIANBAO_TODAY: '2026-11-24',
      NIANBAO_LOG_LEVEL: 'ERROR',
    });
  }, 900_000);

  afterAll(async () => {
    // A measurement for the README, not an assertion (speed is not tested).
    for (const c of coldStarts) {
      console.info(
        `cold start (local proxy) ${c.fragment}: import ${c.importMs.toFixed(0)} ms, first call ${c.firstCallMs.toFixed(0)} ms`,
      );
    }
    process.env = savedEnv;
    for (const close of closers.reverse()) await close();
    await rm(dir, { recursive: true, force: true });
  });

  it("ships a Chromium built for the crawl function's architecture", async () => {
    const crawl = [...functions.entries()].find(([d]) => d.includes('in Chromium'))?.[1];
    if (!crawl) throw new Error('no browser crawl function');
    const machine = await elfMachine(join(crawl.dir, 'node_modules/@sparticuz/chromium/bin/chromium.br'));
    expect({ architecture: crawl.architecture, machine }).toEqual({
      architecture: 'x86_64',
      machine: ELF_MACHINE[crawl.architecture],
    });
  });

  it('alert: an SQS batch with one malformed record fails that record alone and mails the good one', async () => {
    const db = makeDocumentClient({ region: 'eu-west-1', dynamodbEndpoint });
    const alertId = 'crawl.failing/360802/2026';
    await new Repository(db, 'bundles').recordAlert({
      alertId,
      rule: 'crawl.failing',
      bodyId: '360802',
      year: 2026,
      audience: 'admins',
      createdAt: '2026-11-24T00:00:00.000Z',
      finding: {
        rule: 'crawl.failing',
        severity: 'warning',
        message: { zh: '门户连续3次抓取失败', en: 'Portal failed 3 crawls in a row' },
        evidence: [{ quote: 'timeout', where: 'https://www.example.gov.cn/' }],
      },
    });
    const response = await (await handler('deliver one alert'))(
      {
        Records: [
          sqsRecord('bad', '{"type":"alert"'),
          sqsRecord('good', JSON.stringify({ type: 'alert', alertId })),
        ],
      },
      lambdaContext,
    );
    expect(BatchResponse.parse(response)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect((await readMailbox(mailDir)).filter((m) => m.alertId === alertId).map((m) => m.to)).toEqual([
      SETTINGS.adminEmail,
    ]);
  });

  it('parse: malformed and unknown-body records fail, each alone', async () => {
    const response = await (await handler('parse one archived page'))(
      {
        Records: [
          sqsRecord('not-json', 'parse me'),
          sqsRecord('unknown', JSON.stringify({ type: 'parse', bodyId: 'nope', rawKey: 'raw/nope/x.html' })),
        ],
      },
      lambdaContext,
    );
    expect(BatchResponse.parse(response)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'not-json' }, { itemIdentifier: 'unknown' }],
    });
  });

  it('schedule: a Scheduler input fans the sweep out on the cycle queue; each batch runs from its SQS record', async () => {
    const schedule = await handler('the cycle');
    const fanned = await schedule({ task: 'sweep' }, lambdaContext);
    const batches = sqs.sent.filter((m) => m.queue === 'cycle');
    const bodies = batches.flatMap(
      (b) => z.object({ bodyIds: z.array(z.string()) }).parse(JSON.parse(b.body)).bodyIds,
    );
    expect(fanned).toEqual({ task: 'sweep', rows: 0, missing: 0, unreachable: 0, newAlerts: [] });
    expect({
      batches: batches.length,
      maxSize: Math.max(...batches.map((b) => JSON.parse(b.body).bodyIds.length)),
    }).toEqual({
      batches: Math.ceil(bodies.length / 2),
      maxSize: 2,
    });

    const first = batches[0];
    if (!first) throw new Error('no batch queued');
    const response = await schedule(
      { Records: [sqsRecord('batch-0', first.body), sqsRecord('junk', '{"type":"batch","task":"dance"}')] },
      lambdaContext,
    );
    expect(BatchResponse.parse(response)).toEqual({ batchItemFailures: [{ itemIdentifier: 'junk' }] });
  });

  it('crawl: a store outage is our fault: the record fails (retried, then dead-lettered), nothing is recorded', async () => {
    // A fresh cold start whose table endpoint refuses connections.
    const before = process.env.NIANBAO_DYNAMODB_ENDPOINT;
    process.env.NIANBAO_DYNAMODB_ENDPOINT = 'http://127.0.0.1:9';
    try {
      const crawl = await handler('crawl by plain HTTP');
      const response = await crawl(
        {
          Records: [
            sqsRecord('crawl-1', JSON.stringify({ type: 'crawl', bodyId: '360802', reason: 'schedule' })),
          ],
        },
        lambdaContext,
      );
      expect(BatchResponse.parse(response)).toEqual({ batchItemFailures: [{ itemIdentifier: 'crawl-1' }] });
    } finally {
      process.env.NIANBAO_DYNAMODB_ENDPOINT = before;
    }
  });

  it('api: every route of the Hono app answers an API Gateway v2 request, /subscriptions/confirm included', async () => {
    const api = await handler('HTTP API');
    const token = 'bundle-test-admin-token-0123456789';
    const call = async (...args: Parameters<typeof httpEvent>) => {
      const res = ApiResponse.parse(await api(httpEvent(...args), lambdaContext));
      return { status: res.statusCode, body: res.body };
    };
    const answers: Record<string, number> = {};
    answers['GET /health'] = (await call('GET', '/health')).status;
    answers['GET /status/:bodyId'] = (await call('GET', '/status/360802')).status;
    const email = 'reader@example.org';
    answers['POST /subscriptions'] = (
      await call('POST', '/subscriptions', { body: JSON.stringify({ email, scopes: ['3608'] }) })
    ).status;
    const confirmation = (await readMailbox(mailDir)).find((m) => m.to === email);
    const link = /https?:\/\/\S+\/subscriptions\/confirm\?(\S+)/.exec(confirmation?.text ?? '');
    if (!link?.[1]) throw new Error('no confirmation link mailed');
    const page = await call('GET', '/subscriptions/confirm', { query: link[1] });
    answers['GET /subscriptions/confirm'] = page.status;
    // If opening the link only shows what will change (a link scanner must not confirm), its form confirms.
    const form = /<form[^>]*method="post"[^>]*action="([^"]*\/subscriptions\/confirm[^"]*)"/i.exec(
      page.body ?? '',
    );
    if (form?.[1]) {
      const action = new URL(form[1].replace(/&amp;/g, '&'), 'https://api.example.org');
      const fields = new URLSearchParams(action.search);
      for (const input of (page.body ?? '').matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
        const name = /name="([^"]*)"/.exec(input[0])?.[1];
        const value = /value="([^"]*)"/.exec(input[0])?.[1];
        if (name && value !== undefined) fields.set(name, value.replace(/&amp;/g, '&'));
      }
      answers['POST /subscriptions/confirm'] = (
        await call('POST', action.pathname, {
          query: action.search.slice(1),
          body: fields.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).status;
    }
    const recrawl = await call('POST', '/admin/recrawl', {
      body: JSON.stringify({ bodyIds: ['360802'] }),
      headers: { 'x-admin-token': token },
    });
    answers['POST /admin/recrawl'] = recrawl.status;
    expect(answers).toMatchObject({
      'GET /health': 200,
      'GET /status/:bodyId': 200,
      'POST /subscriptions': 202,
      'GET /subscriptions/confirm': 200,
      'POST /admin/recrawl': 202,
    });
    expect(sqs.sent.filter((m) => m.queue === 'crawl.fifo').map((m) => JSON.parse(m.body).bodyId)).toContain(
      '360802',
    );
    const subscriber = await new Subscribers(
      makeDocumentClient({ region: 'eu-west-1', dynamodbEndpoint }),
      'bundles',
    ).get(emailHash(email));
    expect(subscriber?.confirmed).toBe(true);

    // The admin routes over SQS dead letters and the S3 registry, on a container (a fresh cold start) whose
    // crawl and cycle queues are in an SQS emulator (fauxqs) with their dead-letter queues, as the stack
    // makes them: the SendMessage stand-in above keeps no queue to read back.
    const emulator = await startSqsEmulator();
    closers.push(() => emulator.close());
    const crawlQueue = await emulator.queueWithDeadLetters('crawl.fifo');
    const cycleQueue = await emulator.queueWithDeadLetters('cycle');
    const { ReceiveMessageCommand, SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const parked = JSON.stringify({ type: 'sweep', date: '2026-11-24' });
    await emulator.sqs.send(new SendMessageCommand({ QueueUrl: cycleQueue.url, MessageBody: parked }));
    for (let i = 0; i < 3; i++) {
      // Received past maxReceiveCount (1): SQS parks it in the cycle queue's dead-letter queue.
      await emulator.sqs.send(new ReceiveMessageCommand({ QueueUrl: cycleQueue.url, VisibilityTimeout: 0 }));
    }
    // As the stack configures the API function: the crawl and cycle queues only.
    const sqsEnv: Record<string, string | undefined> = {
      NIANBAO_SQS_ENDPOINT: emulator.endpoint,
      NIANBAO_CRAWL_QUEUE_URL: crawlQueue.url,
      NIANBAO_CYCLE_QUEUE_URL: cycleQueue.url,
      NIANBAO_CRAWL_BATCH_QUEUE_URL: undefined,
      NIANBAO_BROWSER_QUEUE_URL: undefined,
      NIANBAO_PARSE_QUEUE_URL: undefined,
      NIANBAO_ALERT_QUEUE_URL: undefined,
    };
    const setEnv = (values: Record<string, string | undefined>) => {
      for (const [k, v] of Object.entries(values)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    };
    const standInEnv = Object.fromEntries(Object.keys(sqsEnv).map((k) => [k, process.env[k]]));
    setEnv(sqsEnv);
    const admin = await coldHandler('HTTP API');
    const adminCall = async (method: string, path: string, body?: unknown) => {
      const res = ApiResponse.parse(
        await admin(
          httpEvent(method, path, {
            headers: { 'x-admin-token': token },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          }),
          lambdaContext,
        ),
      );
      return { status: res.statusCode, json: JSON.parse(res.body) as Record<string, unknown> };
    };
    let letters: Awaited<ReturnType<typeof adminCall>>;
    try {
      // The configuration is read at the container's first call: the emulator's queues from then on.
      letters = await adminCall('GET', '/admin/dead-letters');
    } finally {
      setEnv(standInEnv);
    }
    answers['GET /admin/dead-letters'] = letters.status;
    expect(letters).toMatchObject({ status: 200 });
    const items = letters.json.items as Array<{ id: string; queue: string; body: unknown }>;
    expect(items.map((l) => [l.queue, l.body])).toEqual([['cycle', JSON.parse(parked)]]);
    const requeue = await adminCall('POST', '/admin/dead-letters/requeue', { ids: [items[0]?.id] });
    answers['POST /admin/dead-letters/requeue'] = requeue.status;
    expect(requeue).toMatchObject({ status: 200 });
    expect(requeue.json).toEqual({ requeued: [items[0]?.id] });
    const back = await emulator.sqs.send(new ReceiveMessageCommand({ QueueUrl: cycleQueue.url }));
    expect(back.Messages?.map((m) => m.Body)).toEqual([parked]);
    expect((await adminCall('GET', '/admin/dead-letters')).json).toEqual({ items: [] });
    // An entry written back as it is (the registry the other tests crawl stays the same).
    const first = registry[0] as { id: string };
    const put = await adminCall('PUT', `/admin/registry/${first.id}`, first);
    answers['PUT /admin/registry/:bodyId'] = put.status;
    expect(put).toMatchObject({ status: 200 });
    expect(put.json).toMatchObject({ created: false, body: { id: first.id } });

    // Every other route: reached through the adapter (not the app's "no route" answer) and no 500. Path
    // parameters get real values where one exists (a body, a year, a feed format, an admin action).
    const sample: Record<string, string> = {
      bodyId: '360802',
      id: '360802',
      year: '2017',
      format: 'rss',
      action: 'recrawl',
    };
    const failures: string[] = [];
    for (const r of apiRoutes()) {
      const key = `${r.method} ${r.path}`;
      if (key in answers) continue;
      const path = r.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => sample[name] ?? 'x');
      const res = await call(r.method, path, {
        headers: { 'x-admin-token': token },
        ...(r.method === 'GET' ? {} : { body: '{}' }),
      });
      answers[key] = res.status;
      if (res.status >= 500 || /"no route /.test(res.body ?? ''))
        failures.push(`${key} → ${res.status} ${res.body?.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    expect(answers).toMatchObject({
      'GET /admin/dead-letters': 200,
      'POST /admin/dead-letters/requeue': 200,
      'PUT /admin/registry/:bodyId': 200,
    });
    expect(Object.keys(answers).sort()).toEqual(
      apiRoutes()
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
  });

  it('crawl: a batch of whole hosts hands a body marked for the browser to the browser queue, recording nothing', async () => {
    const first = String(registry.at(-1)?.id);
    const response = await (await handler('crawl by plain HTTP'))(
      {
        Records: [
          sqsRecord('batch-1', JSON.stringify({ type: 'batch', task: 'recrawl', bodyIds: [first] })),
          sqsRecord('junk', JSON.stringify({ type: 'batch', task: 'sweep', bodyIds: [first] })),
        ],
      },
      // The plain-HTTP function's 15 minutes, nearly all left.
      { ...lambdaContext, getRemainingTimeInMillis: () => 890_000 },
    );
    expect(BatchResponse.parse(response)).toEqual({ batchItemFailures: [{ itemIdentifier: 'junk' }] });
    const handed = sqs.sent.filter((m) => m.queue === 'browser.fifo').map((m) => JSON.parse(m.body).bodyId);
    expect(handed).toEqual([first]);
    const state = await new Repository(
      makeDocumentClient({ region: 'eu-west-1', dynamodbEndpoint }),
      'bundles',
    ).getBodyState(first);
    expect(state.lastCheckedAt).toBeUndefined();
  });

  it('mail-events: SES bounce and complaint events through SNS suppress the subscriber; a transient bounce does not', async () => {
    const subscribers = new Subscribers(
      makeDocumentClient({ region: 'eu-west-1', dynamodbEndpoint }),
      'bundles',
    );
    const at = '2026-11-24T00:00:00.000Z';
    for (const email of ['gone@example.org', 'angry@example.org', 'full@example.org']) {
      await subscribers.subscribe(email, ['3608'], { confirmed: true }, at);
    }
    // The SES event publishing format (eventType, bounce/complaint, mail) inside SNS notifications.
    const ses = (eventType: string, detail: Record<string, unknown>) => ({
      eventType,
      ...detail,
      mail: { messageId: `ses-${eventType}`, timestamp: at, source: SETTINGS.mailFrom, destination: [] },
    });
    const snsRecord = (id: string, message: unknown) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:000000000000:events:sub',
      Sns: {
        Type: 'Notification',
        MessageId: id,
        TopicArn: 'arn:aws:sns:eu-west-1:000000000000:events',
        Subject: null,
        Message: JSON.stringify(message),
        Timestamp: at,
        SignatureVersion: '1',
        Signature: 'x',
        SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/cert.pem',
        UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/unsub',
        MessageAttributes: {},
      },
    });
    const result = await (await handler('suppress subscribers'))(
      {
        Records: [
          snsRecord(
            'n1',
            ses('Bounce', {
              bounce: {
                bounceType: 'Permanent',
                bounceSubType: 'General',
                bouncedRecipients: [{ emailAddress: 'gone@example.org' }],
                timestamp: at,
                feedbackId: 'f1',
              },
            }),
          ),
          snsRecord(
            'n2',
            ses('Complaint', {
              complaint: {
                complainedRecipients: [{ emailAddress: 'angry@example.org' }],
                timestamp: at,
                feedbackId: 'f2',
              },
            }),
          ),
          snsRecord(
            'n3',
            ses('Bounce', {
              bounce: {
                bounceType: 'Transient',
                bounceSubType: 'MailboxFull',
                bouncedRecipients: [{ emailAddress: 'full@example.org' }],
                timestamp: at,
                feedbackId: 'f3',
              },
            }),
          ),
          snsRecord(
            'n4',
            ses('Complaint', {
              complaint: { complainedRecipients: [{ emailAddress: 'stranger@example.org' }] },
            }),
          ),
        ],
      },
      lambdaContext,
    );
    expect(result).toEqual({ suppressed: 2, ignored: 1 });
    const suppressed = async (email: string) =>
      (await subscribers.get(emailHash(email)))?.suppressed ?? false;
    expect({
      gone: await suppressed('gone@example.org'),
      angry: await suppressed('angry@example.org'),
      full: await suppressed('full@example.org'),
    }).toEqual({ gone: true, angry: true, full: false });
  });

  it('registry: the functions read it from S3 and see a new push without a redeploy; none there is a clear error', async () => {
    const api = await handler('HTTP API');
    const health = async () => {
      const res = ApiResponse.parse(await api(httpEvent('GET', '/health'), lambdaContext));
      return { status: res.statusCode, bodies: JSON.parse(res.body).bodies as number | undefined };
    };
    expect(await health()).toEqual({ status: 200, bodies: registry.length });
    await putRegistry(s3, 'bundles-raw', DEFAULT_REGISTRY_KEY, validateForPushOrThrow(registry.slice(0, 2)));
    expect(await health()).toEqual({ status: 200, bodies: 2 });

    // A fresh container with no registry at its key fails loudly, naming the key and the command.
    const before = process.env.NIANBAO_REGISTRY_S3_KEY;
    process.env.NIANBAO_REGISTRY_S3_KEY = 'registry/absent.json';
    try {
      await expect(
        (await coldHandler('parse one archived page'))({ Records: [] }, lambdaContext),
      ).rejects.toThrow(
        /no registry at s3:\/\/bundles-raw\/registry\/absent\.json: push one with `nianbao registry push/,
      );
    } finally {
      process.env.NIANBAO_REGISTRY_S3_KEY = before;
    }
  });
});

function validateForPushOrThrow(bodies: unknown[]) {
  const checked = validateForPush({ bodies });
  if (!checked.ok) throw new Error(checked.errors.map((e) => e.message).join('; '));
  return checked.bodies;
}
