import type { Link } from '#seeds/portal/html.ts';
import type { SiteKey } from '#seeds/portal/sites.ts';

/**
 * Links a 年报 column really carries besides the report: work plans, notices, guides, budgets — and the hard
 * one, a notice ABOUT compiling the reports. None of them is any body's annual report, so a correct crawler
 * finds exactly one report per site.
 */
export const DECOYS: Record<SiteKey, Link[]> = {
  '000': [
    {
      title: '关于印发《吉州区2018年政务公开工作要点》的通知',
      href: '/zwgk/zfxxgknb/201803/t20180306_2451102.html',
      date: '2018-03-06',
    },
    {
      title: '关于做好2017年政府信息公开工作年度报告编制发布工作的通知',
      href: '/zwgk/zfxxgknb/201801/t20180108_2420931.html',
      date: '2018-01-08',
    },
    {
      title: '吉州区政府信息公开指南',
      href: '/zwgk/zfxxgknb/201712/t20171205_2398120.html',
      date: '2017-12-05',
    },
    {
      title: '兴桥镇2018年部门预算公开',
      href: '/zwgk/zfxxgknb/201802/t20180226_2440017.html',
      date: '2018-02-26',
    },
  ],
  '001': [
    {
      title: '靖远县人力资源和社会保障局2017年政务公开工作要点',
      href: '/art/2017/3/2/art_2134_470112.html',
      date: '2017-03-02',
    },
    {
      title: '关于做好2016年度政府信息公开工作年度报告编制发布工作的通知',
      href: '/art/2016/12/20/art_2134_455307.html',
      date: '2016-12-20',
    },
    {
      title: '靖远县人力资源和社会保障局政府信息公开指南',
      href: '/art/2016/5/11/art_2134_421876.html',
      date: '2016-05-11',
    },
  ],
  '002': [
    { title: '铁岭市2018年政务公开工作要点', href: '/content/post_1851190.html' },
    { title: '关于做好2017年政府信息公开工作年度报告编制发布工作的通知', href: '/content/post_1839514.html' },
    { title: '铁岭市人民政府信息公开指南', href: '/content/post_1802233.html' },
  ],
  '003': [
    {
      title: '唐河县人民政府办公室关于印发唐河县2019年政务公开工作要点的通知',
      href: '/gknb/201904/t20190402_1620331.html',
      date: '2019-04-02',
    },
    { title: '昝岗乡2019年部门预算', href: '/gknb/201903/t20190329_1618897.html', date: '2019-03-29' },
    { title: '唐河县政府信息公开指南', href: '/gknb/201903/t20190328_1618650.html', date: '2019-03-28' },
    {
      title: '关于做好2018年政府信息公开工作年度报告编制发布工作的通知',
      href: '/gknb/201901/t20190110_1601297.html',
      date: '2019-01-10',
    },
    {
      title: '唐河县2018年政务公开重点工作责任分工落实方案',
      href: '/gknb/201805/t20180515_1544120.html',
      date: '2018-05-15',
    },
  ],
  '004': [
    {
      title: '榆次区2012年政务公开工作要点',
      href: '/xxgknb/ShowArticle.asp?ArticleID=5231',
      date: '2012-03-28',
    },
    {
      title: '关于做好2011年政府信息公开工作年度报告编制发布工作的通知',
      href: '/xxgknb/ShowArticle.asp?ArticleID=5102',
      date: '2012-01-16',
    },
    { title: '榆次区政府信息公开指南', href: '/xxgknb/ShowArticle.asp?ArticleID=4870', date: '2011-09-02' },
    { title: '长凝镇2012年财政预算', href: '/xxgknb/ShowArticle.asp?ArticleID=5188', date: '2012-03-09' },
  ],
};

/** The paginated 唐河 listing shows its newest decoys on page 1; the report and older decoys on page 2. */
export const TANGHE_PAGE1_DECOYS = 3;

/** The short text every decoy page shows: enough to look like an article, nothing like a report. */
export function decoyText(title: string): string[] {
  return [
    `各乡镇人民政府、街道办事处,各有关单位:`,
    `现将《${title.replace(/^关于|的通知$/g, '')}》有关事项通知如下,请结合实际认真抓好落实。`,
    '特此通知。',
  ];
}
