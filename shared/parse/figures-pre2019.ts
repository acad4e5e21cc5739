import type { Pre2019Table } from '#shared/domain/figures.ts';
import type { Damage } from '#shared/domain/report.ts';
import { readDate } from './dates.ts';
import { type Doc, span } from './doc.ts';
import { readNumber } from './numbers.ts';

type Ctx = 'review' | 'litigation' | null;
// Order matters: the first pattern that matches a label wins (同意部分公开 before 同意公开 …).
const ROWS: ReadonlyArray<[RegExp, string | ((ctx: Ctx) => string | null)]> = [
  [/主动公开规范性文件数/, 'active.normative'],
  [/制发规范性文件/, 'active.normative-issued'],
  [/主动公开(?:政府)?信息(?:总)?数/, 'active.total'],
  [/政府公报公开/, 'active.channel.gazette'],
  [/政府网站公开政府信息数/, 'active.channel.website'],
  [/政务微博公开/, 'active.channel.weibo'],
  [/政务微信公开/, 'active.channel.wechat'],
  [/其他方式公开政府信息数/, 'active.channel.other'],
  [/回应公众关注热点|重大舆情数/, 'response.total'],
  [/主要负责同志参加新闻发布会/, 'response.press.leaders'],
  [/新闻发布会总次数/, 'response.press'],
  [/主要负责同志参加政府网站在线访谈/, 'response.interviews.leaders'],
  [/在线访谈次数/, 'response.interviews'],
  [/政策解读稿件/, 'response.interpretations'],
  [/微博微信回应/, 'response.weibo-wechat'],
  [/其他方式回应/, 'response.other'],
  [/收到申请数/, 'apply.received'],
  [/当面申请/, 'apply.received.in-person'],
  [/传真申请/, 'apply.received.fax'],
  [/网络申请/, 'apply.received.online'],
  [/信函申请/, 'apply.received.letter'],
  [/申请办结数/, 'apply.closed'],
  [/按时办结/, 'apply.closed.on-time'],
  [/延期办结/, 'apply.closed.extended'],
  [/申请答复数/, 'apply.answered'],
  [/已主动公开范围/, 'apply.answered.already-public'],
  [/同意部分公开/, 'apply.answered.partial'],
  [/不同意公开/, 'apply.answered.refused'],
  [/同意公开答复/, 'apply.answered.open'],
  [/国家秘密/, 'apply.answered.refused.state-secret'],
  [/商业秘密/, 'apply.answered.refused.commercial-secret'],
  [/个人隐私/, 'apply.answered.refused.privacy'],
  [/危及国家安全/, 'apply.answered.refused.security'],
  [/不是《?条例》?所指/, 'apply.answered.refused.not-gov-info'],
  [/法律法规规定的其他情形/, 'apply.answered.refused.other'],
  [/不属于本行政机关/, 'apply.answered.not-this-body'],
  [/申请信息不存在/, 'apply.answered.not-exist'],
  [/更改补充/, 'apply.answered.amend'],
  [/其他途径办理/, 'apply.answered.other-channel'],
  [/行政复议数量/, 'review.total'],
  [/行政诉讼数量/, 'litigation.total'],
  [/维持具体行政行为|驳回原告/, (ctx) => (ctx ? `${ctx}.upheld` : null)],
  [/依法纠错/, (ctx) => (ctx ? `${ctx}.corrected` : null)],
  [/其他情形数/, (ctx) => (ctx ? `${ctx}.other` : null)],
  [/举报投诉/, 'complaints'],
  [/收取的费用/, 'fees'],
  [/专门机构数/, 'org.units'],
  [/查阅点数/, 'org.reading-points'],
  [/从事政府信息公开工作人员数/, 'staff.total'],
  [/专职人员数/, 'staff.full-time'],
  [/兼职人员数/, 'staff.part-time'],
  [/专项经费/, 'funding'],
  [/会议数/, 'meetings'],
  [/培训班数/, 'trainings'],
  [/接受培训人员数/, 'trainees'],
];

const UNIT = /^(——|—|-|万元|元|人次|个|条|件|人|次|篇)$/;
const VALUE = /^\d+(\.\d+)?$/;
// A row flattened onto one line (HTML rows, tab-separated cells): label [unit] value.
// Portals add a cumulative column (label | unit | this year | cumulative): the first value is the year's.
const INLINE =
  /^(.*?[^\d\s])\s+(?:(——|万元|元|人次|个|条|件|人|次|篇)\s+)?(\d+(?:\.\d+)?|——)(?:\s+(?:\d+(?:\.\d+)?|——))?$/d;

function keyOf(label: string, ctx: Ctx): string | null {
  for (const [re, key] of ROWS) {
    if (re.test(label)) return typeof key === 'string' ? key : key(ctx);
  }
  return null;
}

/**
 * The 2014–2018 统计表, from the flattened text so that HTML tables (one row per line) and scraped text
 * (label, unit and value on separate lines, labels wrapping onto a "(…)" line) read alike.
 */
export function findPre2019Table(doc: Doc, damage: Damage[]): Pre2019Table | null {
  const text = doc.text;
  const from = tableStart(text);
  if (from < 0) return null;
  const rows: Pre2019Table['rows'] = [];
  const seen = new Set<string>();
  let ctx: Ctx = null;
  let pending: { label: string; end: number; unit: string | null } | null = null;
  const emit = (
    label: string,
    unit: string | null,
    value: { start: number; end: number } | null,
    at: number,
  ) => {
    if (/行政复议数量/.test(label)) ctx = 'review';
    else if (/行政诉讼数量/.test(label)) ctx = 'litigation';
    else if (/^[六七八九]、/.test(label)) ctx = null;
    const key = keyOf(label, ctx);
    if (!key || seen.has(key)) return;
    seen.add(key);
    const sp = value ? span(doc, value.start, value.end) : span(doc, at, at);
    const n = value ? readNumber(text.slice(value.start, value.end)) : null;
    rows.push({ key, label, unit, cell: { value: n, raw: sp.raw, start: sp.start, end: sp.end } });
  };
  let offset = from;
  for (const raw of text.slice(from).split('\n')) {
    const lineStart = offset;
    offset += raw.length + 1;
    // `|`-separated cells (PDF/DOC extraction, scraped tables) read like tab-separated ones.
    const line = raw.replace(/\|/g, ' ');
    const t = line.trim();
    const lead = line.length - line.trimStart().length;
    if (t === '') continue;
    if (/^(单位负责人|填报日期|联系电话)/.test(t)) break;
    if (VALUE.test(t)) {
      if (pending)
        emit(pending.label, pending.unit, { start: lineStart + lead, end: lineStart + lead + t.length }, 0);
      pending = null;
      continue;
    }
    if (UNIT.test(t)) {
      if (pending && t !== '——') pending.unit = t;
      continue;
    }
    if (pending && /^[(（]/.test(t) && !/^[(（][一二三四五六七八九十]+[)）]/.test(t)) {
      pending.label += t;
      pending.end = lineStart + line.length;
      continue;
    }
    // A label that never got a value (an empty cell) is still a row: blank, not zero.
    if (pending) emit(pending.label, pending.unit, null, pending.end);
    pending = null;
    const m = INLINE.exec(t);
    if (m && m[3] !== '——') {
      // The year's value, not the cumulative column after it: its own position in the line.
      const vStart = lineStart + lead + (m.indices?.[3]?.[0] ?? t.length - m[3]!.length);
      emit(m[1]!, m[2] ?? null, { start: vStart, end: vStart + m[3]!.length }, 0);
    } else pending = { label: m ? m[1]! : t, end: lineStart + line.length, unit: null };
  }
  if (pending) emit(pending.label, pending.unit, null, pending.end);
  if (rows.length < 5) return null;
  return { rows, filed: findFiled(doc, from, damage) };
}

/**
 * Where the table starts: the first 统计表/统计指标 heading followed by a row of the form within a few lines
 * (issue 10, item 11: an introduction that mentions "统计表" is not the table), else the first row itself.
 */
function tableStart(text: string): number {
  for (const m of text.matchAll(/政府信息公开情况统计表|统\s*计\s*指\s*标/g)) {
    const after = text
      .slice(m.index, m.index + 400)
      .split('\n')
      .slice(1, 8);
    if (after.some((l) => keyOf(l.replace(/\|/g, ' '), null) !== null)) return m.index;
  }
  return text.search(/\n[|\s]*\(一\)\s*主动公开(?:政府)?信息(?:总)?数/);
}

function findFiled(doc: Doc, from: number, damage: Damage[]): Pre2019Table['filed'] {
  const m = /填报日期\s*[:：]?\s*([\d年月日\-/.]{6,12})/.exec(doc.text.slice(from));
  if (!m) return null;
  const start = from + m.index + m[0].length - m[1]!.length;
  const sp = span(doc, start, start + m[1]!.length);
  const r = readDate(m[1]!);
  if (r.recovered) damage.push({ kind: 'lost-digits', text: sp.raw, start: sp.start, end: sp.end });
  return { raw: sp.raw, date: r.date, start: sp.start };
}
