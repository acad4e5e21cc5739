import { describe, expect, it } from 'vitest';
import { sweepBody } from '#shared/rules/sweep.ts';
import type { CheckSummary } from '#shared/store/records.ts';
import { buildBody } from './build-report.ts';

const body = buildBody({ id: '360802', name: '吉州区人民政府', level: 'district', divisionCode: '360802' });
/** A check that read the listing's two pages to the end (2024 is absent; 2023 and 2022 are listed). */
const proof: CheckSummary = {
  at: '2025-04-10T01:00:00.000Z',
  complete: true,
  reachedEnd: true,
  oldestYear: 2022,
  newestYear: 2023,
  unread: [],
  unsettledYears: [],
  unsettledUnknown: 0,
  pages: [
    {
      url: 'http://www.jzq.gov.cn/xxgk/ndbg/index.html',
      at: '2025-04-10T01:00:01.000Z',
      status: 200,
      sha256: 'a'.repeat(64),
      rendered: false,
      years: [2023],
    },
    {
      url: 'http://www.jzq.gov.cn/xxgk/ndbg/index_1.html',
      at: '2025-04-10T01:00:02.000Z',
      status: 200,
      sha256: 'b'.repeat(64),
      rendered: false,
      years: [2022],
    },
  ],
};
const base = {
  body,
  today: '2025-04-10',
  reports: [],
  health: { reachable: true },
  proof,
  alreadyAlerted: new Set<string>(),
};

describe('sweepBody()', () => {
  it('reports a missing report once, with deadline, basis and the listing pages read as its proof', () => {
    // Act
    const result = sweepBody(base);
    // Assess
    expect(result.years.map((y) => [y.year, y.status])).toEqual([[2024, 'missing']]);
    expect(result.alerts).toEqual([
      {
        alertId: 'deadline.missing/360802/2024',
        audience: 'subscribers',
        finding: {
          rule: 'deadline.missing',
          severity: 'error',
          message: {
            zh: '截至2025-04-10,未在吉州区人民政府门户网站找到其2024年度政府信息公开工作年度报告(期限2025-03-31)',
            en: 'As of 2025-04-10, no 2024 annual report by 吉州区人民政府 was found on its portal (deadline 2025-03-31)',
          },
          evidence: [
            {
              quote: '《政府信息公开条例》(2019) 第四十九条第二款',
              where: 'legal basis',
              computation: 'deadline 2025-03-31 (2019 rules)',
            },
            {
              quote: 'listing read to its last page (2 page(s); report years seen 2022–2023)',
              where: 'check log',
              computation: 'check 2025-04-10T01:00:00.000Z',
            },
            {
              quote: 'http://www.jzq.gov.cn/xxgk/ndbg/index.html',
              where: 'listing page read',
              computation: `read 2025-04-10T01:00:01.000Z; HTTP 200; snapshot sha256 ${'a'.repeat(64)}; years listed 2023`,
            },
            {
              quote: 'http://www.jzq.gov.cn/xxgk/ndbg/index_1.html',
              where: 'listing page read',
              computation: `read 2025-04-10T01:00:02.000Z; HTTP 200; snapshot sha256 ${'b'.repeat(64)}; years listed 2022`,
            },
          ],
        },
      },
    ]);
    expect(sweepBody({ ...base, alreadyAlerted: new Set(['deadline.missing/360802/2024']) }).alerts).toEqual(
      [],
    );
  });

  it('never calls an unreadable portal missing: unreachable, told to admins', () => {
    const result = sweepBody({ ...base, health: { reachable: false, lastErrorClass: 'blocked' } });
    expect(result.years.map((y) => y.status)).toEqual(['unreachable']);
    expect(result.alerts.map((a) => [a.alertId, a.audience, a.finding.rule])).toEqual([
      ['portal.unreachable/360802/2024', 'admins', 'portal.unreachable'],
    ]);
  });

  it('classifies found reports by the first copy’s page date', () => {
    const years = (reports: Array<{ year: number; publishedAt: string | null }>) =>
      sweepBody({ ...base, reports }).years.map((y) => y.status);
    expect(years([{ year: 2024, publishedAt: '2025-03-31' }])).toEqual(['on-time']);
    expect(
      years([
        { year: 2024, publishedAt: '2025-04-02' },
        { year: 2024, publishedAt: '2025-03-01' },
      ]),
    ).toEqual(['on-time']);
    expect(years([{ year: 2024, publishedAt: '2025-04-01' }])).toEqual(['late']);
    expect(years([{ year: 2024, publishedAt: null }])).toEqual(['undated']);
    expect(sweepBody({ ...base, reports: [{ year: 2024, publishedAt: '2025-04-01' }] }).alerts).toEqual([]);
  });

  it('follows a missing alert up once when the report turns up late, and retracts it when on time', () => {
    const alerted = new Set(['deadline.missing/360802/2024']);
    const lateRun = sweepBody({
      ...base,
      alreadyAlerted: alerted,
      reports: [{ year: 2024, publishedAt: '2025-04-05' }],
    });
    expect(lateRun.alerts.map((a) => [a.alertId, a.finding.severity])).toEqual([
      ['deadline.published-late/360802/2024', 'warning'],
    ]);
    const again = new Set([...alerted, 'deadline.published-late/360802/2024']);
    expect(
      sweepBody({ ...base, alreadyAlerted: again, reports: [{ year: 2024, publishedAt: '2025-04-05' }] })
        .alerts,
    ).toEqual([]);
    const onTime = sweepBody({
      ...base,
      alreadyAlerted: alerted,
      reports: [{ year: 2024, publishedAt: '2025-03-20' }],
    });
    expect(onTime.alerts.map((a) => a.alertId)).toEqual(['deadline.retracted/360802/2024']);
  });

  it('marks a township deadline without a local rule as unverified (warning)', () => {
    const township = buildBody({
      id: '360802001',
      name: '某街道办事处',
      level: 'township',
      divisionCode: '360802001',
    });
    const [alert] = sweepBody({ ...base, body: township }).alerts;
    expect(alert?.finding.severity).toBe('warning');
    expect(alert?.finding.evidence[0]?.computation).toContain('unverified');
  });

  it('calls a year inconclusive, and tells only the admins, when the listing was not read completely', () => {
    const cases: Array<[string, CheckSummary, string]> = [
      ['never checked', undefined as unknown as CheckSummary, 'the listing has never been checked'],
      [
        'script pagination',
        { ...proof, complete: false, reachedEnd: false, unread: ['index.html: script pagination goPage()'] },
        'not read: index.html: script pagination goPage()',
      ],
      [
        'a failed candidate for the year',
        { ...proof, unsettledYears: [2024] },
        'a candidate link for 2024 failed or is not parsed yet',
      ],
      [
        'a failed candidate naming no year',
        { ...proof, unsettledUnknown: 1 },
        '1 candidate link(s) naming no year failed or are not parsed yet',
      ],
      [
        'a listing with no report at all',
        {
          ...proof,
          oldestYear: null,
          newestYear: null,
          pages: proof.pages.map((p) => ({ ...p, years: [] })),
        },
        'the listing shows no annual report at all (moved, redirected, or built in a way not read)',
      ],
      [
        'a year the text names with no recognised link',
        { ...proof, pages: [{ ...proof.pages[0]!, namedYears: [2024] }, proof.pages[1]!] },
        'the text of http://www.jzq.gov.cn/xxgk/ndbg/index.html names a 2024 report that no recognised link carries',
      ],
      [
        'a walk that stopped before the year',
        { ...proof, reachedEnd: false, oldestYear: 2024 },
        'the walk stopped before reaching 2024 or older years',
      ],
    ];
    for (const [, summary, reason] of cases) {
      const result = sweepBody({ ...base, proof: summary });
      expect(result.years).toEqual([
        {
          year: 2024,
          status: 'inconclusive',
          deadline: expect.objectContaining({ date: '2025-03-31' }),
          publishedAt: null,
          reasons: [reason],
        },
      ]);
      expect(result.alerts.map((a) => [a.alertId, a.audience, a.finding.evidence[0]?.quote])).toEqual([
        ['listing.inconclusive/360802/2024', 'admins', reason],
      ]);
    }
  });

  it('accepts a walk that stopped early once it reached years older than the one in question', () => {
    const result = sweepBody({ ...base, proof: { ...proof, reachedEnd: false, oldestYear: 2022 } });
    expect(result.years.map((y) => y.status)).toEqual(['missing']);
  });
});
