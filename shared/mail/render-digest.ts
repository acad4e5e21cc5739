import type { RecipientLinks } from '../alerts/links.ts';
import type { Body } from '../domain/body.ts';
import type { AlertRecord } from '../store/records.ts';
import { escapeHtml } from './html.ts';
import { oneLine, type RenderedMail, SUBJECT_MAX } from './render.ts';
import { ruleWording, SEVERITY_WORDS } from './wording.ts';

export interface DigestItem {
  alert: AlertRecord;
  body: Body;
  evidenceUrl: string;
}

/**
 * A subscriber's daily digest: the day's findings grouped by jurisdiction (the parent chain, 江西省 › 吉安市)
 * and then by body, each with its severity, title, message and evidence-page link; the footer carries the
 * recipient's links. Never called with no items (an empty day sends nothing). Pure.
 */
export function renderDigestMail(
  date: string,
  items: readonly DigestItem[],
  links: RecipientLinks,
  scopeName: (s: string) => string = (s) => s,
): RenderedMail {
  if (items.length === 0) throw new Error('a digest needs at least one finding');
  const byPlace = new Map<string, Map<string, DigestItem[]>>();
  for (const it of items) {
    const place = it.body.parents.map((p) => p.name).join(' › ') || it.body.name;
    const bodies = byPlace.get(place) ?? new Map<string, DigestItem[]>();
    bodies.set(it.body.name, [...(bodies.get(it.body.name) ?? []), it]);
    byPlace.set(place, bodies);
  }
  const places = [...byPlace.keys()].sort((a, b) => a.localeCompare(b, 'zh'));
  const line = (it: DigestItem) => {
    const w = ruleWording(it.alert.rule, it.alert.year, it.alert.finding.message);
    const sev = SEVERITY_WORDS[it.alert.finding.severity];
    return { sev, w, msg: it.alert.finding.message };
  };
  const text: string[] = [
    `nianbao-watch 每日汇总 Daily digest · ${date}`,
    `${items.length} 项发现 findings`,
    '',
  ];
  const html: string[] = [];
  for (const place of places) {
    text.push(`【${place}】`);
    html.push(`<h2>${escapeHtml(place)}</h2>`);
    for (const [bodyName, its] of [...(byPlace.get(place) ?? new Map()).entries()].sort()) {
      text.push(`  ${bodyName}`);
      html.push(`<h3>${escapeHtml(bodyName)}</h3><ul>`);
      for (const it of its as DigestItem[]) {
        const { sev, w, msg } = line(it);
        text.push(
          `    · ${sev.zh} ${it.alert.year}年度 ${w.title.zh}:${oneLine(msg.zh, 300)}`,
          `      ${it.evidenceUrl}`,
        );
        html.push(
          `<li><strong>${sev.zh}</strong> ${it.alert.year}年度 ${escapeHtml(w.title.zh)} <span lang="en">(${escapeHtml(w.title.en)})</span>:${escapeHtml(oneLine(msg.zh, 300))} <a href="${escapeHtml(it.evidenceUrl)}">证据 Evidence</a></li>`,
        );
      }
      html.push('</ul>');
    }
    text.push('');
  }
  const footer = [
    '您订阅了 You subscribed to:',
    ...links.unsubscribeScope.map((u) => `  ${scopeName(u.scope)} — 退订此范围 unsubscribe: ${u.url}`),
    `全部退订 Unsubscribe from everything: ${links.unsubscribeAll}`,
    `管理订阅 / Manage my alerts: ${links.manage}`,
  ];
  text.push('—', ...footer);
  const subject = oneLine(
    `[nianbao-watch] 每日汇总 ${date}:${items.length} 项发现 / Daily digest`,
    SUBJECT_MAX,
  );
  return {
    subject,
    text: `${text.join('\n')}\n`,
    html: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.6;max-width:680px"><h1>每日汇总 <span lang="en">Daily digest</span> · ${escapeHtml(date)}</h1>${html.join('')}<hr><p style="color:#555;font-size:.9em">${links.unsubscribeScope
      .map(
        (u) => `${escapeHtml(scopeName(u.scope))}(<a href="${escapeHtml(u.url)}">退订此范围 unsubscribe</a>)`,
      )
      .join(
        ';',
      )}<br><a href="${escapeHtml(links.unsubscribeAll)}">全部退订 Unsubscribe from everything</a> · <a href="${escapeHtml(links.manage)}">管理订阅 Manage my alerts</a></p></body></html>`,
  };
}
