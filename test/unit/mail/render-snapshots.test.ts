import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceUrl } from '#shared/alerts/evidence-url.ts';
import type { RecipientLinks } from '#shared/alerts/links.ts';
import type { Body } from '#shared/domain/body.ts';
import type { Finding } from '#shared/domain/finding.ts';
import { renderAlertMail, SUBJECT_MAX } from '#shared/mail/render.ts';
import { renderDigestMail } from '#shared/mail/render-digest.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { sweepBody } from '#shared/rules/sweep.ts';
import { groupByRule } from '#shared/stages/raise-findings.ts';
import type { AlertRecord, CheckSummary } from '#shared/store/records.ts';
import { loadSeedReport, seedBody } from '../rules/seed-reports.ts';

const BASE = 'https://alerts.example.org';
const JIZHOU: Body = {
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
};
const LINKS: RecipientLinks = {
  unsubscribeAll: `${BASE}/unsubscribe?t=ALL.sig`,
  unsubscribeScope: [{ scope: '3608', url: `${BASE}/unsubscribe?t=3608.sig` }],
  manage: `${BASE}/alerts/manage?t=manage.sig`,
};
const scopeName = (s: string) => ({ '3608': '江西省 › 吉安市' })[s] ?? s;

/** The latest check of 吉州区's listing: two pages read to the end, 2019–2024 listed, no 2025. */
const CHECK: CheckSummary = {
  at: '2026-11-23T02:00:00.000Z',
  complete: true,
  reachedEnd: true,
  oldestYear: 2019,
  newestYear: 2024,
  unread: [],
  unsettledYears: [],
  unsettledUnknown: 0,
  pages: [
    {
      url: 'http://www.jzq.gov.cn/zwgk/zfxxgknb/index.html',
      at: '2026-11-23T02:00:01.000Z',
      status: 200,
      sha256: 'a'.repeat(64),
      rendered: false,
      years: [2024, 2023, 2022],
    },
    {
      url: 'http://www.jzq.gov.cn/zwgk/zfxxgknb/index_1.html',
      at: '2026-11-23T02:00:03.000Z',
      status: 200,
      sha256: 'b'.repeat(64),
      rendered: false,
      years: [2021, 2020, 2019],
    },
  ],
};

const record = (
  alertId: string,
  bodyId: string,
  year: number,
  audience: AlertRecord['audience'],
  finding: Finding,
) => ({
  alertId,
  rule: finding.rule,
  bodyId,
  year,
  audience,
  createdAt: '2026-11-24T00:00:00.000Z',
  finding,
});

function sweep(reachable: boolean, proof: CheckSummary) {
  return sweepBody({
    body: JIZHOU,
    today: '2026-11-24',
    reports: [2019, 2020, 2021, 2022, 2023, 2024].map((year) => ({ year, publishedAt: `${year + 1}-01-20` })),
    health: { reachable },
    proof,
    alreadyAlerted: new Set(),
  });
}

describe('rendered mails (snapshots)', () => {
  let seed004: Finding[];
  beforeAll(async () => {
    const report = await loadSeedReport('004');
    seed004 = groupByRule(runRules({ report, body: seedBody('004'), previous: [], today: '2025-06-01' }));
  });

  it('deadline.missing, with its proof of absence', () => {
    const decision = sweep(true, CHECK).alerts.find((a) => a.finding.rule === 'deadline.missing');
    expect(decision).toBeDefined();
    const alert = record(decision!.alertId, '360802', 2025, 'subscribers', decision!.finding);
    const mail = renderAlertMail(alert, JIZHOU, {
      links: LINKS,
      scopeName,
      evidenceUrl: evidenceUrl(BASE, alert),
    });
    expect(mail.subject).toContain('吉州区人民政府 2025年度报告');
    expect(mail.text).toContain('第四十九条');
    expect(mail.text).toContain('index_1.html');
    expect(mail.text).toContain(`${BASE}/evidence/360802:2025:deadline.missing:0#q1`);
    expect(mail).toMatchSnapshot();
  });

  it('an anomaly on seed 004 (two wrong percentages), quotes highlighted, arithmetic shown', () => {
    const finding = seed004.find((f) => f.rule === 'arith.percent');
    expect(finding?.evidence.length).toBeGreaterThanOrEqual(2);
    const body = {
      ...seedBody('004'),
      parents: [
        { code: '14', name: '山西省' },
        { code: '1407', name: '晋中市' },
      ],
    };
    const alert = {
      ...record('arith.percent/140702/2011', '140702', 2011, 'subscribers', finding!),
      reportUrl: 'http://www.yuci.gov.cn/xxgknb/201203/t20120314_1.html',
    };
    const mail = renderAlertMail(alert, body, {
      links: LINKS,
      scopeName,
      evidenceUrl: evidenceUrl(BASE, alert),
    });
    expect(mail.html).toContain('<mark');
    expect(mail.html).not.toMatch(/<pre/);
    expect(mail.text).toContain('原文 Source page:http://www.yuci.gov.cn/xxgknb/201203/t20120314_1.html');
    expect(mail).toMatchSnapshot();
  });

  it('an admin alert (listing.inconclusive): worded for the admin, no subscriber links', () => {
    const decision = sweep(true, {
      ...CHECK,
      unread: ['frame http://www.jzq.gov.cn/list.jsp'],
      complete: false,
    }).alerts.find((a) => a.audience === 'admins');
    expect(decision).toBeDefined();
    const alert = record(decision!.alertId, '360802', 2025, 'admins', decision!.finding);
    const mail = renderAlertMail(alert, JIZHOU, {});
    expect(mail.subject).toMatch(/^\[nianbao-watch 管理\]/);
    expect(mail.text).toContain('管理员');
    expect(mail.text).not.toMatch(/subscribed to this jurisdiction|退订|unsubscribe/i);
    expect(mail).toMatchSnapshot();
  });

  it('a daily digest: findings grouped by jurisdiction, then body; an empty digest is refused', () => {
    const missing = sweep(true, CHECK).alerts.find((a) => a.finding.rule === 'deadline.missing');
    const percent = seed004.find((f) => f.rule === 'arith.percent');
    const yuci = {
      ...seedBody('004'),
      parents: [
        { code: '14', name: '山西省' },
        { code: '1407', name: '晋中市' },
      ],
    };
    const a1 = record(missing!.alertId, '360802', 2025, 'subscribers', missing!.finding);
    const a2 = record('arith.percent/140702/2011', '140702', 2011, 'subscribers', percent!);
    const mail = renderDigestMail(
      '2026-11-24',
      [
        { alert: a2, body: yuci, evidenceUrl: evidenceUrl(BASE, a2) },
        { alert: a1, body: JIZHOU, evidenceUrl: evidenceUrl(BASE, a1) },
      ],
      LINKS,
      scopeName,
    );
    expect(mail.text.indexOf('【山西省 › 晋中市】')).toBeGreaterThan(
      mail.text.indexOf('【江西省 › 吉安市】'),
    );
    expect(mail).toMatchSnapshot();
    expect(() => renderDigestMail('2026-11-24', [], LINKS)).toThrow(/at least one/);
  });

  it('bounds a hostile subject and escapes hostile text in the HTML part', () => {
    const hostile: Finding = {
      rule: 'placeholder.unfilled',
      severity: 'warning',
      message: { zh: `表格标签${'很长'.repeat(3000)}`, en: 'x'.repeat(6000) },
      evidence: [{ quote: '<script>alert(1)</script><img src=x onerror=alert(2)>', where: 'text' }],
    };
    const body = { ...JIZHOU, name: `吉州区\r\nBcc: evil@example.net${'名'.repeat(500)}` };
    const mail = renderAlertMail(
      record('placeholder.unfilled/360802/2025', '360802', 2025, 'subscribers', hostile),
      body,
      {
        links: LINKS,
      },
    );
    expect(mail.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script&gt;');
  });
});
