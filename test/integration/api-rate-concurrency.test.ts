import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#shared/api/app.ts';
import { flushBatch, rateCounter } from '#shared/api/rate-limit.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';

/**
 * rate-limit.ts promises "within one process the limit is exact". It is exact only when the
 * client's requests arrive one after another. Requests that arrive while a flush (the table ADD) is in flight
 * see `known` from before that flush and `pending` reset to 0: the requests being written are counted
 * nowhere, so a concurrent burst (many connections / HTTP/2 streams) passes far beyond the limit.
 */
const AT = new Date('2026-11-24T08:30:20.000Z');

describe('write-behind rate limit under concurrency (adversarial review of issue 14)', () => {
  let dir: string;
  let rt: Runtime;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-rate-'));
    rt = await startRuntime({ config: loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_TODAY: '2026-11-24' }) });
  });
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('one process, a concurrent burst of 300 against a limit of 100: at most 100 allowed', async () => {
    const limit = 100;
    expect(flushBatch(limit)).toBe(5);
    const p = rateCounter();
    const decisions = await Promise.all(
      Array.from({ length: 300 }, () => p.count(rt.ctx.repo, 'public', 'burst', limit, AT)),
    );
    const allowed = decisions.filter((d) => d.allowed).length;
    // documented: exact within a process (and at most limit + P*(batch-1) = 104 across P=1)
    expect(allowed).toBeLessThanOrEqual(limit + (flushBatch(limit) - 1));
  });

  it('the app: 200 concurrent requests of one client with publicPerMinute 50 → at most 50 (+batch-1) answered 200', async () => {
    const app = createApp(rt.ctx, { rateLimits: { publicPerMinute: 50 } });
    const env = { incoming: { socket: { remoteAddress: '192.0.2.99' } } };
    const statuses = await Promise.all(
      Array.from({ length: 200 }, () =>
        Promise.resolve(app.request('/health', {}, env)).then((r) => r.status),
      ),
    );
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBeLessThanOrEqual(50 + flushBatch(50) - 1);
  });

  it('admin routes (limit 60): a concurrent burst of 300 wrong-token guesses gets at most ~60 answers that are not 429', async () => {
    const app = createApp(rt.ctx, { adminToken: 'x'.repeat(32) });
    const env = { incoming: { socket: { remoteAddress: '192.0.2.98' } } };
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        Promise.resolve(
          app.request('/admin/failing', { headers: { 'x-admin-token': `guess-${i}-`.padEnd(32, 'y') } }, env),
        ).then((r) => r.status),
      ),
    );
    const notLimited = statuses.filter((s) => s !== 429).length;
    expect(notLimited).toBeLessThanOrEqual(60 + flushBatch(60) - 1);
  });
});
