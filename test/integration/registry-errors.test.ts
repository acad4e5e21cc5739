import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { startRuntime } from '#shared/local/runtime.ts';

describe('a registry file with a malformed entry', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('starts the runtime with the valid bodies and reports the bad entry with its position and reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nianbao-registry-'));
    dirs.push(dir);
    const seeds = JSON.parse(await readFile(new URL('../../seeds/bodies.json', import.meta.url), 'utf8'));
    seeds.bodies.splice(2, 0, { id: '411328-', name: '?', level: 'bureau', listingUrl: 'not a url' });
    const registry = join(dir, 'bodies.json');
    await writeFile(registry, JSON.stringify(seeds));

    const rt = await startRuntime({
      config: loadConfig({ NIANBAO_DATA_DIR: join(dir, 'data'), NIANBAO_REGISTRY: registry }),
    });
    try {
      expect([...rt.ctx.registry.keys()]).toEqual(['360802', '620421-rsj', '2112', '411328', '140702']);
      expect(rt.registryErrors).toHaveLength(1);
      expect(rt.registryErrors[0]).toMatch(
        /^registry entry #2 \(411328-\): .*id.*name.*level.*divisionCode.*listingUrl/,
      );
    } finally {
      await rt.close();
    }
  });
});
