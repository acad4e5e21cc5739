import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import { startRuntime } from '#shared/local/runtime.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/nianbao.mjs', import.meta.url).pathname;

/**
 * A leaked admin key can be cut off (adversarial review of issue 15: `revokeAdminKey` existed, nothing an
 * operator could use called it): `nianbao admin-key revoke <key>` makes the API refuse it.
 */
describe('nianbao admin-key create / revoke', () => {
  let dir: string;
  const cli = (...args: string[]) =>
    run(process.execPath, [BIN, ...args], { env: { ...process.env, NIANBAO_DATA_DIR: dir } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? -1,
        stdout: e.stdout ?? '',
        stderr: e.stderr ?? '',
      }),
    );
  /** The answer of an admin route to this key, from a runtime over the same data folder. */
  const adminStatus = async (key: string) => {
    const rt = await startRuntime({ config: loadConfig({ NIANBAO_DATA_DIR: dir }) });
    try {
      const app = createApp(rt.ctx, {});
      return (await app.request('/admin/failing', { headers: { 'x-admin-token': key } })).status;
    } finally {
      await rt.close();
    }
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-admin-key-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a created key opens the admin routes; once revoked it is refused, and revoking again changes nothing', async () => {
    const created = await cli('admin-key', 'create', '--label', 'newsroom');
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key.length).toBeGreaterThan(20);
    expect(await adminStatus(key)).toBe(200);

    const revoked = await cli('admin-key', 'revoke', key);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('revoked');
    expect([401, 403]).toContain(await adminStatus(key));

    const again = await cli('admin-key', 'revoke', key);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('nothing changed');
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });
});
