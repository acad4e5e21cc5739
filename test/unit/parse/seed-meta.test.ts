import { describe, expect, it } from 'vitest';
import { detailPageHtml } from '#seeds/portal/pages.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { parseReport } from '#shared/parse/parse-report.ts';
import { asReport, metaOf, registry, seedUrl } from './seed-helpers.ts';

/** The CMS metadata block and labelled footer lines of each seed page (ParsedReport.meta). */
const parsed = (key: '000' | '001' | '002' | '003' | '004'): ParsedReport =>
  asReport(parseReport({ html: detailPageHtml(key), url: seedUrl(key), registry }));

describe('parseReport() metadata entries of the seed detail pages', () => {
  it('000 吉州区: the info table, and the footer with its injected spam', () => {
    const report = parsed('000');
    const spam = '体育365网投_365bet365用址_365bet官网提现说维护';
    expect(metaOf(report)).toEqual([
      '索引号: D00000--2018-0026',
      '分类: 县市区',
      '责任部门: 吉州区政府办',
      '发文日期: 2018-02-10 10:43:19',
      '标题: 吉州区',
      '公开方式: 主动公开',
      '公开时限: 常年公开',
      '公开范围: 面向全社会',
      '有效性: 有效',
      '浏览: ',
      `主办: ${spam}人民政府办公室`,
      `承办: ${spam}大数据中心`,
      `地址: ${spam}城南行政中心`,
      'ICP备案编号: 赣ICP备11005266号-3',
      '政府网站标识码: 3608000051',
    ]);
  });

  it('001 靖远: 信息来源 请选择 and the 1970 index number, traditional script read as simplified', () => {
    const report = parsed('001');
    expect(metaOf(report)).toEqual([
      '索引号: 1162042101391301xj/1970-172822',
      '生成日期: 2017-01-06',
      '文号: ',
      '关键字: 公开,信息,政府,工作,情况',
      '所属机构: 靖远县融媒体中心',
      '发布机构: 靖远县融媒体中心',
      '信息来源: 请选择',
      '发布时间: 2017-01-06 19:37',
      '浏览次数: ',
      '主办: 靖远县人民政府办公室',
      '承办: 靖远县融媒体中心',
    ]);
    const source = report.meta.find((m) => m.label === '信息来源')!;
    expect(report.originalText.slice(source.start, source.end)).toBe('信息來(lái)源:請(qǐng)選擇');
    expect(report.originalText.slice(source.valueStart, source.valueEnd)).toBe('請(qǐng)選擇');
  });

  it('002 铁岭: 索引号, 发布机构, an empty 文号', () => {
    const report = parsed('002');
    expect(metaOf(report)).toEqual([
      '索引号: 001191446/ZW-00012',
      '主题分类: 综合政务',
      '发布机构: 铁岭市人民政府办公室',
      '文号: ',
      '标题: 铁岭市2017年度政府信息公开工作报告',
      '主办: 铁岭市人民政府办公室',
      '政府网站标识码: 2112000001',
    ]);
  });

  it('003 唐河: the table printed after the body, as the trailer', () => {
    const report = parsed('003');
    // 唐河 prints its metadata table after the body: it is the trailer, in page order, before the footer.
    expect(metaOf(report)).toEqual([
      '作者: ',
      '编审: 刘延哲',
      '时间: 2019-03-26 08:59:06',
      '来源: ',
      '索引号: ',
      '文号: ',
      '发布机构: 唐河县政府办公室',
      '发布日期: 2019-03-26 08:59:06',
      '公开范围: 面向社会',
      '公开方式: 主动公开',
      '有效性: 有效',
      '主办: 唐河县人民政府办公室',
      '承办: 唐河县电子政务办公室',
    ]);
    const issuer = report.meta.find((m) => m.label === '发布机构')!;
    expect(report.originalText.slice(issuer.start, issuer.end)).toBe('发布机构\t唐河县政府办公室');
    expect(issuer.start).toBeGreaterThan(report.signatureDate!.start);
  });

  it('004 榆次: the info line and the footer', () => {
    const report = parsed('004');
    expect(metaOf(report)).toEqual([
      '日期: 2012年03月14日',
      '来源: 本站原创',
      '点击数: ',
      '主办: 晋中市榆次区人民政府办公室',
    ]);
  });
});
