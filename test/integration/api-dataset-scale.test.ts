import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import { type Runtime, startRuntime } from '#shared/local/runtime.ts';
import type { StageContext } from '#shared/stages/context.ts';
import type { RawArchive } from '#shared/store/archive.ts';
import { scaleRegistry, seedReadScale } from '#test/support/read-scale.ts';

const BODIES = 1000;

describe('the dataset export of a 1,000-body store streams with bounded memory', () => {
  let dir: string;
  let rt: Runtime;
  /** Parsed records read from the archive so far: how far the export has got. */
  let reads = 0;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-dataset-'));
    const registry = scaleRegistry(BODIES);
    rt = await startRuntime({
      config: loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_TODAY: '2026-11-24' }),
      registry,
    });
    await seedReadScale(rt.ctx, registry, [2025]);
    // The same archive, counting reads of parsed records (the export reads one per report).
    const archive = rt.ctx.archive;
    const counting = Object.create(archive) as RawArchive;
    counting.getJson = async (key: string) => {
      reads += 1;
      return archive.getJson(key);
    };
    const ctx: StageContext = { ...rt.ctx, archive: counting };
    app = createApp(ctx, {});
  }, 300_000);
  afterAll(async () => {
    await rt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands out the first rows after a few reports, not after reading the store, and every row in the end', async () => {
    const res = await app.request('/api/export/dataset?format=jsonl');
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // Pull-based: the first chunk needed a handful of reports' records out of 1,000.
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(10);
    let text = decoder.decode(first.value, { stream: true });
    let lines = 0;
    const bodies = new Set<string>();
    let maxChunk = first.value?.byteLength ?? 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      maxChunk = Math.max(maxChunk, value.byteLength);
      text += decoder.decode(value, { stream: true });
      const cut = text.lastIndexOf('\n');
      for (const line of text.slice(0, cut).split('\n')) {
        if (!line) continue;
        lines += 1;
        bodies.add(JSON.parse(line).bodyId);
      }
      text = text.slice(cut + 1);
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      lines += 1;
      bodies.add(JSON.parse(line).bodyId);
    }
    expect(reads).toBe(BODIES);
    expect(bodies.size).toBe(BODIES);
    // Each chunk is a few dozen rows (16 KiB gathered), never the whole export.
    expect(maxChunk).toBeLessThan(256 * 1024);
    expect(lines % BODIES).toBe(0);
    expect(lines / BODIES).toBeGreaterThan(20);
  }, 300_000);
});
