import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerCommands } from '#shared/local/commands/index.ts';

/** Adversarial review of issue 16. docs/evidence.md: exit 3 when "the package or a certificate file [is] unreadable". */
describe('nianbao verify on a file that is not a package', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-verify-unread-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));
  const nianbao = async (...args: string[]) => {
    const program = new Command('nianbao').exitOverride();
    registerCommands(program);
    const lines: string[] = [];
    const spy = vi
      .spyOn(console, 'log')
      .mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    const err = vi
      .spyOn(console, 'error')
      .mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    process.exitCode = 0;
    try {
      await program.parseAsync(['node', 'nianbao', ...args]);
      return { out: lines.join('\n'), exitCode: Number(process.exitCode ?? 0) };
    } finally {
      spy.mockRestore();
      err.mockRestore();
      process.exitCode = 0;
    }
  };
  it('a Markdown letter (or a truncated download) given as the package: exit 3, not 1 "broken"', async () => {
    const f = join(dir, 'letter.md');
    await writeFile(f, '# 政府信息公开工作投诉 (草稿)\n');
    const r = await nianbao('verify', f);
    expect(r.exitCode, r.out).toBe(3);
  });

  it('a --tsa-cert file that holds no certificate (a private key, an empty file): exit 3, not 1', async () => {
    const pkg = join(dir, 'p.wacz');
    // A zip's first bytes: verify gets as far as reading the certificates.
    await writeFile(pkg, Buffer.from('504b0304', 'hex'));
    for (const [name, body] of [
      ['key.pem', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIH8=\n-----END PRIVATE KEY-----\n'],
      ['empty.pem', ''],
    ] as const) {
      const cert = join(dir, name);
      await writeFile(cert, body);
      const r = await nianbao('verify', pkg, '--tsa-cert', cert);
      expect(r.exitCode, r.out).toBe(3);
      expect(r.out).toContain('holds no X.509 certificate');
    }
  });
});
