import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#shared/config.ts';
import type { Body } from '#shared/domain/body.ts';
import { type Runtime, type RuntimeOptions, startRuntime } from '#shared/local/runtime.ts';

export interface TestRuntime {
  rt: Runtime;
  close(): Promise<void>;
}

/**
 * The real embedded runtime (dynalite, s3rver, queues) on a fresh data dir, crawling `registry`. The SSRF
 * guard lets the crawler reach the origins of the bodies' listing URLs (test servers on loopback), the
 * origin map's stand-ins, and any origin in `env.NIANBAO_ALLOW_PRIVATE_ORIGINS` (comma-separated); a link
 * to any other loopback origin is refused as it would be in production.
 */
export async function startCrawlRuntime(
  registry: Body[],
  env: Record<string, string> = {},
  originMap?: Record<string, string>,
  stages?: RuntimeOptions['stages'],
): Promise<TestRuntime> {
  const dir = await mkdtemp(join(tmpdir(), 'nianbao-crawl-'));
  const allowed = [
    ...new Set([
      ...registry.map((b) => new URL(b.listingUrl).origin),
      ...(env.NIANBAO_ALLOW_PRIVATE_ORIGINS ?? '').split(',').filter((o) => o.trim() !== ''),
    ]),
  ];
  const config = loadConfig({
    NIANBAO_DATA_DIR: dir,
    NIANBAO_HOST_DELAY_MS: '0',
    NIANBAO_TODAY: '2024-06-01',
    ...env,
    NIANBAO_ALLOW_PRIVATE_ORIGINS: allowed.join(','),
  });
  const rt = await startRuntime({
    config,
    registry,
    ...(originMap ? { originMap } : {}),
    ...(stages ? { stages } : {}),
  });
  return {
    rt,
    async close() {
      await rt.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One crawl of the given bodies (all by default) through the crawl queue, then parse and alert until
 * every queue is empty. Sent directly with fresh dedup ids: the scheduler's hourly dedup would drop a
 * second cycle inside one test.
 */
export async function crawlOnce(rt: Runtime, bodyIds?: readonly string[]): Promise<void> {
  const ids = bodyIds ?? [...rt.ctx.registry.keys()];
  for (const id of ids) {
    const body = rt.ctx.registry.get(id);
    if (!body) throw new Error(`no body ${id}`);
    await rt.ctx.crawlQueue.send(
      { type: 'crawl', bodyId: id, reason: 'test' },
      { groupId: new URL(body.listingUrl).origin, dedupId: `${id}#${Math.random()}` },
    );
  }
  await rt.settle();
}

/**
 * The archived objects of a body that are report pages or their attachments: listing snapshots (kept as
 * the proof of each check) left out.
 */
export async function archivedReportObjects(rt: Runtime, bodyId: string): Promise<string[]> {
  const out: string[] = [];
  for (const key of await rt.ctx.archive.list(bodyId)) {
    const { meta } = await rt.ctx.archive.get(key);
    if (meta.kind !== 'listing') out.push(key);
  }
  return out;
}
