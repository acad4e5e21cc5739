import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detailPageHtml } from '#seeds/portal/pages.ts';
import { readMailbox } from '#test/support/mailbox.ts';
import { listingPageHtml, type Site, sendPage, startSite } from '#test/support/site-server.ts';

const BIN = new URL('../../bin/nianbao.mjs', import.meta.url).pathname;

interface Run {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching, or rejects if the process ends first. */
  waitFor(re: RegExp): Promise<string>;
  exit: Promise<number | null>;
}

function startNianbao(env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, [BIN, 'start', '--once', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  let buffer = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.re.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr?.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exit,
    waitFor(re) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return Promise.race([
        new Promise<string>((resolve) => waiters.push({ re, resolve })),
        exit.then(() => {
          throw new Error(`process ended before ${re}:\n${lines.join('\n')}`);
        }),
      ]);
    },
  };
}

/** Kills the process (and its stores' child, whose stdin closes with it) as a power cut would. */
async function kill(run: Run): Promise<void> {
  run.child.kill('SIGKILL');
  await run.exit;
}

/** What a finished data folder holds: reports per body and year, and e-mails per (alert, recipient). */
async function finalState(dir: string, env: Record<string, string>, args: string[] = []) {
  const done = startNianbao(env, args);
  const code = await done.exit;
  expect(code, done.lines.join('\n')).toBe(0);
  const summary = done.lines.join('\n');
  const mails = await readMailbox(join(dir, 'mail'));
  const deliveries = mails.map((m) => `${m.alertId} → ${m.to}`).sort();
  return { summary, deliveries };
}

describe('crash recovery of nianbao start --once (SIGKILL mid-cycle, then a normal run)', () => {
  const dirs: string[] = [];
  const sites: Site[] = [];
  afterAll(async () => {
    for (const s of sites) await s.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const freshEnv = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nianbao-crash-'));
    dirs.push(dir);
    return {
      dir,
      // A 2 s delivery lease: a claim the killed run held is overtaken by the next run (in production the
      // lease is 5 minutes, and the next cycle delivers it).
      env: {
        NIANBAO_DATA_DIR: dir,
        NIANBAO_HOST_DELAY_MS: '0',
        NIANBAO_TODAY: '2026-11-24',
        NIANBAO_DELIVERY_LEASE_S: '2',
      } as Record<string, string>,
    };
  };

  let reference: { summary: string; deliveries: string[] } | undefined;
  const uncrashed = async () => {
    if (reference) return reference;
    const { dir, env } = await freshEnv();
    reference = await finalState(dir, env);
    return reference;
  };

  for (const when of [/^ {2}crawl {2}\S+: /, /^ {2}parse {2}\S+: /]) {
    it(`ends with every report once and every alert delivered once after a kill at ${when}`, async () => {
      // Prepare: the demo cycle as it ends when nothing goes wrong.
      const expected = await uncrashed();
      const { dir, env } = await freshEnv();
      // Act: kill the first run right after the line, then run again to the end.
      const first = startNianbao(env);
      await first.waitFor(when);
      await kill(first);
      // A delivery claimed but not sent when the run died is held until its lease ends: wait it out, as the
      // next cycle does in production, so the next run takes it over (delivered once, late).
      await new Promise((r) => setTimeout(r, 2_500));
      const after = await finalState(dir, env);
      // Assess: the same reports, and each (alert, recipient) mailed exactly once, as without the crash.
      expect(after.summary).toContain('reports found: 5');
      const reports = (s: string) => s.split('\n').filter((l) => /^ {2}\S+ \d{4}: /.test(l));
      expect(reports(after.summary)).toEqual(reports(expected.summary));
      expect(after.deliveries).toEqual(expected.deliveries);
      expect(new Set(after.deliveries).size).toBe(after.deliveries.length);
    }, 600_000);
  }

  it('resumes a walk killed between two listing pages and finds the report on the second page', async () => {
    // Prepare: a two-page listing whose second page hangs on its first request (the kill comes then).
    let page2Requests = 0;
    let page2Asked: () => void = () => undefined;
    const asked = new Promise<void>((r) => {
      page2Asked = r;
    });
    const site = await startSite((req, res) => {
      const path = req.url ?? '/';
      if (path === '/robots.txt') return void res.writeHead(404).end();
      if (path === '/gknb/index.html')
        return sendPage(
          req,
          res,
          Buffer.from(
            listingPageHtml('年报', [
              {
                href: '/gknb/201903/t20190326_1.html',
                title: '唐河县人民政府2018年政府信息公开工作年度报告',
              },
              { href: '/gknb/index_1.html', title: '下一页' },
            ]),
          ),
          'text/html; charset=utf-8',
        );
      if (path === '/gknb/index_1.html') {
        page2Requests += 1;
        if (page2Requests === 1) {
          page2Asked();
          return; // never answered: the process is killed while it waits
        }
        return sendPage(
          req,
          res,
          Buffer.from(
            listingPageHtml('年报', [
              { href: '/gknb/201203/t20120314_2.html', title: '榆次区2011年政府信息公开年度报告' },
            ]),
          ),
          'text/html; charset=utf-8',
        );
      }
      if (path === '/gknb/201903/t20190326_1.html')
        return sendPage(req, res, Buffer.from(detailPageHtml('003')), 'text/html; charset=utf-8');
      if (path === '/gknb/201203/t20120314_2.html')
        return sendPage(req, res, Buffer.from(detailPageHtml('004')), 'text/html; charset=utf-8');
      res.writeHead(404).end();
    });
    sites.push(site);
    const { dir, env } = await freshEnv();
    const registry = join(dir, 'bodies.json');
    await writeFile(
      registry,
      JSON.stringify({
        bodies: [
          {
            id: '411328',
            name: '唐河县人民政府',
            level: 'county',
            divisionCode: '411328',
            listingUrl: `${site.origin}/gknb/index.html`,
            render: 'http',
            watchFrom: 2011,
          },
        ],
      }),
    );
    const runEnv = {
      ...env,
      NIANBAO_REGISTRY: registry,
      NIANBAO_ALLOW_PRIVATE_ORIGINS: site.origin,
      NIANBAO_FETCH_TIMEOUT_MS: '600000',
    };
    // Act
    const first = startNianbao(runEnv, ['--no-demo-portal']);
    await Promise.race([asked, first.exit]);
    await kill(first);
    const after = await finalState(dir, runEnv, ['--no-demo-portal']);
    // Assess: both reports, the second page read again, and no year called missing that is listed.
    expect(page2Requests).toBe(2);
    expect(after.summary).toContain('唐河县人民政府 2018: on-time');
    expect(after.summary).toContain('唐河县人民政府 2011: on-time');
    expect(after.deliveries.filter((d) => d.startsWith('deadline.missing/411328/2011'))).toEqual([]);
    expect(new Set(after.deliveries).size).toBe(after.deliveries.length);
  }, 600_000);
});
