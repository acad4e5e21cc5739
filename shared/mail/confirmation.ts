import { escapeHtml } from './html.ts';
import type { RenderedMail } from './render.ts';

/**
 * The double-opt-in mail of `POST /subscriptions`: the scopes in words (江西省 › 吉安市), the filters, the
 * link that applies them, how long it works, and that ignoring it changes nothing. Pure.
 */
export function renderConfirmationMail(o: {
  scopeNames: readonly string[];
  filters: string;
  link: string;
  validHours: number;
}): RenderedMail {
  const subject = '[nianbao-watch] 请确认订阅 / Confirm your subscription';
  const text = [
    '您(或他人以您的地址)申请订阅 nianbao-watch 政府信息公开年报提醒:',
    ...o.scopeNames.map((n) => `  · ${n}`),
    `  ${o.filters}`,
    '',
    `请在 ${o.validHours} 小时内打开以下链接确认。确认前不会发送任何提醒,您现有的订阅也不会改变。`,
    `Open this link within ${o.validHours} hours to confirm. Until then nothing is sent and nothing changes.`,
    '',
    o.link,
    '',
    '如非本人操作,请忽略本邮件。 If you did not ask for this, ignore this mail.',
  ].join('\n');
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.5">
<p>您(或他人以您的地址)申请订阅 nianbao-watch 政府信息公开年报提醒:</p>
<ul>${o.scopeNames.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>
<p>${escapeHtml(o.filters)}</p>
<p><a href="${escapeHtml(o.link)}">确认订阅 / Confirm</a>(${o.validHours} 小时内有效 / valid ${o.validHours} hours)</p>
<p style="color:#555">确认前不会发送任何提醒,您现有的订阅也不会改变。如非本人操作,请忽略本邮件。<br>
<span lang="en">Until you confirm nothing is sent and nothing changes. If you did not ask for this, ignore this mail.</span></p>
</body></html>`;
  return { subject, text: `${text}\n`, html };
}
