import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = new URL('../../bin/nianbao.mjs', import.meta.url).pathname;

/**
 * The CLI takes a year only as four digits, as the API does (adversarial review of issue 14: `0x7e1` ran as
 * 2017 through `z.coerce.number()`). One sentence, exit 1, nothing started.
 */
describe('CLI years are four digits', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-cli-years-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const args of [
    ['compare', '2112', '0x7e1'],
    ['compare', '2112', '2017.0'],
    ['export', 'scoreboard', '--year', '0x7e1'],
    ['export', 'scoreboard', '--year', ' 2025'],
  ])
    it(`nianbao ${args.join(' ')} is refused naming the year`, async () => {
      const failed = await run(process.execPath, [BIN, ...args], {
        env: { ...process.env, NIANBAO_DATA_DIR: dir },
      }).then(
        () => null,
        (e: { code?: number; stderr?: string }) => e,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toMatch(/year: expected a four-digit year/);
      expect(failed?.stderr).not.toMatch(/\n\s+at /);
    });
});
