import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { finding } from './findings.ts';
import { type Count, count, isChange, NUM, UNIT } from './percent-bases.ts';
import { quoteView, type TextView, viewOf } from './text-view.ts';
import type { RuleInfo } from './types.ts';

/**
 * Sums written in sentences (issue 10, item 9; evaluators check them by hand): "接待咨询250人次,其中现场咨询
 * 180人次,电话咨询90人次" (270 ≠ 250). The whole is any count of the clause the 其中 hangs from (several may be
 * named: "共公开2450条,网络公开2198条。其中:…"); the parts are the counts of the same unit listed after 其中 up
 * to the end of the sentence, stopping at a nested 其中 or 分别. Parts adding up to more than every whole is an
 * error: no reading makes it right. Less is a warning only: a 其中 list need not name every kind.
 */
export function sentenceSums(rule: RuleInfo, report: ParsedReport): Finding[] {
  const view = viewOf(report);
  const text = view.text;
  const out: Finding[] = [];
  for (const m of text.matchAll(/其中[:,]?/g)) {
    const k = m.index;
    const wholes = headCounts(text, k);
    if (wholes.length === 0) continue;
    const values = wholes.map((w) => w.value);
    for (const { parts, clean } of breakdowns(text, k + m[0].length, wholes[0]!.unit, values)) {
      if (parts.length < 2) continue;
      // Channels (政府网站, 政务微博, 政务微信…) overlap: one item is published on several, so their sum may
      // exceed the total (docs/domain.md) and may fall short of it.
      if (parts.filter((p) => CHANNEL.test(labelOf(text, p))).length >= 2) continue;
      const sum = parts.reduce((s, p) => s + p.value, 0);
      if (values.includes(sum)) continue;
      const over = sum > Math.max(...values);
      // Less than the total proves nothing unless the list reads as complete: three or more kinds and nothing
      // else between them (seed 004's 即日办结/提前办结 with their rates is a selection, not a breakdown).
      if (!over && !(clean && parts.length >= 3)) continue;
      const whole = over ? wholes[wholes.length - 1]! : wholes.find((w) => w.value > sum)!;
      out.push(
        sumFinding(rule, view, whole, parts, sum, over ? (clean ? 'error' : 'warning') : 'warning', k),
      );
    }
  }
  return out;
}

/** Publication channels: a breakdown by these counts one item once per channel. */
const CHANNEL =
  /网站|网页|门户|微博|微信|公众号|客户端|APP|App|app|新媒体|头条|抖音|快手|视频号|报刊|报纸|广播|电视|公开栏|公告栏|宣传栏|电子屏|新闻发布会|发布会|政务服务中心|档案馆|图书馆|查阅点|短信|热线|平台/;

/** The words written before a part (back to the item's start): `通过政府网站发布`. */
function labelOf(text: string, p: Count): string {
  let i = p.start;
  while (i > 0 && p.start - i < 20 && !/[,，、;；:。\n其]/.test(text[i - 1] ?? '')) i -= 1;
  return text.slice(i, p.start);
}

/**
 * The breakdowns listed after a 其中, each checked on its own: a list ends at ;/； (the next list after it,
 * "…;网上申请8件,信函申请3件,当面申请1件", breaks the same whole down another way), and a list whose first
 * parts already add up to a whole and then goes on is two lists (a second dimension without a semicolon).
 */
function breakdowns(
  text: string,
  from: number,
  unit: string,
  wholes: readonly number[],
): Array<{ parts: Count[]; clean: boolean }> {
  const out: Array<{ parts: Count[]; clean: boolean }> = [];
  let at = from;
  for (let n = 0; n < 4; n += 1) {
    const { parts, clean, next } = listed(text, at, unit);
    let split = -1;
    let run = 0;
    for (let i = 0; i + 2 < parts.length && split < 0; i += 1) {
      run += parts[i]!.value;
      if (i >= 1 && wholes.includes(run)) split = i + 1;
    }
    if (split > 0) out.push({ parts: parts.slice(0, split), clean }, { parts: parts.slice(split), clean });
    else out.push({ parts, clean });
    if (next < 0) break;
    at = next;
  }
  return out;
}

/** Counts of the clause before a 其中 (back to the previous 。/;/line), in text order. */
function headCounts(text: string, k: number): Count[] {
  let end = k;
  while (end > 0 && /[。:,\s]/.test(text[end - 1] ?? '')) end -= 1;
  let start = end;
  while (start > 0 && end - start < 200 && !/[。\n;]/.test(text[start - 1] ?? '')) start -= 1;
  const clause = text.slice(start, end);
  return [...clause.matchAll(new RegExp(`${NUM}${UNIT}`, 'g'))]
    .filter((c) => !/[%％]/.test(clause.slice(c.index + c[0].length, c.index + c[0].length + 1)))
    .map((c) => count(c, 1, 2, start))
    .filter((c) => !isChange(text, c.start));
}

/**
 * The counts of `unit` listed from `from` to the end of the list (the sentence's end or a ;/；), one per item;
 * `clean` when every item is such a count (or its 占…% share), so the list reads as a breakdown; `next` is
 * where the sentence goes on after a ;/； (-1 when it ends).
 */
function listed(text: string, from: number, unit: string): { parts: Count[]; clean: boolean; next: number } {
  let clean = true;
  let next = -1;
  let end = from;
  while (end < text.length && end - from < 400 && !/[。\n;；]/.test(text[end] ?? '')) end += 1;
  if (/[;；]/.test(text[end] ?? '')) next = end + 1;
  const sentence = text.slice(from, end);
  const parts: Count[] = [];
  let at = 0;
  for (const item of sentence.split(/[,、]/)) {
    const here = at;
    at += item.length + 1;
    if (/其中|分别|同比|增长|下降|减少|累计|以上|以下|左右|约|余/.test(item)) {
      if (/其中|分别/.test(item)) {
        next = -1;
        break;
      }
      clean = false;
      continue;
    }
    if (/^占[^\d]{0,8}\d+(\.\d+)?%$/.test(item.trim())) continue;
    const c = new RegExp(`^[^\\d]{1,16}?${NUM}${UNIT}$`).exec(item.trim());
    if (!c || c[2] !== unit) {
      clean = false;
      continue;
    }
    const lead = item.indexOf(item.trim());
    parts.push(
      count(
        { ...c, index: c[0].length - c[1]!.length - c[2]!.length } as RegExpExecArray,
        1,
        2,
        from + here + lead,
      ),
    );
  }
  return { parts, clean, next };
}

function sumFinding(
  rule: RuleInfo,
  view: TextView,
  whole: Count,
  parts: Count[],
  sum: number,
  severity: 'error' | 'warning',
  k: number,
): Finding {
  const over = sum > whole.value;
  const last = parts[parts.length - 1]!;
  const computation = `${parts.map((p) => p.value).join(' + ')} = ${sum} ${over ? '>' : '<'} ${whole.value}`;
  return finding(
    rule,
    over
      ? {
          zh: `正文所列分项之和${sum}大于总数${whole.value}`,
          en: `The parts listed in the text add up to ${sum}, more than the total ${whole.value}`,
        }
      : {
          zh: `正文所列分项之和${sum}小于总数${whole.value}(所列分项可能不全)`,
          en: `The parts listed in the text add up to ${sum}, less than the total ${whole.value} (the list may not name every kind)`,
        },
    [
      {
        ...quoteView(view, whole.start, whole.end, 'text (the total)'),
        figures: {
          total: whole.value,
          sum,
          ...Object.fromEntries(parts.map((p, i) => [`part${i + 1}`, p.value])),
        },
        computation,
      },
      quoteView(view, k, last.end, 'text (the parts)'),
    ],
    severity,
  );
}
