/**
 * Separates the report from portal chrome at the level of lines, so HTML pages and scraped text are
 * handled alike: metadata tables (索引号 | 发文日期 …), breadcrumbs, "作者/来源/点击数" bars before the
 * body; footers (主办/ICP/公网安备), 主题词 tables and prev/next links after it.
 */

export interface Line {
  start: number;
  end: number;
  text: string;
}

export interface Trimmed {
  /** Kept line ranges in the given text, in order. */
  ranges: Array<[number, number]>;
  /** Text before the body (and chrome lines dropped at its top): where page metadata lives. */
  head: string;
  /** Text after the body. */
  tail: string;
  /** The lines `head` and `tail` are made of, in `text` coordinates: where metadata and footer lines are. */
  headLines: Line[];
  tailLines: Line[];
}

const LABEL =
  /(索\s*引\s*号|分\s*类\s*[:|]|发文日期|发布日期|生成日期|发布时间|成文日期|责任部门|标\s*题\s*[:|]|公开方式|公开时限|公开范围|有\s*效\s*性|浏览(次数)?\s*[:|]|关\s*键\s*字|所属机构|发布机构|信息来源|文\s*号\s*[:|]|作\s*者\s*[:：]|来\s*源\s*[:：]|点击数|点击浏览|阅读次数|访问量|您的位置|当前位置|字号\s*[:：]|【\s*[大中小]\s*】|^首页$|^>$|导航)/;
const FOOTER =
  /^(主办|承办|协办|主管|技术支持|版权所有|copyright|©|.{0,8}icp备|.{0,8}ICP证|政府网站标识码|网站标识码|.{0,6}公网安备|网站地图|联系我们|主题词\s*[:：]|上一篇|下一篇|【?\s*打印|关闭窗口|分享到|扫一扫|相关链接|相关文章|相关阅读|责任编辑)/i;
const TITLE = /(19|20)\d{2}\s*年.*(报告|年报)\s*$/;
const ISSUER_LINE =
  /^[\p{Script=Han}()（）]{2,30}(人民政府|政府|办公室|办公厅|局|委员会|管委会|委|厅|中心|院|区|县|市|旗|镇|乡|街道|街道办事处|实验区|试验区)$/u;
const HEADING = /^[一二三四五六七八九十]{1,3}、/;

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    lines.push({ start, end, text: text.slice(start, end) });
    if (nl < 0) return lines;
    start = nl + 1;
  }
}

const isPipes = (s: string): boolean => /^[|\s]*$/.test(s);
// Chrome lines are short; a long paragraph that mentions 发布时间 or 来源: is still text.
const isLabel = (s: string): boolean => s.length <= 160 && LABEL.test(s);
const isTitle = (s: string): boolean => s.length <= 90 && TITLE.test(s) && !/[。;；]/.test(s) && !isLabel(s);
const isContent = (s: string): boolean =>
  !isLabel(s) && (HEADING.test(s) || (s.length >= 30 && /[。，,；;]/.test(s)));

/** `bodyEnd`: an offset the body never reaches (where the HTML footer starts). */
export function trimChrome(text: string, bodyEnd = text.length): Trimmed {
  const lines = splitLines(text);
  const limit = lines.findIndex((l) => l.start >= bodyEnd);
  const stop = limit < 0 ? lines.length : limit;
  let first = lines.findIndex((l, i) => i < stop && isContent(l.text));
  if (first < 0) first = lines.findIndex((l, i) => i < stop && isTitle(l.text));
  if (first < 0) return { ranges: [], head: text, tail: '', headLines: lines, tailLines: [] };
  let start = first;
  for (let i = first; i >= 0 && i >= first - 15; i--) {
    if (isTitle(lines[i]!.text)) {
      start = i;
      break;
    }
  }
  // A title printed over two lines ("XX综合实验区" / "2013年政府信息公开工作年度报告"): the issuer line belongs to it.
  const above = lines[start - 1];
  if (
    above &&
    isTitle(lines[start]!.text) &&
    /^\s*(19|20)\d{2}\s*年/.test(lines[start]!.text) &&
    ISSUER_LINE.test(above.text.trim())
  )
    start -= 1;
  let end = stop;
  for (let i = first + 1; i < stop; i++) {
    if (FOOTER.test(lines[i]!.text.trim())) {
      end = i;
      break;
    }
  }
  const ranges: Array<[number, number]> = [];
  for (let i = start; i < end; i++) {
    const l = lines[i]!;
    if (isPipes(l.text)) continue;
    if (i < first && isLabel(l.text)) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] + 1 === l.start) last[1] = l.end;
    else ranges.push([l.start, l.end]);
  }
  const droppedHead = lines.slice(start, first).filter((l) => isLabel(l.text));
  const head = [text.slice(0, lines[start]!.start), ...droppedHead.map((l) => l.text)].join('\n');
  const tail = end < lines.length ? text.slice(lines[end]!.start) : '';
  return {
    ranges,
    head,
    tail,
    headLines: [...lines.slice(0, start), ...droppedHead],
    tailLines: lines.slice(end),
  };
}
