import type { RecipientLinks } from '../alerts/links.ts';
import type { Body } from '../domain/body.ts';
import type { Evidence } from '../domain/finding.ts';
import type { AlertRecord } from '../store/records.ts';
import { escapeHtml } from './html.ts';
import { placeName, ruleWording, SEVERITY_WORDS } from './wording.ts';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderOptions {
  /** The finding's public evidence page (alerts/evidence-url.ts). */
  evidenceUrl?: string;
  /** A scope in words (江西省 › 吉安市). */
  scopeName?: (scope: string) => string;
  /** A subscriber's signed links; absent: the mail goes to the admin address. */
  links?: RecipientLinks;
}

/** Subject lines are cut to this many characters (RFC 5322 recommends lines under 78; clients show ~100). */
export const SUBJECT_MAX = 100;

/** One line of text for a header: no control characters, runs of space folded, at most `max` characters. */
export function oneLine(s: string, max: number): string {
  const flat = s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

const STYLE =
  'font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;line-height:1.6;color:#1a1a1a;max-width:680px';

/**
 * One alert as an e-mail a watchdog can read and forward, Chinese first with short English: the severity
 * and what was found, the body with its jurisdiction, the year, the rule explained and its legal basis,
 * each piece of evidence with the quote highlighted and the arithmetic, links to the source page and the
 * finding's evidence page, and the reader's own unsubscribe and manage links (or, to the admin address,
 * why an admin receives it). The subject names the body, the year and the finding, bounded to SUBJECT_MAX.
 * Pure: the same inputs give the same mail.
 */
export function renderAlertMail(alert: AlertRecord, body: Body, o: RenderOptions = {}): RenderedMail {
  if (alert.rule === 'sweep.summary') return renderSummaryMail(alert);
  const f = alert.finding;
  const words = ruleWording(alert.rule, alert.year, f.message);
  const sev = SEVERITY_WORDS[f.severity];
  const where = [...body.parents.map((p) => p.name), body.name].join(' › ');
  const admin = !o.links;
  // A rule without its own wording is explained by the finding's message: not printed twice.
  const ruleShown = words.rule.zh !== f.message.zh;
  const subject = oneLine(
    `${admin ? '[nianbao-watch 管理]' : '[nianbao-watch]'} ${sev.zh}:${oneLine(body.name, 40)} ${alert.year}年度报告 ${words.title.zh}`,
    SUBJECT_MAX,
  );
  const evidence = f.evidence.map((e, i) => evidenceText(e, i + 1));
  const text = [
    `${sev.zh} · ${words.title.zh}`,
    `${sev.en} · ${words.title.en}`,
    '',
    `机关 Body:${body.name}(${where})`,
    `报告年度 Report year:${alert.year}`,
    '',
    '发现 Finding',
    f.message.zh,
    f.message.en,
    '',
    ...(ruleShown ? ['规则 The rule', words.rule.zh, words.rule.en] : []),
    ...(words.basis ? ['', `依据 Legal basis:${words.basis}`] : []),
    '',
    ...(evidence.length ? ['证据 Evidence', ...evidence, ''] : []),
    ...(o.evidenceUrl ? [`证据页面 Evidence page:${o.evidenceUrl}`] : []),
    ...(alert.reportUrl ? [`原文 Source page:${alert.reportUrl}`] : []),
    '',
    '—',
    ...footerText(o),
  ].join('\n');
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="${STYLE}">
<p style="font-size:1.15em"><strong style="color:${f.severity === 'error' ? '#b00020' : f.severity === 'warning' ? '#8a5a00' : '#1f5fa8'}">${sev.zh} · ${escapeHtml(words.title.zh)}</strong><br><span lang="en" style="color:#555">${sev.en} · ${escapeHtml(words.title.en)}</span></p>
<table style="border-collapse:collapse">
<tr><th style="text-align:left;padding-right:1em">机关 Body</th><td>${escapeHtml(body.name)}<br><span style="color:#555">${escapeHtml(where)}</span></td></tr>
<tr><th style="text-align:left;padding-right:1em">报告年度 Year</th><td>${alert.year}</td></tr>
</table>
<h3>发现 <span lang="en">Finding</span></h3>
<p>${escapeHtml(f.message.zh)}<br><span lang="en" style="color:#555">${escapeHtml(f.message.en)}</span></p>
${ruleShown ? `<h3>规则 <span lang="en">The rule</span></h3><p>${escapeHtml(words.rule.zh)}<br><span lang="en" style="color:#555">${escapeHtml(words.rule.en)}</span></p>` : ''}
${words.basis ? `<p><strong>依据 <span lang="en">Legal basis</span>:</strong>${escapeHtml(words.basis)}</p>` : ''}
${f.evidence.length ? `<h3>证据 <span lang="en">Evidence</span></h3><ol>${f.evidence.map(evidenceHtml).join('')}</ol>` : ''}
<p>${o.evidenceUrl ? `<a href="${escapeHtml(o.evidenceUrl)}">查看证据页面 <span lang="en">Evidence page</span></a>` : ''}${
    o.evidenceUrl && alert.reportUrl ? ' · ' : ''
  }${alert.reportUrl ? `<a href="${escapeHtml(alert.reportUrl)}">原文 <span lang="en">Source page</span></a>` : ''}</p>
<hr><div style="color:#555;font-size:.9em">${footerHtml(o)}</div>
</body></html>`;
  return { subject, text: `${text}\n`, html };
}

function evidenceText(e: Evidence, n: number): string {
  return [
    `${n}. 「${oneLine(e.quote, 600)}」`,
    `   位置 Where:${placeName(e.where)}`,
    ...(e.computation ? [`   计算与说明 Details:${e.computation}`] : []),
  ].join('\n');
}

function evidenceHtml(e: Evidence): string {
  return `<li><mark style="background:#fff3a8">${escapeHtml(oneLine(e.quote, 600))}</mark><br><span style="color:#555">位置 <span lang="en">Where</span>:${escapeHtml(placeName(e.where))}</span>${
    e.computation
      ? `<br>计算与说明 <span lang="en">Details</span>:<code>${escapeHtml(e.computation)}</code>`
      : ''
  }</li>`;
}

const ADMIN_FOOTER = [
  '您收到此邮件,是因为您是本 nianbao-watch 部署的管理员;订阅者不会收到它。',
  'You receive this as the administrator of this nianbao-watch deployment; subscribers do not.',
];

function footerText(o: RenderOptions): string[] {
  if (!o.links) return ADMIN_FOOTER;
  const name = o.scopeName ?? ((s: string) => s);
  return [
    'nianbao-watch 政府信息公开年报监测。您订阅了 You subscribed to:',
    ...o.links.unsubscribeScope.map((u) => `  ${name(u.scope)} — 退订此范围 unsubscribe: ${u.url}`),
    `全部退订 Unsubscribe from everything: ${o.links.unsubscribeAll}`,
    `管理订阅 / Manage my alerts: ${o.links.manage}`,
  ];
}

function footerHtml(o: RenderOptions): string {
  if (!o.links)
    return `${escapeHtml(ADMIN_FOOTER[0] ?? '')}<br><span lang="en">${escapeHtml(ADMIN_FOOTER[1] ?? '')}</span>`;
  const name = o.scopeName ?? ((s: string) => s);
  return `nianbao-watch 政府信息公开年报监测。您订阅了 <span lang="en">You subscribed to</span>:${o.links.unsubscribeScope
    .map(
      (u) =>
        `${escapeHtml(name(u.scope))}(<a href="${escapeHtml(u.url)}">退订此范围 <span lang="en">unsubscribe</span></a>)`,
    )
    .join(
      ';',
    )}<br><a href="${escapeHtml(o.links.unsubscribeAll)}">全部退订 <span lang="en">Unsubscribe from everything</span></a> · <a href="${escapeHtml(o.links.manage)}">管理订阅 <span lang="en">Manage my alerts</span></a>`;
}

/**
 * A sweep summary (shared/stages/sweep-summary.ts) stands for many bodies: its alert's body is only a key,
 * so the mail names no single body or year, and lists the counts and the bodies with their reasons. Admins only.
 */
function renderSummaryMail(alert: AlertRecord): RenderedMail {
  const f = alert.finding;
  const [counts, ...listed] = f.evidence;
  const lines = [
    `${SEVERITY_WORDS[f.severity].zh} · 期限检查汇总 / Sweep summary`,
    f.message.zh,
    f.message.en,
    '',
    `按规则计数 Per rule:${counts?.quote ?? ''}`,
    '',
    '机关及原因 Bodies and why:',
    ...listed.map((e) => `  ${e.where}: ${oneLine(e.quote, 300)}`),
    '',
    '—',
    ...ADMIN_FOOTER,
  ];
  const text = `${lines.join('\n')}\n`;
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body style="${STYLE}"><pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(text)}</pre></body></html>`;
  return {
    subject: oneLine(`[nianbao-watch 管理] 期限检查汇总 / Sweep summary: ${f.message.zh}`, SUBJECT_MAX),
    text,
    html,
  };
}
