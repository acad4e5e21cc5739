/**
 * The 2014–2018 政府信息公开情况统计表 as the national form lays it out (统计指标 | 单位 | 统计数), row labels as
 * printed, with figures of our own that satisfy every identity docs/domain.md lists; a test overrides a value
 * (or blanks it with null) to break one. Three layouts portals publish: HTML rows, scraped text with one
 * cell per line, and `|` cells with a cumulative column (PDF/DOC extraction).
 */
export type FormRow = [label: string, unit: string, key: string | null];

export const FORM: FormRow[] = [
  ['一、主动公开情况', '', null],
  ['（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）', '条', 'active.total'],
  ['其中：主动公开规范性文件数', '条', 'active.normative'],
  ['制发规范性文件总数', '件', 'active.normative-issued'],
  ['（二）通过不同渠道和方式公开政府信息的情况', '', null],
  ['1．政府公报公开政府信息数', '条', 'active.channel.gazette'],
  ['2．政府网站公开政府信息数', '条', 'active.channel.website'],
  ['3．政务微博公开政府信息数', '条', 'active.channel.weibo'],
  ['4．政务微信公开政府信息数', '条', 'active.channel.wechat'],
  ['5．其他方式公开政府信息数', '条', 'active.channel.other'],
  ['二、回应解读情况', '', null],
  ['（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）', '次', 'response.total'],
  ['（二）通过不同渠道和方式回应解读的情况', '', null],
  ['1．参加或举办新闻发布会总次数', '次', 'response.press'],
  ['其中：主要负责同志参加新闻发布会次数', '次', 'response.press.leaders'],
  ['2．政府网站在线访谈次数', '次', 'response.interviews'],
  ['其中：主要负责同志参加政府网站在线访谈次数', '次', 'response.interviews.leaders'],
  ['3．政策解读稿件发布数', '篇', 'response.interpretations'],
  ['4．微博微信回应事件数', '次', 'response.weibo-wechat'],
  ['5．其他方式回应事件数', '次', 'response.other'],
  ['三、依申请公开情况', '', null],
  ['（一）收到申请数', '件', 'apply.received'],
  ['1．当面申请数', '件', 'apply.received.in-person'],
  ['2．传真申请数', '件', 'apply.received.fax'],
  ['3．网络申请数', '件', 'apply.received.online'],
  ['4．信函申请数', '件', 'apply.received.letter'],
  ['（二）申请办结数', '件', 'apply.closed'],
  ['1．按时办结数', '件', 'apply.closed.on-time'],
  ['2．延期办结数', '件', 'apply.closed.extended'],
  ['（三）申请答复数', '件', 'apply.answered'],
  ['1．属于已主动公开范围数', '件', 'apply.answered.already-public'],
  ['2．同意公开答复数', '件', 'apply.answered.open'],
  ['3．同意部分公开答复数', '件', 'apply.answered.partial'],
  ['4．不同意公开答复数', '件', 'apply.answered.refused'],
  ['其中：涉及国家秘密', '件', 'apply.answered.refused.state-secret'],
  ['涉及商业秘密', '件', 'apply.answered.refused.commercial-secret'],
  ['涉及个人隐私', '件', 'apply.answered.refused.privacy'],
  ['危及国家安全、公共安全、经济安全和社会稳定', '件', 'apply.answered.refused.security'],
  ['不是《条例》所指政府信息', '件', 'apply.answered.refused.not-gov-info'],
  ['法律法规规定的其他情形', '件', 'apply.answered.refused.other'],
  ['5．不属于本行政机关公开数', '件', 'apply.answered.not-this-body'],
  ['6．申请信息不存在数', '件', 'apply.answered.not-exist'],
  ['7．告知作出更改补充数', '件', 'apply.answered.amend'],
  ['8．告知通过其他途径办理数', '件', 'apply.answered.other-channel'],
  ['四、行政复议数量', '件', 'review.total'],
  ['（一）维持具体行政行为数', '件', 'review.upheld'],
  ['（二）被依法纠错数', '件', 'review.corrected'],
  ['（三）其他情形数', '件', 'review.other'],
  ['五、行政诉讼数量', '件', 'litigation.total'],
  ['（一）维持具体行政行为或者驳回原告诉讼请求数', '件', 'litigation.upheld'],
  ['（二）被依法纠错数', '件', 'litigation.corrected'],
  ['（三）其他情形数', '件', 'litigation.other'],
  ['六、举报投诉数量', '件', 'complaints'],
  ['七、依申请公开信息收取的费用', '万元', 'fees'],
  ['八、机构建设和保障经费情况', '', null],
  ['（一）政府信息公开工作专门机构数', '个', 'org.units'],
  ['（二）设置政府信息公开查阅点数', '个', 'org.reading-points'],
  ['（三）从事政府信息公开工作人员数', '人', 'staff.total'],
  ['1．专职人员数（不包括政府公报及政府网站工作人员数）', '人', 'staff.full-time'],
  ['2．兼职人员数', '人', 'staff.part-time'],
  [
    '（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）',
    '万元',
    'funding',
  ],
  ['九、政府信息公开会议和培训情况', '', null],
  ['（一）召开政府信息公开工作会议或专题会议数', '次', 'meetings'],
  ['（二）举办各类培训班数', '次', 'trainings'],
  ['（三）接受培训人员数', '人次', 'trainees'],
];

/** Figures that satisfy every identity: 9 = 1+0+6+2 received, 9 = 8+1 closed, 9 answered, 2 = 1+1+0 … */
export const CLEAN_VALUES: Record<string, number> = {
  'active.total': 612,
  'active.normative': 10,
  'active.normative-issued': 8,
  'active.channel.gazette': 5,
  'active.channel.website': 600,
  'active.channel.weibo': 30,
  'active.channel.wechat': 40,
  'active.channel.other': 12,
  'response.total': 6,
  'response.press': 2,
  'response.press.leaders': 1,
  'response.interviews': 3,
  'response.interviews.leaders': 1,
  'response.interpretations': 12,
  'response.weibo-wechat': 4,
  'response.other': 0,
  'apply.received': 9,
  'apply.received.in-person': 1,
  'apply.received.fax': 0,
  'apply.received.online': 6,
  'apply.received.letter': 2,
  'apply.closed': 9,
  'apply.closed.on-time': 8,
  'apply.closed.extended': 1,
  'apply.answered': 9,
  'apply.answered.already-public': 2,
  'apply.answered.open': 4,
  'apply.answered.partial': 1,
  'apply.answered.refused': 1,
  'apply.answered.refused.state-secret': 0,
  'apply.answered.refused.commercial-secret': 0,
  'apply.answered.refused.privacy': 1,
  'apply.answered.refused.security': 0,
  'apply.answered.refused.not-gov-info': 0,
  'apply.answered.refused.other': 0,
  'apply.answered.not-this-body': 0,
  'apply.answered.not-exist': 1,
  'apply.answered.amend': 0,
  'apply.answered.other-channel': 0,
  'review.total': 2,
  'review.upheld': 1,
  'review.corrected': 1,
  'review.other': 0,
  'litigation.total': 1,
  'litigation.upheld': 1,
  'litigation.corrected': 0,
  'litigation.other': 0,
  complaints: 0,
  fees: 0,
  'org.units': 1,
  'org.reading-points': 3,
  'staff.total': 5,
  'staff.full-time': 1,
  'staff.part-time': 4,
  funding: 2,
  meetings: 3,
  trainings: 2,
  trainees: 120,
};

export type Layout = 'html' | 'lines' | 'pipe';

const value = (key: string | null, over: Record<string, number | null>): number | null | undefined =>
  key === null ? undefined : key in over ? over[key] : CLEAN_VALUES[key];

/** The form as markup or text in `layout`, with `over` replacing (or blanking, null) some values. */
export function nationalForm(layout: Layout, over: Record<string, number | null> = {}): string {
  const head = '政府信息公开情况统计表';
  if (layout === 'html') {
    const rows = FORM.map(([label, unit, key]) => {
      const v = value(key, over);
      return `<tr><td>${label}</td><td>${unit}</td><td>${v ?? ''}</td></tr>`;
    });
    return `<p>附件：</p><p>${head}</p><table><tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>\n${rows.join('\n')}\n</table><p>填报单位（盖章）：</p>`;
  }
  if (layout === 'lines') {
    const rows = FORM.flatMap(([label, unit, key]) => {
      const v = value(key, over);
      return key === null ? [label] : [label, unit, ...(v === null || v === undefined ? [] : [String(v)])];
    });
    return ['附件：', head, '统 计 指 标', '单位', '统计数', ...rows].join('\n');
  }
  const rows = FORM.map(([label, unit, key]) => {
    const v = value(key, over);
    if (key === null) return `| ${label} | | | |`;
    const cumulative = v === null || v === undefined ? '' : String(v * 6);
    return `| ${label} | ${unit} | ${v ?? ''} | ${cumulative} |`;
  });
  return ['附件：', head, '| 统计指标 | 单位 | 本年 | 累计 |', ...rows].join('\n');
}
