import { html } from 'hono/html';
import { type Html, page } from '../layout.ts';
import type { ScopeOption } from '../scopes.ts';

export interface SubscribeView {
  scopes: ScopeOption[];
  /** The scope chosen (from a body page's link, or the form posted back). */
  scope: string;
  email?: string;
  /** `email` (default) or a robot channel (wecom, dingtalk, feishu, webhook). */
  channel?: string;
  /** After a post: what the subscriptions API answered. */
  result?: { ok: true } | { ok: false; message: string; issues: string[] };
}

const CHANNELS: Array<[string, string]> = [
  ['email', '电子邮件 E-mail'],
  ['wecom', '企业微信群机器人 WeCom robot'],
  ['dingtalk', '钉钉群机器人 DingTalk robot'],
  ['feishu', '飞书群机器人 Feishu bot'],
  ['webhook', 'Webhook (Standard Webhooks)'],
];

/**
 * `/subscribe`: the subscription form, for an e-mail address or a group robot (its URL and signing
 * secret, never shown back); it posts here and the page asks the subscriptions API.
 */
export function subscribePage(v: SubscribeView): Html {
  const r = v.result;
  const channel = v.channel ?? 'email';
  const robot = channel !== 'email';
  return page(
    { title: '订阅提醒 Subscribe', current: 'subscribe' },
    html`<h1>订阅提醒 <span class="en" lang="en">E-mail alerts</span></h1>
<p class="lead">当所选范围内的机关逾期未发布年度报告,或报告中发现问题时,我们会发邮件给您。提交后请打开确认邮件中的链接,确认之前不会发送任何提醒。
<span lang="en">We e-mail you when a body in the scope misses its deadline or its report shows a problem. Open the link in the
confirmation mail first: nothing is sent before you confirm.</span></p>
${
  r?.ok
    ? robot
      ? html`<p class="ok" role="status">确认消息已发往该群机器人,请在群内打开其中的链接。 <span lang="en">A confirmation message was posted to the robot: open its link from the group.</span></p>`
      : html`<p class="ok" role="status">已发送确认邮件,请查收并点击其中的链接。 <span lang="en">Check your mailbox and open the confirmation link.</span></p>`
    : ''
}
${r && !r.ok ? html`<div class="notice" role="alert"><p>${r.message}</p>${r.issues.length ? html`<ul>${r.issues.map((i) => html`<li>${i}</li>`)}</ul>` : ''}</div>` : ''}
<form method="post" action="/subscribe" class="card">
<p><label for="channel">接收方式 <span class="en" lang="en">Channel</span></label>
<select id="channel" name="channel">${CHANNELS.map(
      ([value, name]) =>
        html`<option value="${value}"${value === channel ? html` selected` : ''}>${name}</option>`,
    )}</select></p>
<p><label for="email">电子邮件 <span class="en" lang="en">E-mail address</span>
<span class="hint">选择电子邮件时填写 <span lang="en">for e-mail</span></span></label>
<input type="email" id="email" name="email" autocomplete="email" size="32" value="${v.email ?? ''}"></p>
<p><label for="robotUrl">机器人 Webhook 地址 <span class="en" lang="en">Robot webhook URL</span>
<span class="hint">选择机器人时填写,平台给出的完整地址 <span lang="en">for a robot: the URL its platform gave</span></span></label>
<input type="url" id="robotUrl" name="robotUrl" autocomplete="off" size="48"></p>
<p><label for="robotSecret">签名密钥 <span class="en" lang="en">Signing secret</span>
<span class="hint">钉钉加签 SEC…、飞书签名校验、Webhook whsec_…(企业微信不需要) <span lang="en">DingTalk, Feishu, webhook; not WeCom</span></span></label>
<input type="password" id="robotSecret" name="robotSecret" autocomplete="off" size="48"></p>
<p><label for="scope">范围 <span class="en" lang="en">Scope</span>
<span class="hint">选择一个地区即包括其下所有机关 <span lang="en">a place covers every body in it</span></span></label>
<select id="scope" name="scope">${v.scopes.map(
      (s) =>
        html`<option value="${s.code}"${s.code === v.scope ? html` selected` : ''}>${'\u3000'.repeat(s.depth)}${s.name}</option>`,
    )}</select></p>
<p><button type="submit">订阅 <span lang="en">Subscribe</span></button></p>
</form>
<p class="muted">随时可以在邮件中的链接退订。 <span lang="en">Every mail has a link to stop the alerts.</span></p>`,
  );
}
