import type { Body, DivisionRef } from '../domain/body.ts';
import { deadlineFor } from '../domain/deadlines.ts';
import { lookupDivision } from '../domain/divisions.ts';
import type { Finding } from '../domain/finding.ts';
import { unambiguousName } from './division-names.ts';
import { LETTER_RULES } from './links.ts';

/** The 政府信息公开工作主管部门 a complaint goes to (2019 条例 Art. 3), and why that one. */
export interface Supervisor {
  name: string;
  /** Why it is that office, and the paragraph of Art. 3 that says so. */
  basis: string;
  article: string;
}

const PROVINCE_LEVEL = /(省|自治区|^北京市|^天津市|^上海市|^重庆市)$/;

/** The office of a government: 办公厅 at province level, 办公室 below (2019 条例 Art. 3 ¶2: 办公厅（室）). */
const officeOf = (d: DivisionRef, ancestors: readonly DivisionRef[] = []): string =>
  `${unambiguousName(d, ancestors)}人民政府${d.code.length === 2 || /0000$/.test(d.code) || PROVINCE_LEVEL.test(d.name) ? '办公厅' : '办公室'}`;

/**
 * The 主管部门 of a body (2019 条例 Art. 3; docs/evidence.md, "Complaint letter"), from the registry's
 * division and parent chain: a department's (and a township's) is its own county-or-above government's
 * office; a government's is the office of the government above it (a province's: 国务院办公厅, Art. 3 ¶1).
 * A district or county whose name another one shares (朝阳区 in 北京 and 长春) is named with the government
 * above it (北京市朝阳区人民政府办公室).
 *
 * @throws Error when the chain does not name the government needed (a registry entry without parents).
 */
export function supervisorOf(body: Body): Supervisor {
  // A township may be registered with its 9-digit (GB/T 10114) code: its county is the first six digits.
  const own = lookupDivision(body.divisionCode) ??
    (body.level === 'township'
      ? (lookupDivision(body.divisionCode.slice(0, 6)) ?? body.parents.at(-1))
      : undefined) ?? {
      code: body.divisionCode,
      name: '',
    };
  if (body.level === 'department' || body.level === 'township') {
    if (!own.name) throw new Error(`no division ${body.divisionCode} for ${body.name}`);
    return {
      name: officeOf(own, lookupDivision(own.code)?.parents ?? body.parents.slice(0, -1)),
      basis: `${body.level === 'department' ? '本级' : '所在县级'}人民政府办公厅（室）是本行政区域的政府信息公开工作主管部门`,
      article: '第三条第二款',
    };
  }
  if (body.level === 'province')
    return {
      name: '国务院办公厅',
      basis: '国务院办公厅是全国政府信息公开工作主管部门',
      article: '第三条第一款',
    };
  // A registry entry without parents: the division table (GB/T 2260) knows the government above. A city
  // without counties (东莞 441900, 中山 442000, 儋州, 嘉峪关) is listed again at county level under itself:
  // the same place above it is skipped, so the letter goes to the province, not to the city's own office.
  const chain = [
    ...(body.parents.length ? body.parents : (lookupDivision(body.divisionCode)?.parents ?? [])),
  ];
  while (chain.length > 0 && own.name && chain.at(-1)?.name === own.name) chain.pop();
  const parent = chain.at(-1);
  if (!parent)
    throw new Error(`${body.name}: neither the registry nor the division table names a government above it`);
  return {
    name: officeOf(parent, chain.slice(0, -1)),
    basis: '上一级人民政府办公厅（室）是其行政区域的政府信息公开工作主管部门',
    article: '第三条第二款',
  };
}

/** What a letter quotes from the evidence package (its hashes, so a reader can match the file). */
export interface LetterPackage {
  filename: string;
  sha256: string;
  datapackageHash: string;
  root?: { date: string; root: string; timestampedAt?: string; tsaUrl?: string } | undefined;
}

export interface LetterInput {
  body: Body;
  year: number;
  finding: Finding;
  /** The report page, when one was found (late, back-dated). */
  reportUrl?: string | undefined;
  pkg: LetterPackage;
}

/** A letter as paragraphs: what both the Markdown and the DOCX are made of. */
export interface Letter {
  title: string;
  note: string;
  to: string;
  paragraphs: string[];
  facts: string[];
  evidence: string[];
  closing: string[];
}

export class LetterError extends Error {
  override name = 'LetterError';
}

/**
 * Drafts the complaint letter for a deadline.missing, deadline.late or date.backdated finding (docs/evidence.md):
 * to the body's 主管部门, citing 2019 条例 Art. 49 (or 2008 条例 Art. 31 for years before 2019) for the
 * deadline and Art. 47 ¶2 for the right to report, with the finding's facts and the package's hashes. The
 * complainant's name and contact are left as blanks. Pure.
 *
 * @throws LetterError for any other rule.
 */
export function draftLetter(input: LetterInput): Letter {
  const { body, year, finding, pkg } = input;
  if (!(LETTER_RULES as readonly string[]).includes(finding.rule))
    throw new LetterError(`no complaint letter for ${finding.rule}: only ${LETTER_RULES.join(', ')}`);
  const to = supervisorOf(body);
  const deadline = deadlineFor(body, year);
  const what =
    finding.rule === 'deadline.missing'
      ? `未按期公开${year}年政府信息公开工作年度报告`
      : finding.rule === 'deadline.late'
        ? `逾期公开${year}年政府信息公开工作年度报告`
        : `${year}年政府信息公开工作年度报告所标发布日期早于实际公开日期`;
  const duty =
    year <= 2018
      ? `依照《政府信息公开条例》（2008年）第三十一条，${year}年度报告应于${deadline.date.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日')}前公布。`
      : `依照《中华人民共和国政府信息公开条例》（国务院令第711号）第四十九条${body.level === 'department' ? '第一款' : '第二款'}，${year}年度报告应于${deadline.date.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日')}前向社会公布。`;
  const chain = [...body.parents.map((p) => p.name), body.name].join(' › ');
  return {
    title: `关于${body.name}${what}的情况反映（草稿）`,
    note: '本文件是 nianbao-watch 根据公开网页自动生成的草稿，不构成法律意见。提交前请核对全部事实，补全署名与联系方式，并自行判断是否提交及向哪一机关提交。Draft generated from public web pages; not legal advice.',
    to: `${to.name}：`,
    paragraphs: [
      `本人依照《中华人民共和国政府信息公开条例》第四十七条第二款，反映${body.name}（${chain}）${what}的情况，请予核实。`,
      duty,
      `依照现行《中华人民共和国政府信息公开条例》${to.article}，${to.basis}；依照第四十七条第二款，公民认为行政机关未按照要求主动公开政府信息的，可以向政府信息公开工作主管部门提出，主管部门查证属实的，应当予以督促整改或者通报批评。`,
    ],
    facts: [
      finding.message.zh,
      ...(input.reportUrl ? [`报告页面：${input.reportUrl}`] : []),
      ...finding.evidence.map((e) => `${e.where}：${e.quote}${e.computation ? `（${e.computation}）` : ''}`),
    ],
    evidence: [
      `证据包文件：${pkg.filename}（WACZ 格式，可用标准网页存档工具回放）`,
      `证据包 SHA-256：${pkg.sha256}`,
      `清单（datapackage.json）SHA-256：${pkg.datapackageHash.replace(/^sha256:/, '')}`,
      pkg.root
        ? `检查记录哈希链已并入 ${pkg.root.date} 的日根 ${pkg.root.root}${pkg.root.timestampedAt ? `，并由时间戳服务 ${pkg.root.tsaUrl ?? ''} 于 ${pkg.root.timestampedAt} 加盖 RFC 3161 时间戳` : '（未加盖可信时间戳）'}`
        : '检查记录尚未并入日根（无外部时间证明）',
      '可用 `nianbao verify <证据包>` 离线核验上述哈希、哈希链与时间戳。',
    ],
    closing: [
      `请求：请依照第四十七条第二款予以核实，督促${body.name}依法公开并改正。`,
      '反映人（签名）：____________　　联系方式：____________',
      '日期：______年____月____日',
    ],
  };
}

/**
 * Text from a web page set inline in Markdown: line breaks folded to spaces and every character CommonMark
 * gives a meaning escaped (backslash escapes, CommonMark §2.4; `<` and `>` as entities, §2.5), so a quote
 * cannot start a heading, a link, an image or raw HTML.
 */
export function markdownInline(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[\\`*_[\]!|#~&]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** The letter as Markdown (facts, which quote web pages, escaped: markdownInline). */
export function letterMarkdown(l: Letter): string {
  return [
    `# ${l.title}`,
    '',
    `> **草稿，非法律意见。** ${l.note}`,
    '',
    l.to,
    '',
    ...l.paragraphs.flatMap((p) => [`　　${p}`, '']),
    '## 事实',
    '',
    ...l.facts.map((f) => `- ${markdownInline(f)}`),
    '',
    '## 证据',
    '',
    ...l.evidence.map((e) => `- ${e}`),
    '',
    ...l.closing.flatMap((c) => [c, '']),
  ].join('\n');
}
