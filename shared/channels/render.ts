import type { Body } from '../domain/body.ts';
import { ruleWording, SEVERITY_WORDS } from '../mail/wording.ts';
import type { AlertRecord } from '../store/records.ts';

/** One line of a robot message: words, or words linking to one of our own URLs. */
export type RobotLine = { text: string } | { text: string; href: string };

/**
 * A message for a chat robot, platform-neutral: a title and lines. Every `text` is already neutralised
 * (`neutralise`); every `href` is a URL we built (the evidence page, a signed link), never report text.
 */
export interface RobotMessage {
  title: string;
  lines: RobotLine[];
}

/**
 * Characters that are markup somewhere: Markdown (企业微信, 钉钉: links, emphasis, headings, quotes,
 * code), 企业微信 `<@userid>` and `<font>`, 飞书 `<at user_id="all">`, 钉钉 `@手机号`. Each becomes its
 * full-width twin, which reads the same in Chinese text and is markup nowhere.
 */
const FULL_WIDTH: Record<string, string> = {
  '[': '［',
  ']': '］',
  '(': '（',
  ')': '）',
  '<': '＜',
  '>': '＞',
  '*': '＊',
  _: '＿',
  '`': '｀',
  '#': '＃',
  '~': '～',
  '|': '｜',
  '!': '！',
  '@': '＠',
  '\\': '＼',
  '&': '＆',
};

/**
 * Report text (hostile: written by whoever controls a portal) made inert for every robot platform:
 * control and format characters dropped, line breaks folded to spaces, markup characters swapped for
 * their full-width twins (so no link, mention, `@all`/`@所有人`, heading or tag can be injected), and
 * `scheme://` and every domain-like dot (`bet365.com`, `www.x`) defanged so no client turns a quoted URL or a
 * bare domain into a link. At most `max` characters.
 */
export function neutralise(s: string, max = 500): string {
  const flat = s
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[[\]()<>*_`#~|!@\\&]/g, (c) => FULL_WIDTH[c] ?? c)
    .replace(/([a-z][a-z0-9+.-]*):\/\//gi, '$1：//')
    // Bare domains (bet365.com, am8.cc/reg, //hg0088.com): chat clients link a dot followed by letters, so
    // every such dot becomes a full-width one; decimals (3.2%) keep theirs.
    .replace(/([\p{L}\p{N}-])\.(?=[a-z]{2,})/giu, '$1．');
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

export interface RobotAlertLinks {
  /** The finding's public evidence page. */
  evidenceUrl?: string;
  /** The signed link that stops every alert to this robot. */
  unsubscribeUrl: string;
  /** The manage page of this robot's subscription. */
  manageUrl?: string;
}

/**
 * One alert as a robot message, Chinese first: severity and what was found, the body and its
 * jurisdiction, the year, the finding (Chinese, then English), then the evidence link and the
 * unsubscribe link. Pure.
 */
export function renderRobotAlert(alert: AlertRecord, body: Body, links: RobotAlertLinks): RobotMessage {
  const f = alert.finding;
  const words = ruleWording(alert.rule, alert.year, f.message);
  const sev = SEVERITY_WORDS[f.severity];
  const where = [...body.parents.map((p) => p.name), body.name].join(' › ');
  return {
    title: `【年报监测】${sev.zh}:${neutralise(body.name, 40)} ${alert.year}年度报告 ${neutralise(words.title.zh, 60)}`,
    lines: [
      {
        text: `${sev.zh} · ${neutralise(words.title.zh, 80)} / ${sev.en} · ${neutralise(words.title.en, 80)}`,
      },
      { text: `机关 Body:${neutralise(body.name, 60)}(${neutralise(where, 120)})` },
      { text: `报告年度 Report year:${alert.year}` },
      { text: `发现:${neutralise(f.message.zh, 600)}` },
      { text: `Finding: ${neutralise(f.message.en, 600)}` },
      ...(links.evidenceUrl ? [{ text: '查看证据 Evidence', href: links.evidenceUrl }] : []),
      ...(links.manageUrl ? [{ text: '管理订阅 Manage', href: links.manageUrl }] : []),
      { text: '退订 Unsubscribe', href: links.unsubscribeUrl },
    ],
  };
}

/**
 * The double-opt-in message posted to a robot: the scopes in words, the filters, the confirmation link,
 * how long it works, and that nothing is sent before someone in the group opens it. Pure.
 */
export function renderRobotConfirmation(o: {
  scopeNames: readonly string[];
  filters: string;
  link: string;
  validHours: number;
}): RobotMessage {
  return {
    title: '【年报监测】请确认订阅 Confirm the subscription',
    lines: [
      { text: '有人申请让本群机器人接收 nianbao-watch 政府信息公开年报提醒:' },
      ...o.scopeNames.map((n) => ({ text: `· ${neutralise(n, 80)}` })),
      { text: neutralise(o.filters, 200) },
      { text: `请在 ${o.validHours} 小时内打开链接确认;确认前不会发送任何提醒。如非本群申请,请忽略。` },
      { text: `Open the link within ${o.validHours} hours to confirm; nothing is sent before that.` },
      { text: '确认订阅 Confirm', href: o.link },
    ],
  };
}

/** A Markdown link target: our URLs only; `(`, `)` and spaces percent-encoded so the link cannot end early. */
const markdownHref = (href: string) => href.replace(/[()\s]/g, (c) => encodeURIComponent(c));

/**
 * The message as Markdown for 企业微信 (`msgtype: markdown`) and 钉钉 (`msgtype: markdown`): a bold title,
 * then one paragraph per line, links as `[text](url)`; cut to `maxBytes` UTF-8 bytes (企业微信: 4096) by
 * shortening the text lines, never the links.
 */
export function toMarkdown(m: RobotMessage, maxBytes = 4096): string {
  const render = (lines: RobotLine[]) =>
    [
      `**${m.title}**`,
      ...lines.map((l) => ('href' in l ? `[${l.text}](${markdownHref(l.href)})` : l.text)),
    ].join('\n\n');
  let lines = m.lines;
  let out = render(lines);
  for (let max = 400; Buffer.byteLength(out) > maxBytes && max >= 20; max = Math.floor(max / 2)) {
    lines = m.lines.map((l) => ('href' in l ? l : { text: shorten(l.text, max) }));
    out = render(lines);
  }
  return out;
}

/** The message as plain text (lines, links after their words): for a text-only reader of a webhook. */
export function toPlainText(m: RobotMessage): string {
  return [m.title, ...m.lines.map((l) => ('href' in l ? `${l.text}: ${l.href}` : l.text))].join('\n');
}

/**
 * The message as a 飞书 rich-text `post` (zh_cn): plain `text` tags (not parsed for markup) and `a` tags
 * for our links, one paragraph per line.
 */
export function toFeishuPost(m: RobotMessage): { post: { zh_cn: { title: string; content: unknown[][] } } } {
  return {
    post: {
      zh_cn: {
        title: m.title,
        content: m.lines.map((l) =>
          'href' in l ? [{ tag: 'a', text: l.text, href: l.href }] : [{ tag: 'text', text: l.text }],
        ),
      },
    },
  };
}

function shorten(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
