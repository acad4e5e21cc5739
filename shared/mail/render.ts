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

const SEVERITY_ZH = { error: '错误', warning: '警告', info: '提示' } as const;

/**
 * One alert as an e-mail a watchdog can forward: what, who, which year, the legal basis or the rule,
 * the quoted evidence, the source page and where the archived copy is kept. Pure.
 */
export function renderAlertMail(alert: AlertRecord, body: Body, archiveBase: string): RenderedMail {
  if (alert.rule === 'sweep.summary') return renderSummaryMail(alert);
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
    'nianbao-watch 政府信息公开年报监测. You receive this because you subscribed to this jurisdiction.',
  ];
  const text = `${lines.join('\n')}\n`;
  const html = `<!doctype html><html><body><pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(text)}</pre></body></html>`;
  return { subject, text, html };
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
