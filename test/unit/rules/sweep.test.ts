import { describe, expect, it } from 'vitest';
import { sweepBody } from '#shared/rules/sweep.ts';
import { buildBody } from './build-report.ts';

const body = buildBody({ id: '360802', name: '吉州区人民政府', level: 'district', divisionCode: '360802' });
const base = {
  body,
  today: '2025-04-10',
  reports: [],
  health: { reachable: true },
  alreadyAlerted: new Set<string>(),
};

describe('sweepBody()', () => {
  it('reports a missing report once, with deadline, basis and regime as evidence', () => {
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
            { quote: body.listingUrl, where: 'listing page checked' },
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
});
