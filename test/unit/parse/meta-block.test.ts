import { describe, expect, it } from 'vitest';
import { metaHits } from '#shared/parse/meta-block.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { asReport, metaOf } from './seed-helpers.ts';

const pairs = (line: string) =>
  metaHits(line).map((h) => [h.label, line.slice(h.valueStart, h.valueEnd)] as const);

describe('metaHits()', () => {
  it('reads labels with colons, padded labels, colon-less table labels and empty values', () => {
    expect(pairs('索 引 号: | D00000--2018-0026 | 分 类: | 县市区 | |||')).toEqual([
      ['索引号', 'D00000--2018-0026'],
      ['分类', '县市区'],
    ]);
    expect(pairs('信息来源:请选择 发布时间:2017-01-06 19:37 浏览次数:')).toEqual([
      ['信息来源', '请选择'],
      ['发布时间', '2017-01-06 19:37'],
      ['浏览次数', ''],
    ]);
    expect(pairs('发布机构 唐河县政府办公室 发布日期 2019-03-26 08:59:06')).toEqual([
      ['发布机构', '唐河县政府办公室'],
      ['发布日期', '2019-03-26 08:59:06'],
    ]);
    expect(pairs('索 引 号 文 号')).toEqual([
      ['索引号', ''],
      ['文号', ''],
    ]);
  });

  it('stops a footer value at an unlabelled ICP number', () => {
    expect(pairs('主办:靖远县人民政府办公室 承办:靖远县融媒体中心 陇ICP备05001573号')).toEqual([
      ['主办', '靖远县人民政府办公室'],
      ['承办', '靖远县融媒体中心'],
    ]);
  });

  it('finds no label inside words or values, nor a generic word without its colon', () => {
    expect(pairs('上一篇:关于做好2016年度报告编制发布工作的通知')).toEqual([]);
    expect(pairs('您的位置: 首页 > 政务公开 > 政府信息公开年度报告')).toEqual([]);
    expect(pairs('时间 地址 来源 主办单位')).toEqual([]);
  });
});

const BODY = [
  '<h1>某县2019年政府信息公开工作年度报告</h1>',
  '<div class="content">',
  '<p>一、总体情况</p>',
  '<p>2019年,我县主动公开政府信息1200条,其中政策文件300条,占25%。全年收到政府信息公开申请12件,均已按时办结。</p>',
  '<p>二、主动公开政府信息情况</p><p>本年度依申请公开12件,行政复议1件,行政诉讼0件,工作稳步推进。</p>',
  '<p>三、收到和处理政府信息公开申请情况</p><p>本年度收到申请12件,予以公开10件,部分公开2件,均在法定期限内答复,未发生因答复引起的行政复议或诉讼。</p>',
  '<p>四、存在的主要问题及改进情况</p><p>公开内容还不够全面,解读回应还不够及时。下一步我县将继续加强培训,完善制度,提升公开质量和实效。</p>',
  '</div>',
].join('\n');

describe('parseReport() metadata block and footer', () => {
  it('keeps the info table as a header and the labelled footer lines as a trailer of originalText', () => {
    // Prepare
    const html = `<html><body><div class="nav">首页</div>
<table class="xxgk"><tr><td>索引号:</td><td>000000/1970-00001</td><td>发布机构:</td><td></td></tr>
<tr><td>信息来源:</td><td>请选择</td><td>发布日期:</td><td>2020-01-20</td></tr></table>
${BODY}
<div class="footer"><p>网站地图 | 联系我们</p><p>主办:某县人民政府办公室 地址:某县行政中心 某ICP备123号</p></div>
</body></html>`;
    // Act
    const report = asReport(parseReport({ html, url: 'http://www.mou.gov.cn/a/t20200120_1.html' }));
    // Assess
    expect(metaOf(report)).toEqual([
      '索引号: 000000/1970-00001',
      '发布机构: ',
      '信息来源: 请选择',
      '发布日期: 2020-01-20',
      '主办: 某县人民政府办公室',
      '地址: 某县行政中心',
    ]);
    expect(report.originalText.split('\n')[0]).toBe('索引号:\t000000/1970-00001\t发布机构:');
    expect(report.originalText.endsWith('\n主办:某县人民政府办公室 地址:某县行政中心 某ICP备123号')).toBe(
      true,
    );
    expect(report.originalText).not.toContain('网站地图');
    // The body is unchanged: title, sections and figures, with offsets past the header.
    expect(report.title).toBe('某县2019年政府信息公开工作年度报告');
    expect(report.text.startsWith('某县2019年政府信息公开工作年度报告\n一、总体情况')).toBe(true);
    expect(report.sections.map((s) => s.id)).toEqual(['一', '二', '三', '四']);
    expect(report.sections[0]!.start).toBeGreaterThan(report.meta[3]!.end);
    const active = report.figures.narrative.find((f) => f.key === 'active.total')!;
    expect(report.originalText.slice(active.start, active.end)).toBe('1200');
    expect(report.publishedAt).toMatchObject({ date: '2020-01-20', source: 'meta' });
    // The footer never joins the body, even without a 上一篇 line to stop at.
    expect(report.text).not.toContain('主办');
  });

  it('adds nothing around the body of a page without a metadata block or footer', () => {
    const report = asReport(
      parseReport({ html: `<html><body>${BODY}</body></html>`, url: 'file:///a.html' }),
    );
    expect(report.meta).toEqual([]);
    expect(report.originalText.startsWith('某县2019年政府信息公开工作年度报告\n一、总体情况')).toBe(true);
    expect(report.originalText).toBe(report.text);
  });
});
