import type { Finding } from '#shared/domain/finding.ts';
import type { ParsedReport } from '#shared/domain/report.ts';
import { finding } from './findings.ts';
import { type Count, count, NUM, UNIT } from './percent-bases.ts';
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
    const { parts, clean } = listed(text, k + m[0].length, wholes[0]!.unit);
    if (parts.length < 2) continue;
    const sum = parts.reduce((s, p) => s + p.value, 0);
    const values = wholes.map((w) => w.value);
    if (values.includes(sum)) continue;
    const over = sum > Math.max(...values);
    // Less than the total proves nothing unless the list reads as complete: three or more kinds and nothing
    // else between them (seed 004's 即日办结/提前办结 with their rates is a selection, not a breakdown).
    if (!over && !(clean && parts.length >= 3)) continue;
    const whole = over ? wholes[wholes.length - 1]! : wholes.find((w) => w.value > sum)!;
    out.push(sumFinding(rule, view, whole, parts, sum, over ? (clean ? 'error' : 'warning') : 'warning', k));
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
    .map((c) => count(c, 1, 2, start));
}

/**
 * The counts of `unit` listed from `from` to the end of the sentence, one per item; `clean` when every item
 * is such a count (or its 占…% share), so the list reads as a breakdown.
 */
function listed(text: string, from: number, unit: string): { parts: Count[]; clean: boolean } {
  let clean = true;
  let end = from;
  while (end < text.length && end - from < 400 && !/[。\n]/.test(text[end] ?? '')) end += 1;
  const sentence = text.slice(from, end);
  const parts: Count[] = [];
  let at = 0;
  for (const item of sentence.split(/[,、;]/)) {
    const here = at;
    at += item.length + 1;
    if (/其中|分别|同比|增长|下降|减少|累计|以上|以下|左右|约|余/.test(item)) {
      if (/其中|分别/.test(item)) break;
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
  return { parts, clean };
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
