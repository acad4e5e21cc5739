import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#shared/api/app.ts';
import { addToWindow, FLUSH_EVERY_MS, flushBatch, rateCounter } from '#shared/api/rate-limit.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { countStoreCalls } from '#test/bench/bench-stores.ts';

/** A fixed instant in the middle of a minute, so a run never straddles two windows. */
const AT = new Date('2026-11-24T08:30:20.000Z');
const later = (ms: number) => new Date(AT.getTime() + ms);

describe('per-client rate limits: counted in the process, written to the table in batches', () => {
  let dir: string;
  let rt: Runtime;
  let calls: ReturnType<typeof countStoreCalls>;
  const updates = () => calls.byCommand().UpdateItemCommand ?? 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-rate-'));
    rt = await startRuntime({ config: loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_TODAY: '2026-11-24' }) });
    calls = countStoreCalls(rt.ctx);
  });
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('below a limit of 40 writes every request, so the limit is exact across processes', async () => {
    expect(flushBatch(3)).toBe(1);
    const a = rateCounter();
    const b = rateCounter();
    const before = updates();
    const seen: boolean[] = [];
    for (let i = 0; i < 4; i += 1) seen.push((await a.count(rt.ctx.repo, 'public', 'c1', 3, AT)).allowed);
    expect(seen).toEqual([true, true, true, false]);
    expect(updates() - before).toBe(4);
    // Another process (a second Lambda container) over the same table is refused at once.
    expect((await b.count(rt.ctx.repo, 'public', 'c1', 3, AT)).allowed).toBe(false);
  });

  it('one process: exact at the limit with one write per batch, not per request', async () => {
    const limit = 200;
    const batch = flushBatch(limit);
    expect(batch).toBe(10);
    const a = rateCounter();
    const before = updates();
    const allowed: boolean[] = [];
    for (let i = 0; i < 250; i += 1)
      allowed.push((await a.count(rt.ctx.repo, 'public', 'c2', limit, AT)).allowed);
    expect(allowed.filter(Boolean)).toHaveLength(limit);
    expect(allowed.slice(0, limit).every(Boolean)).toBe(true);
    const writes = updates() - before;
    expect(writes).toBeLessThanOrEqual(Math.ceil(250 / batch) + 1);
    expect(writes).toBeGreaterThan(0);
    // The table holds every request but those still pending (fewer than a batch).
    const table = await addToWindow(rt.ctx.repo, 'public', 'c2', AT, 0);
    expect(table).toBeGreaterThan(250 - batch);
    expect(table).toBeLessThanOrEqual(250);
  });

  it('across processes a client gets at most limit + P × (batch − 1) in a window', async () => {
    const limit = 100;
    const batch = flushBatch(limit);
    const processes = [rateCounter(), rateCounter(), rateCounter()];
    let allowed = 0;
    for (let i = 0; i < 600; i += 1) {
      const p = processes[i % processes.length] as ReturnType<typeof rateCounter>;
      if ((await p.count(rt.ctx.repo, 'public', 'c3', limit, AT)).allowed) allowed += 1;
    }
    expect(allowed).toBeGreaterThanOrEqual(limit);
    expect(allowed).toBeLessThanOrEqual(limit + processes.length * (batch - 1));
  });

  it('a busy client is written at least once a second, and a new minute is a new window', async () => {
    const limit = 1_000_000;
    const a = rateCounter();
    const before = updates();
    await a.count(rt.ctx.repo, 'public', 'c4', limit, AT); // first of the window: written
    for (let ms = 10; ms < FLUSH_EVERY_MS; ms += 100)
      await a.count(rt.ctx.repo, 'public', 'c4', limit, later(ms));
    expect(updates() - before).toBe(1);
    await a.count(rt.ctx.repo, 'public', 'c4', limit, later(FLUSH_EVERY_MS));
    expect(updates() - before).toBe(2);
    expect(await addToWindow(rt.ctx.repo, 'public', 'c4', AT, 0)).toBe(12);

    const small = rateCounter();
    expect((await small.count(rt.ctx.repo, 'public', 'c5', 1, AT)).allowed).toBe(true);
    const refused = await small.count(rt.ctx.repo, 'public', 'c5', 1, AT);
    expect(refused).toMatchObject({ allowed: false, retryAfter: 40 });
    expect((await small.count(rt.ctx.repo, 'public', 'c5', 1, later(40_000))).allowed).toBe(true);
  });

  it('the app: 429 with Retry-After past the limit, clients apart, public and admin counted apart', async () => {
    const app = createApp(rt.ctx, { rateLimits: { publicPerMinute: 2 } });
    const as = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await app.request('/health', {}, as('192.0.2.70'))).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await app.request('/health', {}, as('192.0.2.71'))).status).toBe(200);
    expect((await app.request('/admin/failing', {}, as('192.0.2.70'))).status).not.toBe(429);
  });
});
