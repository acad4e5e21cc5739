import { describe, expect, it } from 'vitest';
import type { Body } from '#shared/domain/body.ts';
import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport, ParseResult } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { runRules } from '#shared/rules/run-rules.ts';
import { buildBody, buildReport, context } from './build-report.ts';

/**
 * The adversarial tester's round 10: each input written in the layout it used (a 2023 report whose 总体情况
 * carries the sentence under test), the whole set of findings asserted.
 */
function asReport(r: ParseResult): ParsedReport {
  if (r.kind !== 'report') throw new Error(`expected a report: ${r.reason}`);
  return r;
}
const summary = (fs: Finding[]) => fs.map((f) => [f.rule, f.severity, f.evidence.map((e) => e.quote)]);

const czj = buildBody({ id: '360802-czj', name: '吉安市吉州区财政局', divisionCode: '360802' });
const swj = buildBody({ id: '360802-swj', name: '国家税务总局吉安市吉州区税务局', divisionCode: '360802' });
const ga = buildBody({ id: '360802-gaj', name: '吉安市公安局吉州分局', divisionCode: '360802' });
const wgj = buildBody({
  id: '360802-wgj',
  name: '吉安市吉州区文化广电新闻出版旅游局',
  divisionCode: '360802',
});

/**
 * The sentence as the 总体情况 paragraph of a report: parsed (so the parser's stated percentages are read as
 * on a real page), then checked as a bare report holding that text, so only the rules under test can fire.
 */
function check(sentence: string, body: Body = czj): Finding[] {
  const parsed = asReport(
    parseReport({
      text: `${body.name}2023年政府信息公开工作年度报告\n一、总体情况\n${sentence}\n二、主动公开政府信息情况\n按照条例要求,及时公开财政预决算、政府采购等信息,做到应公开尽公开,确保公开内容准确完整。\n三、收到和处理政府信息公开申请情况\n本年度依申请公开工作运行平稳,均在法定期限内答复。\n四、存在的主要问题及改进情况\n公开内容的深度和广度还需拓展,下一步将加强培训,提高信息发布质量和时效。`,
      url: 'http://www.jizhou.gov.cn/czj/t20240120_1.html',
    }),
  );
  const report = buildReport({
    text: parsed.text,
    originalText: parsed.originalText,
    figures: { percentages: parsed.figures.percentages },
  });
  return runRules(context(report, { body }));
}

describe('arith.sum: breakdowns by channel overlap (case 1)', () => {
  it('channels summing above the 主动公开 total: no finding', () => {
    expect(
      check(
        '全年主动公开政府信息1200条,其中通过政府网站发布1150条,通过政务微博发布320条,通过政务微信发布410条(同一信息在多个渠道发布的分别统计)。',
      ),
    ).toEqual([]);
  });

  it('kinds (not channels) summing above the total are still an error', () => {
    expect(summary(check('全年接待咨询250人次,其中现场咨询180人次,电话咨询90人次。'))).toEqual([
      ['arith.sum', 'error', ['250人次', '其中现场咨询180人次,电话咨询90人次']],
    ]);
  });
});

describe('arith.sum: 万 amounts and year-on-year changes (case 2)', () => {
  it('1.2万条 is 12000 and 较上年增加2000条 is no whole: no finding', () => {
    expect(
      check(
        '全年主动公开政府信息1.2万条,较上年增加2000条,其中政府网站公开8000条,政务微信公开2500条,政务微博公开1500条。',
      ),
    ).toEqual([]);
  });

  it('parts above a 万 total are an error against the total, not the change', () => {
    expect(
      summary(check('全年受理咨询1.2万人次,较上年增加2000人次,其中现场咨询8000人次,电话咨询6000人次。')),
    ).toEqual([['arith.sum', 'error', ['1.2万人次', '其中现场咨询8000人次,电话咨询6000人次']]]);
  });
});

describe('arith.sum: two breakdowns of one whole (case 3)', () => {
  it('by applicant, then (after ;) by channel: each adds up to 12, no finding', () => {
    expect(
      check(
        '全年共收到政府信息公开申请12件,其中自然人申请10件,法人或其他组织申请2件;网上申请8件,信函申请3件,当面申请1件。全年主动公开政府信息356条。',
      ),
    ).toEqual([]);
  });

  it('the second dimension written with commas only: still no finding', () => {
    expect(
      check(
        '全年共收到政府信息公开申请12件,其中自然人申请10件,法人或其他组织申请2件,网上申请8件,信函申请3件,当面申请1件。',
      ),
    ).toEqual([]);
  });

  it('the second breakdown over the total is checked on its own: an error', () => {
    expect(
      summary(
        check(
          '全年共收到政府信息公开申请12件,其中自然人申请10件,法人或其他组织申请2件;网上申请9件,信函申请4件,当面申请1件。',
        ),
      ),
    ).toEqual([
      [
        'arith.sum',
        'error',
        ['12件', '其中自然人申请10件,法人或其他组织申请2件;网上申请9件,信函申请4件,当面申请1件'],
      ],
    ]);
  });
});

describe('spam.injection: terms the report speaks of (cases 4–6)', () => {
  it('代开发票 in a tax bureau report is its own service', () => {
    expect(
      check(
        '2023年,我局在办税服务厅和电子税务局公开代开发票、税费申报等办税事项的办理流程和所需资料,全年主动公开政府信息356条。',
        swj,
      ),
    ).toEqual([]);
  });

  it('娱乐城 named in a penalty decision', () => {
    expect(
      check(
        '全年主动公开政府信息356条。公开行政处罚决定45件,其中对金海岸娱乐城超时经营、接纳未成年人等违规行为作出罚款处罚。',
        wgj,
      ),
    ).toEqual([]);
  });

  it('“六合彩” and 办证刻章/代开发票 adverts in crackdown notices', () => {
    expect(
      check(
        '全年主动公开政府信息356条,发布“六合彩”等非法赌博专项整治行动通告3期,公开城市“牛皮癣”(办证刻章、代开发票小广告)集中整治情况。',
        ga,
      ),
    ).toEqual([]);
  });

  it('代开发票 from a body outside tax work, in no enforcement context, is still an error', () => {
    expect(summary(check('全年主动公开政府信息356条,代开发票联系微信。'))).toEqual([
      ['spam.injection', 'error', ['代开发票']],
    ]);
  });

  it('a place name replaced by a gambling site is still an error', () => {
    expect(
      summary(
        check('澳門賭場_皇冠体育官网人民政府认真贯彻落实条例,全年主动公开政府信息356条,依法查处违法行为。'),
      ),
    ).toEqual([['spam.injection', 'error', ['澳門賭場_皇冠体育官网']]]);
  });
});

describe('arith.percent: bases (case 7) and rates after 其中 (case 8)', () => {
  it('a growth figure and a whole smaller than its part are never bases: no finding', () => {
    expect(
      check(
        '全年共收到政府信息公开申请12件,同比增长20%,其中自然人申请10件,占83.3%。全年主动公开政府信息356条,较上年增长12%,占全区各部门公开总量的8.5%。',
      ),
    ).toEqual([]);
  });

  it('按时办结率 after 其中 is read: 10/12 is not 100%, an error', () => {
    expect(summary(check('全年共办结政府信息公开申请12件,其中按时办结10件,按时办结率100%。'))).toEqual([
      ['arith.percent', 'error', ['按时办结10件,按时办结率100%', '12件']],
    ]);
  });

  it('the same rate stated right: no finding', () => {
    expect(check('全年共办结政府信息公开申请12件,其中按时办结12件,按时办结率100%。')).toEqual([]);
  });
});
