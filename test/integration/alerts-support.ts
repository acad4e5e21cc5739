import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createApp } from '#shared/api/app.ts';
import { loadConfig } from '#shared/config.ts';
import type { Body } from '#shared/domain/body.ts';
import type { Finding } from '#shared/domain/finding.ts';
import { type Runtime, type RuntimeOptions, startRuntime } from '#shared/local/runtime.ts';

/** Two counties of 吉安市 (江西省) and a bureau of the first: enough to tell scopes apart. */
export const BODIES: Body[] = [
  {
    id: '360802',
    name: '吉州区人民政府',
    level: 'district',
    divisionCode: '360802',
    parents: [
      { code: '36', name: '江西省' },
      { code: '3608', name: '吉安市' },
    ],
    listingUrl: 'http://www.jzq.gov.cn/zwgk/zfxxgknb/index.html',
    render: 'auto',
  },
  {
    id: '360803',
    name: '青原区人民政府',
    level: 'district',
    divisionCode: '360803',
    parents: [
      { code: '36', name: '江西省' },
      { code: '3608', name: '吉安市' },
    ],
    listingUrl: 'http://www.qyq.gov.cn/zwgk/zfxxgknb/index.html',
    render: 'auto',
  },
];

export const finding = (rule: string, severity: Finding['severity'] = 'error'): Finding => ({
  rule,
  severity,
  message: { zh: `测试发现 ${rule}`, en: `test finding ${rule}` },
  evidence: [],
});

/** A mail from the SMTP sink as a client sees it, with every header. */
export interface SinkMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
  /** Raw header values by lower-case name, unfolded, as sent (mailparser restructures List-* headers). */
  raw: Map<string, string>;
  messageId: string;
  alertId: string;
}

export async function readSink(dir: string): Promise<SinkMail[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
  const out: SinkMail[] = [];
  for (const file of files) {
    const m = await simpleParser(await readFile(join(dir, file)));
    const to = Array.isArray(m.to) ? m.to[0]?.text : m.to?.text;
    out.push({
      to: to ?? '',
      subject: m.subject ?? '',
      text: m.text ?? '',
      html: typeof m.html === 'string' ? m.html : '',
      headers: m.headers as Map<string, unknown>,
      raw: new Map(
        m.headerLines.map((h) => [
          h.key,
          h.line
            .slice(h.line.indexOf(':') + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim(),
        ]),
      ),
      messageId: m.messageId ?? '',
      alertId: String(m.headers.get('x-nianbao-alert') ?? ''),
    });
  }
  return out;
}

/** A settable clock for the runtime (expiries, leases, rate windows). */
export class TestClock {
  t = Date.parse('2026-11-24T02:00:00Z');
  now = () => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface AlertsWorld {
  rt: Runtime;
  app: ReturnType<typeof createApp>;
  clock: TestClock;
  dir: string;
  close(): Promise<void>;
}

/** An embedded runtime (dynalite, s3rver, SMTP sink) with BODIES, a test clock and the API app. */
export async function startAlertsWorld(
  env: Record<string, string> = {},
  o: Partial<RuntimeOptions> = {},
): Promise<AlertsWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'nianbao-alerts-'));
  const clock = new TestClock();
  const config = loadConfig({
    NIANBAO_DATA_DIR: dir,
    NIANBAO_HOST_DELAY_MS: '0',
    NIANBAO_PUBLIC_URL: 'https://alerts.example.org',
    ...env,
  });
  const rt = await startRuntime({ config, registry: BODIES, now: clock.now, ...o });
  const app = createApp(rt.ctx, {});
  return {
    rt,
    app,
    clock,
    dir,
    async close() {
      await rt.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The path and query of an absolute link, to request it from the in-process app. */
export const pathOf = (link: string): string => {
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
};
