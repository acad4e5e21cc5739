/**
 * The national report templates (docs/domain.md): 2019 (国办公开办函〔2019〕60号, reports for 2019–2020) and
 * its 2021 revision (国办公开办函〔2021〕30号, reports for 2021 on). Both have the same six sections and
 * three tables; they differ in Table 二's columns and in section 六 (fees under the 2021 template).
 */
export const TEMPLATE_SECTIONS = [
  { id: '一', name: '总体情况' },
  { id: '二', name: '主动公开政府信息情况' },
  { id: '三', name: '收到和处理政府信息公开申请情况' },
  { id: '四', name: '政府信息公开行政复议、行政诉讼情况' },
  { id: '五', name: '存在的主要问题及改进情况' },
  { id: '六', name: '其他需要报告的事项' },
] as const;

/** First report year under each template. */
export const TEMPLATE_2019_FROM = 2019;
export const TEMPLATE_2021_FROM = 2021;

/** Text that proves a table is present even when the parser could not read it into figures. */
export const TABLE_MARKERS: Record<'二' | '三' | '四', RegExp> = {
  二: /第二十条第\s*[(（]?[一1]\s*[)）]?\s*项|本年制发件数|本年新制作数量|现行有效件数/,
  三: /本年新收政府信息公开申请数量|本年新收.{0,6}申请/,
  四: /尚未审结|结果维持/,
};

/** Table 二 column headings only the 2019 试行 template has. */
export const TABLE2_2019_ONLY = /本年新制作数量|本年新公开数量|对外公开总数量|政府集中采购/;
/** Table 二 column headings of the 2021 template. */
export const TABLE2_2021 = /本年制发件数|本年废止件数|现行有效件数/;

/** Section 六 under the 2021 template must account for 信息处理费 (none charged is an answer too). */
export const FEE_STATEMENT = /处理费|收费|费用|收取/;
export const FEE_ELSEWHERE = /信息处理费/;
