import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerCommands } from '#shared/local/commands/index.ts';
import { readSink } from './alerts-support.ts';

/**
 * The commands in process (the bin script's program, the same registrars): each starts and closes the
 * embedded runtime on a fresh data directory, as `nianbao <command>` does.
 */
describe('nianbao subscribe | unsubscribe | subscribers | alert test', () => {
  let dir: string;
  const saved = process.env.NIANBAO_DATA_DIR;
  const nianbao = async (...args: string[]): Promise<{ out: string; error?: string }> => {
    const program = new Command('nianbao').exitOverride();
    registerCommands(program);
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      lines.push(a.join(' '));
    });
    try {
      await program.parseAsync(['node', 'nianbao', ...args]);
      return { out: lines.join('\n') };
    } catch (error) {
      return { out: lines.join('\n'), error: (error as Error).message };
    } finally {
      spy.mockRestore();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-alerts-cli-'));
    process.env.NIANBAO_DATA_DIR = dir;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.NIANBAO_DATA_DIR;
    else process.env.NIANBAO_DATA_DIR = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('subscribes with scopes in words and filters, lists, unsubscribes one scope then everything', {
    timeout: 600_000,
  }, async () => {
    const sub = await nianbao('subscribe', 'desk@example.org', '3608', '36', '--kinds', 'deadlines');
    expect(sub.error).toBeUndefined();
    expect(sub.out).toContain('江西省 › 吉安市; 江西省');
    expect(sub.out).toContain('仅期限');

    const listed = await nianbao('subscribers', '--json');
    expect(JSON.parse(listed.out)).toEqual([
      expect.objectContaining({
        email: 'desk@example.org',
        confirmed: true,
        kinds: ['deadlines'],
        scopes: ['36', '3608'],
      }),
    ]);
    expect((await nianbao('unsubscribe', 'desk@example.org', '3608')).out).toContain('from 3608');
    const after = await nianbao('unsubscribe', 'desk@example.org');
    expect(after.out).toContain('from 36');
    expect(JSON.parse((await nianbao('subscribers', '--json')).out)[0].scopes).toEqual([]);
  });

  it('refuses bad input with a clear message', { timeout: 600_000 }, async () => {
    const cases: Array<[string[], RegExp]> = [
      [['subscribe', 'not-an-address', '36'], /not an e-mail address/],
      [['subscribe', 'a@example.org', '99'], /unknown scopes: 99/],
      [['subscribe', 'https://hooks.example.org/x', '36'], /a robot URL needs --channel/],
      [['subscribe', '--channel', 'sms', 'a@example.org', '36'], /--channel: email, wecom/],
      [
        [
          'subscribe',
          '--channel',
          'dingtalk',
          'https://oapi.dingtalk.com/robot/send?access_token=a1b2c3d4e5f60718293a',
          '36',
        ],
        /dingtalk: malformed or missing secret/,
      ],
      [
        ['subscribe', '--channel', 'wecom', 'https://evil.example/cgi-bin/webhook/send?key=693a91f6', '36'],
        /qyapi\.weixin\.qq\.com/,
      ],
      [['subscribe', 'a@example.org', '36', '--digest', 'weekly'], /--digest: immediate or daily/],
      [['unsubscribe', 'stranger@example.org'], /not a subscriber/],
    ];
    for (const [args, why] of cases) expect((await nianbao(...args)).error).toMatch(why);
  });

  it('subscribes a 企业微信 robot by its URL, shown and listed by its label, never by its key', {
    timeout: 600_000,
  }, async () => {
    const key = '693a91f6-7aaa-4bc4-97a0-0ec2afa5aaa1';
    const url = `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}`;
    const sub = await nianbao('subscribe', '--channel', 'wecom', url, '360802');
    expect(sub.error).toBeUndefined();
    expect(sub.out).toMatch(/企业微信群机器人 wecom:[0-9a-f]{16}/);
    expect(sub.out).not.toContain(key);
    const listed = (await nianbao('subscribers', '--json')).out;
    expect(listed).not.toContain(key);
    expect(JSON.parse(listed)).toContainEqual(
      expect.objectContaining({ channel: 'wecom', confirmed: true, scopes: ['360802'] }),
    );
  });

  it('alert test mails a sample alert, marked as a test, through the configured transport', {
    timeout: 600_000,
  }, async () => {
    const r = await nianbao('alert', 'test', 'ops@example.org');
    expect(r.error).toBeUndefined();
    const mails = (await readSink(join(dir, 'mail'))).filter((m) => m.to === 'ops@example.org');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toMatch(/^\[测试 TEST\]/);
    expect(mails[0]?.text).toContain('这是一封测试邮件');
    expect(mails[0]?.html).toContain('<mark');
  });
});
