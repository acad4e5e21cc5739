import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoPortal, startDemoPortal } from '#seeds/portal/server.ts';
import { loadConfig } from '#shared/config.ts';
import { sha256Of } from '#shared/evidence/canonical-json.ts';
import { registerCommands } from '#shared/local/commands/index.ts';
import { runCycle } from '#shared/local/cycle.ts';
import { startRuntime } from '#shared/local/runtime.ts';

const TODAY = '2026-11-24';

/**
 * `nianbao evidence | letter | verify` in process (the bin script's registrars) over the data a demo cycle
 * left: each command starts and closes the embedded runtime on that data directory, as the CLI does.
 */
describe('nianbao evidence | letter | verify', () => {
  let dir: string;
  let portal: DemoPortal;
  const saved = { dir: process.env.NIANBAO_DATA_DIR, today: process.env.NIANBAO_TODAY };
  const nianbao = async (...args: string[]): Promise<{ out: string; error?: string; exitCode: number }> => {
    const program = new Command('nianbao').exitOverride();
    registerCommands(program);
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      lines.push(a.join(' '));
    });
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    process.exitCode = 0;
    try {
      await program.parseAsync(['node', 'nianbao', ...args]);
      return { out: lines.join('\n'), exitCode: Number(process.exitCode ?? 0) };
    } catch (error) {
      return { out: lines.join('\n'), error: (error as Error).message, exitCode: 1 };
    } finally {
      spy.mockRestore();
      quiet.mockRestore();
      process.exitCode = 0;
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-evidence-cli-'));
    portal = await startDemoPortal();
    const config = loadConfig({ NIANBAO_DATA_DIR: dir, NIANBAO_HOST_DELAY_MS: '0', NIANBAO_TODAY: TODAY });
    const rt = await startRuntime({ config, originMap: portal.originMap });
    await runCycle(rt, { force: true });
    await rt.close();
    process.env.NIANBAO_DATA_DIR = dir;
    process.env.NIANBAO_TODAY = TODAY;
  }, 600_000);
  afterAll(async () => {
    for (const [k, v] of [
      ['NIANBAO_DATA_DIR', saved.dir],
      ['NIANBAO_TODAY', saved.today],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    await portal?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a package, a letter beside its package, and verifies both the package and the store', {
    timeout: 600_000,
  }, async () => {
    const id = 'deadline.missing/620421-rsj/2025';
    const file = join(dir, 'p.wacz');
    const ev = await nianbao('evidence', id, '-o', file);
    expect(ev.error).toBeUndefined();
    const bytes = new Uint8Array(await readFile(file));
    expect(ev.out).toContain(`wrote ${file}`);
    expect(ev.out).toContain(`sha256 ${sha256Of(bytes)}`);
    expect(ev.out).toMatch(/daily root \d{4}-\d{2}-\d{2} [0-9a-f]{64}, not timestamped/);

    const docx = join(dir, 'letter.docx');
    const pkg = join(dir, 'letter-package.wacz');
    const letter = await nianbao('letter', id, '-o', docx, '--package', pkg);
    expect(letter.error).toBeUndefined();
    const xml = new TextDecoder().decode(
      unzipSync(new Uint8Array(await readFile(docx)))['word/document.xml'],
    );
    expect(xml).toContain(`证据包 SHA-256：${sha256Of(new Uint8Array(await readFile(pkg)))}`);

    // No TSA configured: nothing broken, but nothing timestamped either: not verified (exit code 2).
    const offline = await nianbao('verify', pkg);
    expect(offline.exitCode).toBe(2);
    expect(offline.out).toMatch(
      /! the daily root of \d{4}-\d{2}-\d{2} is not timestamped\nnote: [^\n]*own claims[^\n]*\nNOT verified: nothing found broken, but the lines marked ! hold only on the package's own word$/,
    );

    const store = await nianbao('verify');
    expect(store.exitCode).toBe(2);
    expect(store.out).toContain('620421-rsj: 1 entry chained, intact');
    expect(store.out.split('\n').at(-1)).toBe(
      'NOT verified: the check log agrees with itself, but not every daily root carries a timestamp verified against a trusted TSA certificate',
    );

    const unknown = await nianbao('letter', 'spam.injection/2112/2017');
    expect(unknown.error).toMatch(/no complaint letter for spam.injection/);
  });
});
