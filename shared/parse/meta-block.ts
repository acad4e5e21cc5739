/**
 * The CMS metadata block of a detail page (索引号 | 发布机构 | 信息来源 | 生成日期 … before the body, or
 * after it on some CMSs) and the footer's 主办/承办/地址 lines, read as label/value pairs. The block is
 * evidence: a value left at its CMS default (信息来源 请选择), a 1970 index number, spam injected into the
 * footer. Works on one normalised line (simplified, noise removed), so `索??引??號(hào)` reads as 索引号.
 */

export interface MetaHit {
  /** Canonical label, white space removed: `索引号`. */
  label: string;
  /** Offsets in the line. `valueStart === valueEnd` for an empty value. */
  labelStart: number;
  valueStart: number;
  valueEnd: number;
}

/** Labels specific enough to stand without a colon (唐河's table: `发布机构 唐河县政府办公室`). */
const STRONG = [
  '索引号',
  '主题分类',
  '发布机构',
  '所属机构',
  '责任部门',
  '发布日期',
  '发文日期',
  '生成日期',
  '成文日期',
  '发布时间',
  '公开范围',
  '公开方式',
  '公开时限',
  '有效性',
  '信息来源',
  '关键字',
  '关键词',
  '文号',
];
/** Short or generic words: a label only when a colon follows. */
const WITH_COLON = [
  'ICP备案编号',
  '政府网站标识码',
  '网站标识码',
  '浏览次数',
  '阅读次数',
  '点击数',
  '技术支持',
  '联系电话',
  '分类',
  '标题',
  '作者',
  '编审',
  '来源',
  '时间',
  '日期',
  '浏览',
  '主办',
  '承办',
  '协办',
  '主管',
  '地址',
];

// `文       号` and `索 引 号`: CMSs pad labels to a width with spaces.
const spaced = (label: string): string => [...label].join('\\s*');
const byLength = (a: string, b: string): number => b.length - a.length;
const LABEL = new RegExp(
  `(?<=^|[\\s|])(?:(${[...STRONG].sort(byLength).map(spaced).join('|')})\\s*(?:[:：]|(?=[\\s|]|$))|(${[...WITH_COLON].sort(byLength).map(spaced).join('|')})\\s*[:：])`,
  'g',
);
/** A value stops at a table cell border or an unlabelled ICP licence number (`陇ICP备05001573号`). */
const VALUE_STOP = /\s*\||\s+\S{0,6}ICP[备证]/;

export function metaHits(line: string): MetaHit[] {
  const labels = [...line.matchAll(LABEL)];
  const hits: MetaHit[] = [];
  for (let i = 0; i < labels.length; i++) {
    const m = labels[i]!;
    const raw = m[1] ?? m[2] ?? '';
    const next = labels[i + 1]?.index ?? line.length;
    let valueStart = m.index + m[0].length;
    while (valueStart < next && /[\s|:：]/.test(line[valueStart]!)) valueStart++;
    let valueEnd = next;
    const stop = VALUE_STOP.exec(line.slice(valueStart, next));
    if (stop) valueEnd = valueStart + stop.index;
    while (valueEnd > valueStart && /[\s|]/.test(line[valueEnd - 1]!)) valueEnd--;
    hits.push({ label: raw.replace(/\s+/g, ''), labelStart: m.index, valueStart, valueEnd });
  }
  return hits;
}
