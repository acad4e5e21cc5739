import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToDigest, digestDone, subscribersWaiting, takeEntries } from '#shared/alerts/digest-store.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { queryAll } from '#shared/store/query-all.ts';
import { addMiddleware } from '#test/support/sdk-middleware.ts';

/*
 * Found in review: addToDigest marks the subscriber (PENDING#DIGEST) and then puts the entry. A digest run
 * that reads the marks after the mark and takes the entries before the entry's Put lands finds nothing; it
 * removed the mark then, and the entry, put a moment later, waited with no mark for good. digestDone now
 * keeps a mark set within the last hour, so the next digest finds the entry.
 */
describe('a digest entry whose Put lands while a digest run handles its subscriber', () => {
  let dir: string;
  let rt: Runtime;
  let release: () => void = () => {};
  let gate: Promise<void> | null = null;
  let held = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'brk12c-digest-'));
    rt = await startRuntime({ config: loadConfig({ NIANBAO_DATA_DIR: dir }), registry: [] });
    // Holds the digest entry's PutItem (a slow or retried write) until released.
    addMiddleware(
      rt.ctx.repo.db,
      (next, context) => async (args) => {
        const input = args.input as { Item?: { pk?: { S?: string } | string } };
        const pk = input.Item?.pk;
        const pkText = typeof pk === 'string' ? pk : (pk?.S ?? '');
        if (gate && context.commandName === 'PutItemCommand' && pkText.startsWith('DIGEST#')) {
          held += 1;
          await gate;
        }
        return next(args);
      },
      { step: 'initialize', name: 'holdDigestPut' },
    );
    delete (rt.ctx.repo.db as unknown as { handlers?: unknown }).handlers;
  });
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('an entry still being written when a digest runs is found by a later digest (its mark is kept)', async () => {
    const day1 = '2026-06-01T01:00:00.000Z';
    gate = new Promise<void>((r) => {
      release = r;
    });
    const adding = addToDigest(rt.ctx.repo, 'h1', 'deadline.missing/360802/2025', new Date(day1));
    // Wait until the mark is written and the entry's Put is held.
    for (let i = 0; i < 200 && held === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(held).toBe(1);

    // Today's digest run, as sendDigests does it: marks, take entries, nothing to mail, digestDone.
    const waiting = await subscribersWaiting(rt.ctx.repo, day1);
    expect(waiting).toEqual([{ emailHash: 'h1', marks: 1 }]);
    const taken = await takeEntries(rt.ctx.repo, 'h1', 'digest/h1/2026-06-01', new Date(day1));
    expect(taken).toEqual([]);
    await digestDone(rt.ctx.repo, 'h1', 1, day1);

    // The held Put lands.
    release();
    gate = null;
    await adding;
    const entries = await queryAll(rt.ctx.repo, 'DIGEST#h1');
    expect(entries.filter((e) => e.sentAt === undefined)).toHaveLength(1);

    // Tomorrow's digest must find the subscriber waiting.
    const tomorrow = await subscribersWaiting(rt.ctx.repo, '2026-06-02T01:00:00.000Z');
    expect(tomorrow.map((w) => w.emailHash)).toContain('h1');
  });
});
