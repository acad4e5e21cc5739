import { Document, Packer, Paragraph, TextRun } from 'docx';
import { minimalPdf } from '#test/unit/parse/minimal-pdf.ts';

/**
 * A 政府信息公开工作年度报告 as bodies write them on the 2019/2021 template: title, the statistics period,
 * the six sections 一、总体情况 … 六、其他需要报告的事项 with the figures in their sentences, the signature and
 * its date. Figures vary with the year so that two years of one body are not copies of each other.
 */
export interface ReportSpec {
  /** The issuer as it titles its reports: `吉州区人民政府`. */
  org: string;
  year: number;
}

export const reportTitle = ({ org, year }: ReportSpec): string => `${org}${year}年政府信息公开工作年度报告`;

/** The page date such a report carries: 20 January of the following year. */
export const reportDate = ({ year }: ReportSpec): string => `${year + 1}-01-20`;

export function reportLines(spec: ReportSpec): string[] {
  const { org, year } = spec;
  const seed = year % 100;
  const active = 3000 + seed * 37;
  const received = 20 + (seed % 9);
  const open = received - 6;
  const office = `${org}办公室`;
  return [
    reportTitle(spec),
    `本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定，由${office}编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告中所列数据的统计期限自${year}年1月1日起至${year}年12月31日止。`,
    '一、总体情况',
    `${year}年，${org}深入贯彻落实《条例》和上级关于政务公开工作的部署，全年主动公开政府信息${active}条，其中政策文件${40 + seed}件；收到政府信息公开申请${received}件，均在法定期限内答复。`,
    '（一）主动公开。围绕重大决策部署、财政预决算、重点领域信息，及时发布政策解读和回应社会关切。',
    '（二）依申请公开。规范受理、登记、审核、答复流程，依法保障申请人的知情权。',
    '（三）政府信息管理。落实公开属性源头认定和保密审查制度，动态更新政府信息公开目录。',
    '（四）平台建设。政府网站信息公开专栏运行平稳，政务新媒体同步发布。',
    '（五）监督保障。将政务公开纳入年度绩效考核，组织业务培训2次。',
    '二、主动公开政府信息情况',
    `本年制发行政规范性文件${3 + (seed % 4)}件，现行有效件数${30 + seed}件；行政许可本年处理决定数量${1200 + seed * 11}件；行政处罚本年处理决定数量${300 + seed * 5}件。`,
    '三、收到和处理政府信息公开申请情况',
    `本年新收政府信息公开申请${received}件，上年结转0件。办理结果：予以公开${open}件，部分公开2件，不予公开1件，无法提供2件，不予处理1件，其他处理0件，总计${received}件；结转下年度继续办理0件。`,
    '四、政府信息公开行政复议、行政诉讼情况',
    `${year}年因政府信息公开引发行政复议1件，结果维持1件；行政诉讼0件。`,
    '五、存在的主要问题及改进情况',
    '（一）存在的主要问题。政策解读形式较为单一，部分基层单位信息更新不够及时。',
    '（二）改进情况。丰富图解、视频等解读形式，加强对基层单位的业务指导和督促检查。',
    '六、其他需要报告的事项',
    '本年度未收取信息处理费。按照《政府信息公开信息处理费管理办法》规定，本机关未发出收费通知。',
    office,
    `${year + 1}年1月20日`,
  ];
}

/** A DOCX of the report (the `docx` package), as portals attach them. */
export async function reportDocx(spec: ReportSpec): Promise<Uint8Array> {
  const doc = new Document({
    sections: [
      { children: reportLines(spec).map((line) => new Paragraph({ children: [new TextRun(line)] })) },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** A PDF of the report whose text layer the parser reads (CJK through a ToUnicode map, test/unit/parse). */
export function reportPdf(spec: ReportSpec): Uint8Array {
  // One long paragraph per PDF line would run off the page; the text layer does not care, but keep lines short.
  return minimalPdf(reportLines(spec).flatMap((line) => line.match(/.{1,60}/gu) ?? []));
}
