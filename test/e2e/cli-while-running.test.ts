import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const BIN = new URL('../../bin/nianbao.mjs', import.meta.url).pathname;
const TODAY = '2026-11-24';
const IDS = ['140702', '2112', '360802', '411328', '620421-rsj'];

/** A CLI run that may fail: its exit code and output, never a thrown error. */
async function nianbao(env: NodeJS.ProcessEnv, ...args: string[]) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const STACK = /\n\s+at .+\(.+:\d+:\d+\)/;

describe('data commands while `nianbao start` runs on the same data folder', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let start: ChildProcess;
  let out = '';
  let apiUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nianbao-e2e-running-'));
    env = { ...process.env, NIANBAO_DATA_DIR: dir, NIANBAO_HOST_DELAY_MS: '0', NIANBAO_TODAY: TODAY };
    start = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    start.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    start.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    // After the first cycle it ticks until interrupted: the state every command below meets.
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (out.includes('ticking every')) {
          clearInterval(check);
          resolve();
        }
      }, 200);
      start.once('exit', (code) => {
        clearInterval(check);
        reject(new Error(`start exited (${code}) before its first cycle ended:\n${out}`));
      });
    });
    apiUrl = /api: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] as string;
  }, 240_000);

  afterAll(async () => {
    if (start && start.exitCode === null) {
      const exited = new Promise((r) => start.once('exit', r));
      start.kill('SIGINT');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('status (CLI) shows 2025 missing for all five bodies with the deadline and the legal basis', async () => {
    const run = await nianbao(env, 'status', '--json');
    expect(run.stderr).not.toMatch(STACK);
    expect(run.code, run.stderr).toBe(0);
    const bodies = JSON.parse(run.stdout) as Array<{
      body: { id: string };
      years: Array<{ year: number; outcome: string; deadline: { date: string; basis: string } }>;
    }>;
    expect(bodies.map((b) => b.body.id).sort()).toEqual(IDS);
    for (const b of bodies) {
      expect(
        b.years.find((y) => y.year === 2025),
        b.body.id,
      ).toMatchObject({
        outcome: 'missing',
        deadline: {
          date: b.body.id === '620421-rsj' ? '2026-01-31' : '2026-03-31',
          basis: expect.stringMatching(/《政府信息公开条例》\(2019\) 第四十九条第[一二]款/),
        },
      });
    }
    const text = await nianbao(env, 'status', '620421-rsj');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      '2025: missing (deadline 2026-01-31, 《政府信息公开条例》(2019) 第四十九条第一款)',
    );
  });

  it('status (API of the running instance) shows the same', async () => {
    const res = await fetch(`${apiUrl}/status`);
    const json = (await res.json()) as {
      items: Array<{ body: { id: string }; years: Array<{ year: number; outcome: string }> }>;
    };
    expect(json.items.map((b) => [b.body.id, b.years.find((y) => y.year === 2025)?.outcome])).toEqual(
      IDS.map((id) => [id, 'missing']),
    );
  });

  it('subscribe, export, reparse and check --store succeed beside it, without a stack trace', async () => {
    const sub = await nianbao(env, 'subscribe', 'desk@example.org', '36', '620421-rsj');
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stdout).toContain('subscribed desk@example.org');
    const res = await fetch(`${apiUrl}/status/360802`);
    expect(res.status).toBe(200);

    const board = await nianbao(env, 'export', 'scoreboard', '--year', '2025');
    expect(board.code, board.stderr).toBe(0);
    expect(board.stdout.split('\r\n').at(-2)).toMatch(/^total,.*,5,0,0,0,5,0,0,0,/);

    const reparse = await nianbao(env, 'reparse', '--body', '360802');
    expect(reparse.stderr).not.toMatch(STACK);
    expect(reparse.code, reparse.stderr).toBe(0);
    expect(reparse.stdout).toMatch(/re-parsed 1 page\(s\)/);

    const check = await nianbao(
      env,
      'check',
      'seeds/reports/000_33109bb72c82068c.txt',
      '--store',
      '--today',
      TODAY,
    );
    expect(check.stderr).not.toMatch(STACK);
    expect([0, 1]).toContain(check.code);
    expect(check.stdout).toContain('吉州区');
  }, 300_000);

  it('a bad --today is refused in one sentence naming the input', async () => {
    const run = await nianbao(
      env,
      'check',
      'seeds/reports/000_33109bb72c82068c.txt',
      '--today',
      '2026-02-30',
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'nianbao: --today 2026-02-30 is not a date: 2026-02 has 28 days, so there is no day 30',
    );
    expect(run.stdout).toBe('');
  }, 120_000);
});
