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

/** The report text, and the quote the evidence of `seedEvidenceReport`'s finding points at. */
export const EVIDENCE_TEXT =
  '吉州区人民政府2025年政府信息公开工作年度报告\n本年度共收到政府信息公开申请57件,办结60件。';
export const EVIDENCE_QUOTE = '收到政府信息公开申请57件,办结60件';
const EVIDENCE_URL = 'http://www.jzq.gov.cn/zwgk/zfxxgknb/202601/t20260120_1.html';

/** The provenance of a page of 360802 fetched from EVIDENCE_URL (`bodyId` another body's, when given). */
export const evidenceMeta = (bodyId = '360802') => ({
  bodyId,
  kind: 'detail' as const,
  url: EVIDENCE_URL,
  finalUrl: EVIDENCE_URL,
  fetchedAt: '2026-11-23T02:00:05.000Z',
  status: 200,
  headers: {},
  contentType: 'text/html; charset=utf-8',
  charset: 'utf-8',
});

/**
 * 360802's 2025 report archived from `page` (with EVIDENCE_TEXT as its parsed text), recorded with an
 * arith.sum finding quoting EVIDENCE_QUOTE (then `more(it)`, after it) and that finding's subscriber alert
 * `arith.sum/360802/2025`: what the evidence page of `360802:2025:arith.sum:0` shows.
 */
export async function seedEvidenceReport(
  w: AlertsWorld,
  page: Uint8Array,
  more: (found: Finding) => Finding[] = () => [],
): Promise<{ rawKey: string; sha256: string; finding: Finding }> {
  const put = await w.rt.ctx.archive.put(page, 'html', evidenceMeta());
  const start = EVIDENCE_TEXT.indexOf(EVIDENCE_QUOTE);
  const found: Finding = {
    rule: 'arith.sum',
    severity: 'error',
    message: { zh: '办结数60件多于收到的57件', en: '60 concluded but only 57 received' },
    evidence: [
      {
        quote: EVIDENCE_QUOTE,
        where: 'text',
        start,
        end: start + EVIDENCE_QUOTE.length,
        computation: '60 > 57',
      },
    ],
  };
  const parsedKey = await w.rt.ctx.archive.putParsed('360802', put.sha256, { originalText: EVIDENCE_TEXT });
  await w.rt.ctx.repo.recordReport({
    bodyId: '360802',
    year: 2025,
    title: '吉州区人民政府2025年政府信息公开工作年度报告',
    url: EVIDENCE_URL,
    host: 'www.jzq.gov.cn',
    sha256: put.sha256,
    rawKey: put.key,
    parsedKey,
    publishedAt: '2026-01-20',
    publishedAtSource: 'page',
    firstSeen: '2026-11-23T02:00:05.000Z',
    versionSeen: '2026-11-23T02:00:05.000Z',
    deadline: '2026-03-31',
    timeliness: 'on-time',
    format: 'html',
    findings: [found, ...more(found)],
    revisions: 1,
  });
  await w.rt.ctx.repo.recordAlert({
    alertId: 'arith.sum/360802/2025',
    rule: 'arith.sum',
    bodyId: '360802',
    year: 2025,
    audience: 'subscribers',
    createdAt: '2026-11-23T03:00:00.000Z',
    finding: found,
    reportUrl: EVIDENCE_URL,
    rawKey: put.key,
  });
  return { rawKey: put.key, sha256: put.sha256, finding: found };
}
