import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { DEMO_SITES } from '#seeds/portal/sites.ts';
import { openAdminSession } from '#shared/api/admin-token.ts';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { SqsQueue } from '#shared/queue/sqs-queue.ts';

const TOKEN = 'web-queues-test-token-0123456789';
const ORIGIN = 'http://localhost';

/**
 * SQS's GetQueueAttributes (AWS JSON protocol) on loopback for two queues, a work queue whose
 * RedrivePolicy names a dead-letter queue: what the admin page's queue depths read in AWS.
 */
async function startSqsAttributes(): Promise<{ server: Server; endpoint: string; asked: string[] }> {
  const asked: string[] = [];
  const attributes: Record<string, Record<string, string>> = {
    'crawl.fifo': {
      ApproximateNumberOfMessages: '7',
      ApproximateNumberOfMessagesNotVisible: '2',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:cn-north-1:123456789012:crawl-dlq.fifo',
        maxReceiveCount: 3,
      }),
    },
    'crawl-dlq.fifo': { ApproximateNumberOfMessages: '4', ApproximateNumberOfMessagesNotVisible: '0' },
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      const input = JSON.parse(raw) as { QueueUrl: string };
      asked.push(input.QueueUrl);
      const found = attributes[input.QueueUrl.slice(input.QueueUrl.lastIndexOf('/') + 1)];
      res.writeHead(found ? 200 : 400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify(
          found
            ? { Attributes: found }
            : { __type: 'AWS.SimpleQueueService.NonExistentQueue', message: 'no queue' },
        ),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

describe('the admin page: queue depths, and discover without writing', () => {
  let dir: string;
  let portal: DemoPortal;
  let rt: Runtime;
  let app: ReturnType<typeof createApp>;
  let cookie: string;
  const site = DEMO_SITES.find((s) => s.key === '000')!;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-web-queues-'));
    await copyFile('seeds/bodies.json', join(dir, 'bodies.json'));
    portal = await startDemoPortal({ sites: ['000'] });
    const config = loadConfig({
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '0',
      NIANBAO_TODAY: '2026-11-24',
      NIANBAO_REGISTRY: join(dir, 'bodies.json'),
    });
    rt = await startRuntime({ config, originMap: portal.originMap });
    app = createApp(rt.ctx, { adminToken: TOKEN, deadLetters: rt.deadLetters, registry: rt.registryWriter });
    cookie = `nb_admin=${await openAdminSession(rt.ctx.repo, TOKEN, new Date())}`;
  });
  afterAll(async () => {
    await rt?.close();
    await portal?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists each local queue with its waiting, in-flight and dead-letter counts', async () => {
    rt.queues.alert.deadLetters.push({
      body: { type: 'alert', alertId: 'deadline.missing/360802/2025' },
      receiveCount: 5,
      error: 'SMTP 451 (test)',
    });
    const res = await app.request('/admin/queues', { headers: { 'x-admin-token': TOKEN } });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Array<Record<string, unknown>> };
    expect(items).toEqual([
      { role: 'crawl', queue: 'crawl', waiting: 0, inFlight: 0, deadLetters: 0 },
      { role: 'parse', queue: 'parse', waiting: 0, inFlight: 0, deadLetters: 0 },
      { role: 'alert', queue: 'alert', waiting: 0, inFlight: 0, deadLetters: 1 },
    ]);
    expect((await app.request('/admin/queues')).status).toBe(401);
    const page = await (await app.request('/admin', { headers: { cookie } })).text();
    expect(page).toContain('队列深度');
    expect(page).toMatch(/<td>alert<\/td><td>0<\/td><td>0<\/td><td><strong>1<\/strong><\/td>/);
    rt.queues.alert.deadLetters.length = 0;
  });

  it('reads an SQS queue and its dead-letter queue through GetQueueAttributes', async () => {
    const sqs = await startSqsAttributes();
    const client = new SQSClient({
      region: 'cn-north-1',
      endpoint: sqs.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      const queue = new SqsQueue(client, `${sqs.endpoint}/123456789012/crawl.fifo`);
      expect(await queue.measure()).toEqual({ queue: 'crawl.fifo', waiting: 7, inFlight: 2, deadLetters: 4 });
      expect(sqs.asked).toEqual([
        `${sqs.endpoint}/123456789012/crawl.fifo`,
        `${sqs.endpoint}/123456789012/crawl-dlq.fifo`,
      ]);
      // A queue that cannot be read is an error for the caller (the admin page shows it), not a zero.
      await expect(new SqsQueue(client, `${sqs.endpoint}/123456789012/gone`).measure()).rejects.toThrow();
    } finally {
      client.destroy();
      await new Promise((r) => sqs.server.close(r));
    }
  });

  it('proposes a portal’s listing URL and entry on the admin page, and writes nothing', async () => {
    const before = await readFile(join(dir, 'bodies.json'), 'utf8');
    const size = rt.ctx.registry.size;
    const res = await app.request('/admin/do/discover', {
      method: 'POST',
      body: new URLSearchParams({ url: `${site.origin}/` }),
      headers: { cookie, origin: ORIGIN },
    });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('拟议条目');
    expect(page).toContain(`${site.origin}${site.listingPath}`);
    // The proposed entry is in the editor (escaped JSON), for the admin to check and save.
    expect(page).toMatch(/<textarea id="entry" name="entry"[^>]*>\{\n {2}&quot;id&quot;: &quot;360802&quot;/);
    expect(page).toContain('已登记 <code>360802</code> 吉州区人民政府');
    expect(await readFile(join(dir, 'bodies.json'), 'utf8')).toBe(before);
    expect(rt.ctx.registry.size).toBe(size);
  });

  it('refuses to discover a private, link-local or non-web address, saying why', async () => {
    const cases: Array<[string, string]> = [
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is link-local'],
      ['http://127.0.0.1:9/', '127.0.0.1 is loopback'],
      ['file:///etc/passwd', 'expected the portal home page, an http or https URL'],
    ];
    for (const [url, why] of cases) {
      const res = await app.request('/admin/do/discover', {
        method: 'POST',
        body: new URLSearchParams({ url }),
        headers: { cookie, origin: ORIGIN },
      });
      expect(res.status, url).toBe(400);
      const page = await res.text();
      expect(page, url).toContain('未能查找 Discover failed');
      expect(page, url).toContain(why);
      expect(page, url).not.toContain('拟议条目');
    }
    const api = await app.request('/admin/discover', {
      method: 'POST',
      body: JSON.stringify({ url: 'http://10.0.0.1/' }),
      headers: { 'x-admin-token': TOKEN, 'content-type': 'application/json' },
    });
    expect(api.status).toBe(422);
    expect(await api.json()).toMatchObject({ errorClass: 'unsafe-target' });
    const crossSite = await app.request('/admin/do/discover', {
      method: 'POST',
      body: new URLSearchParams({ url: `${site.origin}/` }),
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
  });
});
