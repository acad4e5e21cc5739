import type { Context } from 'hono';
import { html } from 'hono/html';
import { type Html, page } from '../web/layout.ts';
import { PAGE_HEADERS } from '../web/security.ts';

/** Sends one of these pages with the site's security headers (CSP, nosniff), never cached: they carry tokens. */
export async function sendAlertPage(
  c: Context,
  body: Html,
  status: 200 | 400 | 410 = 200,
): Promise<Response> {
  return c.html(await body, status, { ...PAGE_HEADERS, 'cache-control': 'private, no-store' });
}

/** A page with one message: what happened, in Chinese first then English; `lines` optional details. */
export function messagePage(title: string, zh: string, en: string, lines: readonly string[] = []): Html {
  return page(
    { title, noindex: true },
    html`<h1>${title}</h1><p>${zh}</p><p lang="en">${en}</p>${
      lines.length ? html`<ul>${lines.map((l) => html`<li>${l}</li>`)}</ul>` : ''
    }`,
  );
}

/**
 * The page a mailed unsubscribe link opens (GET): it asks, and the button POSTs the same signed link,
 * as RFC 8058 one-click does: a link scanner that follows GETs unsubscribes nobody.
 */
export function unsubscribePrompt(what: string, action: string): Html {
  return page(
    { title: '退订 Unsubscribe', noindex: true },
    html`<h1>退订 <span lang="en">Unsubscribe</span></h1>
<p>停止接收以下范围的提醒:<strong>${what}</strong></p>
<p lang="en">Stop the alerts for: <strong>${what}</strong></p>
<form method="post" action="${action}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">确认退订 Unsubscribe</button>
</form>`,
  );
}

/**
 * The page a mailed confirmation link opens (GET): the scopes the change will give, and a button that
 * POSTs the same link; only the POST applies the change (a link scanner's GET confirms nothing).
 */
export function confirmPrompt(scopes: readonly string[], action: string): Html {
  return page(
    { title: '确认订阅 Confirm subscription', noindex: true },
    html`<h1>确认订阅 <span lang="en">Confirm subscription</span></h1>
<p>确认后,以下范围的提醒将发送到您的邮箱:</p>
<p lang="en">Once confirmed, you will receive the alerts for:</p>
<ul>${scopes.map((s) => html`<li>${s}</li>`)}</ul>
<form method="post" action="${action}">
<button type="submit">确认订阅 Confirm</button>
</form>`,
  );
}

export interface ManageView {
  email: string;
  filters: string;
  scopes: Array<{ name: string; unsubscribe: string }>;
  unsubscribeAll: string;
  suppressed: boolean;
}

/** Manage my alerts: the scopes in words, each with its own unsubscribe button, the filters, and stop-all. */
export function managePage(v: ManageView): Html {
  return page(
    { title: '管理我的提醒 Manage my alerts', noindex: true },
    html`<h1>管理我的提醒 <span lang="en">Manage my alerts</span></h1>
<p>${v.email}</p>
${v.suppressed ? html`<p><strong>此地址曾退信或投诉,已停止发送。</strong> <span lang="en">Mail to this address bounced or was reported: nothing is sent.</span></p>` : ''}
<p>${v.filters}</p>
${
  v.scopes.length === 0
    ? html`<p>当前没有订阅。 <span lang="en">You have no subscriptions.</span></p>`
    : html`<ul>${v.scopes.map(
        (s) =>
          html`<li>${s.name} <form method="post" action="${s.unsubscribe}" class="one-button"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">退订 Unsubscribe</button></form></li>`,
      )}</ul>
<form method="post" action="${v.unsubscribeAll}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">全部退订 Unsubscribe from everything</button></form>`
}`,
  );
}
