/**
 * What each rule means, in words a reader outside the project understands (Chinese, then short English),
 * and the legal basis it rests on (docs/domain.md: deadlines, report formats and identities). Pure data.
 */
export interface RuleWording {
  /** A short title (subject lines, headings). */
  title: { zh: string; en: string };
  /** The rule explained in one sentence. */
  rule: { zh: string; en: string };
  /** The legal basis, when the rule rests on one. */
  basis?: string;
}

const REGS_2019 = '《中华人民共和国政府信息公开条例》(国务院令第711号)';
const TEMPLATE = '《政府信息公开工作年度报告格式》(国办公开办函〔2021〕30号)';

/** The deadline's article for a report year (2008 条例 Art. 31 up to 2018; 2019 条例 Art. 49 after). */
export function deadlineBasis(year: number): string {
  return year <= 2018
    ? '《中华人民共和国政府信息公开条例》(2008年) 第三十一条:每年3月31日前公布上一年度报告'
    : `${REGS_2019} 第四十九条:政府部门每年1月31日前、县级以上地方人民政府每年3月31日前公布上一年度报告`;
}

const W: Record<string, RuleWording> = {
  'deadline.missing': {
    title: { zh: '逾期未发布年度报告', en: 'Annual report missing after its deadline' },
    rule: {
      zh: '法定期限已过,机关公开的年报栏目已被完整读取,其中没有该年度的报告。',
      en: 'The deadline has passed; the body’s report listing was read completely and has no report for the year.',
    },
  },
  'deadline.late': {
    title: { zh: '年度报告逾期发布', en: 'Annual report published late' },
    rule: {
      zh: '报告页面标注的发布日期晚于法定期限。',
      en: 'The date on the report page is after the legal deadline.',
    },
  },
  'deadline.published-late': {
    title: { zh: '此前缺失的年度报告已发布', en: 'A missing report has appeared' },
    rule: {
      zh: '此前提醒缺失的年度报告现已出现,发布晚于法定期限。',
      en: 'The report we reported missing has now appeared, after its deadline.',
    },
  },
  'deadline.retracted': {
    title: { zh: '更正:年度报告并未缺失', en: 'Correction: the report was not missing' },
    rule: {
      zh: '此前提醒缺失的年度报告已找到,页面日期在期限之内;此前的提醒有误。',
      en: 'The report we reported missing was found with an on-time date; the earlier alert was wrong.',
    },
  },
  'report.removed': {
    title: { zh: '已发布的年度报告被撤下', en: 'A published report was taken down' },
    rule: {
      zh: '曾经公开的报告页面已无法访问或被替换;存档副本仍然保留。',
      en: 'A report page that was public is gone or replaced; the archived copy remains.',
    },
  },
  'arith.sum': {
    title: { zh: '分项之和与合计不符', en: 'Parts do not add up to the total' },
    rule: {
      zh: '表格或“其中”所列分项相加不等于合计数。',
      en: 'The listed parts do not add up to their total.',
    },
    basis: `${REGS_2019} 第五十条;${TEMPLATE}`,
  },
  'arith.identity': {
    title: { zh: '统计表勾稽关系不成立', en: 'Table identity broken' },
    rule: {
      zh: '按年报格式,新收申请数加上年结转数应等于办理结果总计加结转下年度数。',
      en: 'By the template, new plus carried-in requests must equal results plus carried-over.',
    },
    basis: TEMPLATE,
  },
  'arith.percent': {
    title: { zh: '百分比计算有误', en: 'A percentage is wrong' },
    rule: {
      zh: '报告所述百分比与其数量除以总数的结果不符(容差0.1个百分点)。',
      en: 'A stated percentage differs from its count divided by its total (±0.1 point).',
    },
  },
  'spam.injection': {
    title: { zh: '页面被植入赌博或广告内容', en: 'Spam injected into the page' },
    rule: {
      zh: '报告页面含有赌博、色情或推广文字,网站可能已被入侵。',
      en: 'The page carries gambling, porn or SEO text; the site may be compromised.',
    },
  },
  'host.mirror': {
    title: { zh: '报告出现在非政府网站', en: 'Report served by a non-government host' },
    rule: {
      zh: '报告由非政府主机提供,或其文本在另一主机上为另一机关存档,可能是被劫持的镜像。',
      en: 'The report is on a non-government host, or its text is archived for another body elsewhere.',
    },
  },
  'text.garbled': {
    title: { zh: '文字乱码', en: 'Garbled text' },
    rule: {
      zh: '正文存在编码损坏(如 ??、�、***),读者无法读取部分内容。',
      en: 'The text shows encoding damage (??, �, ***); parts cannot be read.',
    },
  },
  'text.table-mismatch': {
    title: { zh: '正文数字与表格不一致', en: 'Text and table disagree' },
    rule: {
      zh: '正文所述数字与统计表中的同一数字不同。',
      en: 'A figure in the text differs from the table.',
    },
  },
  'listing.inconclusive': {
    title: { zh: '年报栏目未能完整读取', en: 'Listing not read completely' },
    rule: {
      zh: '只有完整读取栏目后才能判定报告缺失;以下原因使本年度无法判定,订阅者未收到通知。请检查抓取配置或栏目结构。',
      en: 'A report is called missing only after the whole listing is read; the reasons below prevent that, so subscribers were not told. Check the crawl or the listing.',
    },
  },
  'portal.unreachable': {
    title: { zh: '门户网站无法访问', en: 'Portal unreachable' },
    rule: {
      zh: '门户网站返回错误或反爬虫页面,无法读取;在此期间不会判定任何报告缺失。',
      en: 'The portal answered with an error or an anti-bot wall; no report is called missing meanwhile.',
    },
  },
  'crawl.failing': {
    title: { zh: '连续抓取失败', en: 'Crawls failing' },
    rule: {
      zh: '该门户已连续多次抓取失败,请检查网址、网络或反爬虫限制。',
      en: 'The portal failed several crawls in a row: check its address, the network or an anti-bot wall.',
    },
  },
};

const FAMILY: Record<string, { zh: string; en: string }> = {
  copy: { zh: '疑似抄袭或套用', en: 'Likely copied' },
  template: { zh: '不符合年报格式', en: 'Does not follow the report template' },
  date: { zh: '日期前后矛盾', en: 'Dates contradict each other' },
  stats: { zh: '统计数字异常', en: 'Unusual figures' },
  placeholder: { zh: '模板占位符未填写', en: 'Template placeholders left in' },
  text: { zh: '正文问题', en: 'Problem in the text' },
  portal: { zh: '门户网站无法访问', en: 'Portal unreachable' },
  listing: { zh: '年报栏目未能完整读取', en: 'Listing not read completely' },
  crawl: { zh: '连续抓取失败', en: 'Crawls failing' },
};

/** The wording of a rule: its own entry, else its family's title with the finding's own message as the rule. */
export function ruleWording(rule: string, year: number, message: { zh: string; en: string }): RuleWording {
  const own = W[rule];
  const basis = rule.startsWith('deadline.') ? deadlineBasis(year) : own?.basis;
  if (own) return { ...own, ...(basis ? { basis } : {}) };
  const family = FAMILY[rule.split('.')[0] ?? ''] ?? { zh: '发现问题', en: 'Finding' };
  return {
    title: family,
    rule: message,
    ...(rule.startsWith('template.') ? { basis: `${REGS_2019} 第五十条;${TEMPLATE}` } : {}),
  };
}

/** Where a piece of evidence stands, in words (`text` → 正文 / text). Unknown places are shown as given. */
export function placeName(where: string): string {
  const known: Array<[RegExp, string]> = [
    [/^text\b/, '正文 / text'],
    [/^title\b/, '标题 / title'],
    [/^url/, '网址 / address'],
    [/^host/, '主机 / host'],
    [/^table (\S+)(.*)$/, '表$1$2 / table $1'],
    [/^check log$/, '检查记录 / check log'],
    [/^listing page read$/, '已读取的栏目页 / listing page read'],
    [/^published date/, '发布日期 / published date'],
    [/^legal basis$/, '法律依据 / legal basis'],
  ];
  for (const [re, name] of known) if (re.test(where)) return where.replace(re, name);
  return where;
}

export const SEVERITY_WORDS = {
  error: { zh: '错误', en: 'Error' },
  warning: { zh: '警告', en: 'Warning' },
  info: { zh: '提示', en: 'Note' },
} as const;
