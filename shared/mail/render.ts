import type { RecipientLinks } from '../alerts/links.ts';
import type { Body } from '../domain/body.ts';
import type { AlertRecord } from '../store/records.ts';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export interface RenderOptions {
  /** Where a reader finds archived objects. */
  archiveBase: string;
  /** The scope in words (江西省 › 吉安市). */
  scopeName?: (scope: string) => string;
  /** A subscriber's signed links (absent: the admin address, which has no subscription). */
  links?: RecipientLinks;
}

const SEVERITY_ZH = { error: '错误', warning: '警告', info: '提示' } as const;

/**
 * One alert as an e-mail a watchdog can forward: what, who, which year, the legal basis or the rule,
 * the quoted evidence, the source page and where the archived copy is kept. Pure.
 */
export function renderAlertMail(alert: AlertRecord, body: Body, o: RenderOptions): RenderedMail {
  if (alert.rule === 'sweep.summary') return renderSummaryMail(alert);
  const archiveBase = o.archiveBase;
  const f = alert.finding;
  const where = [...body.parents.map((p) => p.name), body.name].join(' › ');
  const subject = `[nianbao-watch] ${body.name} ${alert.year}年度报告: ${f.message.zh} (${alert.rule})`;
  const evidence = f.evidence.map((e) => {
    const loc = e.start !== undefined ? ` @${e.where}:${e.start}-${e.end ?? e.start}` : ` @${e.where}`;
    const extra = e.computation ? `\n    计算 / computation: ${e.computation}` : '';
    return `  «${e.quote}»${loc}${extra}`;
  });
  const lines = [
    `${SEVERITY_ZH[f.severity]} / ${f.severity}: ${f.message.zh}`,
    `${f.message.en}`,
    '',
    `机关 / Body: ${body.name} (${body.id}) — ${where}`,
    `报告年度 / Report year: ${alert.year}`,
    `规则 / Rule: ${alert.rule}`,
    ...(alert.reportUrl ? [`原文 / Source page: ${alert.reportUrl}`] : []),
    ...(alert.rawKey ? [`存档 / Archived copy: ${archiveBase}/${alert.rawKey}`] : []),
    '',
    '证据 / Evidence:',
    ...evidence,
    '',
    `Alert id: ${alert.alertId} · raised ${alert.createdAt}`,
    '—',
    ...footerLines(o),
  ];
  const text = `${lines.join('\n')}\n`;
  const html = `<!doctype html><html><body><pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(text)}</pre></body></html>`;
  return { subject, text, html };
}

function footerLines(o: RenderOptions): string[] {
  if (!o.links) {
    return [
      'nianbao-watch 政府信息公开年报监测. 您是本系统的管理员。 You receive this as the administrator.',
    ];
  }
  const name = o.scopeName ?? ((s: string) => s);
  return [
    'nianbao-watch 政府信息公开年报监测. 您订阅了以下范围 / You subscribed to:',
    ...o.links.unsubscribeScope.map((u) => `  ${name(u.scope)} — 退订此范围 / unsubscribe: ${u.url}`),
    `全部退订 / Unsubscribe from everything: ${o.links.unsubscribeAll}`,
    `管理订阅 / Manage my alerts: ${o.links.manage}`,
  ];
}

/**
 * A sweep summary (shared/stages/sweep-summary.ts) stands for many bodies: its alert's body is only a key,
 * so the mail names no single body or year, and lists the counts and the bodies with their reasons.
 */
function renderSummaryMail(alert: AlertRecord): RenderedMail {
  const f = alert.finding;
  const [counts, ...listed] = f.evidence;
  const lines = [
    `${SEVERITY_ZH[f.severity]} / ${f.severity}: ${f.message.zh}`,
    f.message.en,
    '',
    `按规则计数 / Per rule: ${counts?.quote ?? ''}`,
    '',
    '机关及原因 / Bodies and why:',
    ...listed.map((e) => `  ${e.where}: ${e.quote}`),
    '',
    `Alert id: ${alert.alertId} · raised ${alert.createdAt}`,
    '—',
    'nianbao-watch 政府信息公开年报监测. You receive this as the administrator of this deployment.',
  ];
  const text = `${lines.join('\n')}\n`;
  const html = `<!doctype html><html><body><pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(text)}</pre></body></html>`;
  return { subject: `[nianbao-watch] 期限检查汇总 / Sweep summary: ${f.message.en}`, text, html };
}
