import { html } from 'hono/html';
import type { BodySummary, CrawlHealth } from '../../read/index.ts';
import { bodyHref, tableRegion } from '../components.ts';
import { beijingTime } from '../labels.ts';
import { type Html, page } from '../layout.ts';
import type { ScopeOption } from '../scopes.ts';

export interface AdminView {
  failing: Array<{ body: BodySummary; health: CrawlHealth }>;
  inconclusive: Array<{ body: BodySummary; year: number; reasons: string[] }>;
  /** Sections read from the admin API (dead letters, queue depths, crawl errors): its JSON, or why not. */
  api: Array<{ title: string; en: string; rows: Array<Record<string, unknown>> | null; note?: string }>;
  bodies: BodySummary[];
  scopes: ScopeOption[];
  /** The result of the last action (from the redirect after it). */
  flash: { ok: boolean; text: string } | null;
  /** A registry entry loaded into the editor (JSON text). */
  entry: { id: string; json: string } | null;
}

/** The login form: the admin key, kept in an HttpOnly cookie once accepted. */
export function adminLoginPage(error: string | null): Html {
  return page(
    { title: '管理 Admin', noindex: true, current: 'admin' },
    html`<h1>管理员登录 <span class="en" lang="en">Admin sign-in</span></h1>
${error ? html`<p class="notice" role="alert">${error}</p>` : ''}
<form method="post" action="/admin/login" class="card">
<p><label for="key">管理密钥 <span class="en" lang="en">Admin key</span>
<span class="hint">由 <code>nianbao admin-key create</code> 签发,或部署时配置的令牌 <span lang="en">an issued key or the deployment's token</span></span></label>
<input type="password" id="key" name="key" required autocomplete="current-password" size="36"></p>
<p><button type="submit">登录 <span lang="en">Sign in</span></button></p>
</form>`,
  );
}

const action = (name: string, label: Html, fields: Html, secondary = false): Html =>
  html`<form method="post" action="/admin/do/${name}" class="inline">${fields}<div><button type="submit"${secondary ? html` class="secondary"` : ''}>${label}</button></div></form>`;

function bodySelect(id: string, bodies: readonly BodySummary[], selected?: string): Html {
  return html`<div><label for="${id}">机关 <span class="en" lang="en">Body</span></label>
<select id="${id}" name="bodyId">${bodies.map((b) => html`<option value="${b.id}"${b.id === selected ? html` selected` : ''}>${b.name} (${b.id})</option>`)}</select></div>`;
}

function apiSection(s: AdminView['api'][number], i: number): Html {
  const columns = s.rows?.length ? Object.keys(s.rows[0] ?? {}).slice(0, 6) : [];
  return html`<h2>${s.title} <span class="en" lang="en">${s.en}</span></h2>
${s.note ? html`<p class="muted">${s.note}</p>` : ''}
${
  s.rows?.length
    ? tableRegion(
        s.en,
        html`<table><caption>${s.title} (${s.rows.length})</caption>
<thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>${s.rows.map(
          (r) =>
            html`<tr>${columns.map((c) => html`<td class="mono">${typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c] ?? '')}</td>`)}</tr>`,
        )}</tbody></table>`,
      )
    : s.rows
      ? html`<p class="muted" id="api-empty-${i}">无 <span lang="en">none</span></p>`
      : ''
}`;
}

/** `/admin`: what broke, and the buttons to fix it (each a form posting to the admin API through /admin/do). */
export function adminPage(v: AdminView): Html {
  return page(
    { title: '管理 Admin', noindex: true, current: 'admin' },
    html`<h1>管理 <span class="en" lang="en">Admin</span></h1>
${v.flash ? html`<p class="${v.flash.ok ? 'ok' : 'notice'}" role="status">${v.flash.text}</p>` : ''}
<form method="post" action="/admin/logout" class="inline"><div><button type="submit" class="secondary">退出 <span lang="en">Sign out</span></button></div></form>

<h2>操作 <span class="en" lang="en">Actions</span></h2>
<h3>重新抓取 <span class="en" lang="en">Re-crawl</span></h3>
${action('recrawl', html`重新抓取该机关 <span lang="en">Re-crawl body</span>`, bodySelect('recrawl-body', v.bodies))}
${action(
  'recrawl-scope',
  html`重新抓取该范围 <span lang="en">Re-crawl scope</span>`,
  html`<div><label for="recrawl-scope">范围 <span class="en" lang="en">Scope</span></label>
<select id="recrawl-scope" name="scope">${v.scopes.map((s) => html`<option value="${s.code}">${'\u3000'.repeat(s.depth)}${s.name}</option>`)}</select></div>`,
)}
<h3>重新解析与规则 <span class="en" lang="en">Re-parse and rules</span></h3>
${action('reparse', html`从存档重新解析 <span lang="en">Re-parse from the archive</span>`, bodySelect('reparse-body', v.bodies))}
${action('rerun-rules', html`重新运行规则 <span lang="en">Re-run the rules</span>`, bodySelect('rules-body', v.bodies))}
<h3>登记表 <span class="en" lang="en">Registry entry</span></h3>
<form method="get" action="/admin" class="inline">${bodySelect('edit-body', v.bodies, v.entry?.id)}<div><button type="submit" class="secondary">载入 <span lang="en">Load</span></button></div></form>
<form method="post" action="/admin/do/registry" class="card">
<p><label for="entry">登记条目(JSON) <span class="en" lang="en">Entry (JSON, the registry's schema)</span></label>
<textarea id="entry" name="entry" spellcheck="false">${v.entry?.json ?? ''}</textarea></p>
<p><button type="submit">保存 <span lang="en">Save</span></button></p>
</form>
${action(
  'discover',
  html`查找年报栏目 <span lang="en">Discover the listing URL</span>`,
  html`<div><label for="discover-url">门户网站首页 <span class="en" lang="en">Portal home page</span></label>
<input type="text" id="discover-url" name="url" inputmode="url" size="36" placeholder="http://www.example.gov.cn/"></div>`,
  true,
)}

<h2>抓取失败的机关 <span class="en" lang="en">Failing bodies</span> (${v.failing.length})</h2>
${
  v.failing.length
    ? tableRegion(
        'Failing bodies',
        html`<table><caption>抓取失败 <span class="en" lang="en">Failing bodies</span></caption>
<thead><tr><th scope="col">机关 Body</th><th scope="col">最近错误 Last error</th><th scope="col" class="num">连续失败 In a row</th><th scope="col">失败开始 Since</th><th scope="col">最近成功 Last success</th></tr></thead>
<tbody>${v.failing.map(
          (f) =>
            html`<tr><th scope="row"><a href="${bodyHref(f.body.id)}">${f.body.name}</a></th><td><code>${f.health.lastErrorClass ?? ''}</code> ${f.health.lastError ?? ''}</td><td class="num">${f.health.consecutiveFailures}</td><td>${beijingTime(f.health.failingSince)}</td><td>${beijingTime(f.health.lastSuccessAt)}</td></tr>`,
        )}</tbody></table>`,
      )
    : html`<p class="muted">无 <span lang="en">none</span></p>`
}
<h2>无法判定的年度 <span class="en" lang="en">Inconclusive years</span> (${v.inconclusive.length})</h2>
${
  v.inconclusive.length
    ? html`<ul>${v.inconclusive.map(
        (i) =>
          html`<li><a href="${bodyHref(i.body.id)}">${i.body.name}</a> ${i.year}: ${i.reasons.join('; ') || '—'}</li>`,
      )}</ul>`
    : html`<p class="muted">无 <span lang="en">none</span></p>`
}
${v.api.map(apiSection)}`,
  );
}
