import { describe, expect, it } from 'vitest';
import type { Body } from '#shared/domain/body.ts';
import { renderAlertMail } from '#shared/mail/render.ts';

const body: Body = {
  id: '140702',
  name: '榆次区人民政府',
  level: 'district',
  divisionCode: '140702',
  parents: [
    { code: '14', name: '山西省' },
    { code: '1407', name: '晋中市' },
  ],
  listingUrl: 'http://www.yuci.gov.cn/xxgknb/',
  render: 'auto',
};

describe('renderAlertMail()', () => {
  it('gives a forwardable mail: who, which year, the rule, the quoted evidence, source and archive', () => {
    const mail = renderAlertMail(
      {
        alertId: 'arith.percent/140702/2011',
        rule: 'arith.percent',
        bodyId: '140702',
        year: 2011,
        audience: 'subscribers',
        createdAt: '2026-11-24T00:00:00.000Z',
        reportUrl: 'http://www.yuci.gov.cn/xxgknb/ShowArticle.asp?ArticleID=5196',
        rawKey: 'raw/140702/abc.html',
        finding: {
          rule: 'arith.percent',
          severity: 'error',
          message: { zh: '所述3.2%与57/2450=2.3%不符', en: 'Stated 3.2% but 57 of 2450 is 2.3%' },
          evidence: [
            {
              quote: '57条,占总数的3.2%',
              where: 'text',
              start: 10,
              end: 22,
              computation: '57 / 2450 = 2.3%',
            },
          ],
        },
      },
      body,
      { archiveBase: 's3://bucket' },
    );

    expect(mail.subject).toBe(
      '[nianbao-watch] 榆次区人民政府 2011年度报告: 所述3.2%与57/2450=2.3%不符 (arith.percent)',
    );
    expect(mail.text).toContain('机关 / Body: 榆次区人民政府 (140702) — 山西省 › 晋中市 › 榆次区人民政府');
    expect(mail.text).toContain(
      '  «57条,占总数的3.2%» @text:10-22\n    计算 / computation: 57 / 2450 = 2.3%',
    );
    expect(mail.text).toContain(
      '原文 / Source page: http://www.yuci.gov.cn/xxgknb/ShowArticle.asp?ArticleID=5196',
    );
    expect(mail.text).toContain('存档 / Archived copy: s3://bucket/raw/140702/abc.html');
    expect(mail.html).toContain('«57条,占总数的3.2%»');
    expect(mail.html).not.toContain('<script');
  });
});
