import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = new URL('../../bin/nianbao.mjs', import.meta.url).pathname;

describe('nianbao start --once', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('runs one full cycle on an empty data folder, exits 0 and prints the summary; a second run adds nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nianbao-e2e-'));
    dirs.push(dir);
    const env = {
      ...process.env,
      NIANBAO_DATA_DIR: dir,
      NIANBAO_HOST_DELAY_MS: '100',
      NIANBAO_TODAY: '2026-11-24',
    };

    const first = await run(process.execPath, [BIN, 'start', '--once'], { env, timeout: 170_000 });

    expect(first.stdout).toContain('bodies crawled: 5 (5 ok, 0 failed)');
    expect(first.stdout).toContain('reports found: 5 (5 new this cycle)');
    for (const line of [
      '吉州区人民政府 2017: on-time',
      '靖远县人力资源和社会保障局 2016: on-time',
      '铁岭市人民政府 2017: undated',
      '唐河县人民政府 2018: on-time',
      '榆次区人民政府 2011: on-time',
      '2025: 5 missing',
    ]) {
      expect(first.stdout).toContain(line);
    }
    const mails = (await readdir(join(dir, 'mail'))).filter((f) => f.endsWith('.eml'));
    expect(mails.length).toBeGreaterThanOrEqual(5);
    expect(first.stdout).toContain(`mail: ${mails.length} message(s) in ${join(dir, 'mail')}`);

    const second = await run(process.execPath, [BIN, 'start', '--once'], { env, timeout: 170_000 });

    expect(second.stdout).toContain('reports found: 5 (0 new this cycle)');
    expect(second.stdout).toContain('alerts raised this cycle: 0; e-mails delivered this cycle: 0');
    expect((await readdir(join(dir, 'mail'))).filter((f) => f.endsWith('.eml'))).toHaveLength(mails.length);
  }, 360_000);
});
