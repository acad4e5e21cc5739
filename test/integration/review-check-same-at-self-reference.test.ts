import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import { finishCheck, listChecks } from '#shared/store/crawl-state.ts';
import type { CheckEntry } from '#shared/store/records.ts';

/*
 * Found in review: two checks of one body finishing with the same `at` (two crawls at once in the same
 * millisecond, or a crawl retried under a fixed clock). finishCheck read the newest entry (CHECK#<at>, the
 * first one), found the same list, and wrote CHECK#<at> again referring to ITSELF, over the entry that held
 * the list: every reader then dropped it. An entry never refers to the key it is written to now.
 */
describe('a check written twice under one CHECK# key', () => {
  let dir: string;
  let rt: Runtime;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'brk12c-same-at-'));
    rt = await startRuntime({ config: loadConfig({ NIANBAO_DATA_DIR: dir }), registry: [] });
  });
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a readable candidate list in both writes and after', async () => {
    const at = '2026-06-01T01:00:00.000Z';
    const entry: CheckEntry = {
      at,
      bodyId: '360802',
      outcome: 'read',
      complete: true,
      reachedEnd: true,
      oldestYear: 2023,
      newestYear: 2024,
      unread: [],
      unsettledYears: [],
      unsettledUnknown: 0,
      pages: [],
      candidates: [
        {
          url: 'http://a.example/2024.html',
          title: '2024年政府信息公开工作年度报告',
          year: 2024,
          state: 'parsed',
        },
      ],
    };
    const state = { bodyId: '360802', consecutiveFailures: 0 };
    await finishCheck(rt.ctx.repo, entry, state, false);
    expect((await listChecks(rt.ctx.repo, '360802')).map((c) => c.candidates.length)).toEqual([1]);
    await finishCheck(rt.ctx.repo, entry, state, false);
    // A later unchanged check (another day) refers to the same (now list-less) holder: dropped too, and so
    // is every unchanged check after it until the list changes.
    await finishCheck(rt.ctx.repo, { ...entry, at: '2026-06-02T01:00:00.000Z' }, state, false);
    const read = await listChecks(rt.ctx.repo, '360802');
    expect(read.map((c) => [c.at, c.candidates.length])).toEqual([
      ['2026-06-02T01:00:00.000Z', 1],
      [at, 1],
    ]);
  });
});
