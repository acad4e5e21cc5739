import { html } from 'hono/html';
import type { BodySummary, CrawlHealth } from '../../read/index.ts';
import { bodyHref, tableRegion } from '../components.ts';
import { beijingTime } from '../labels.ts';
import { type Html, page } from '../layout.ts';
import type { ScopeOption } from '../scopes.ts';

/** One list read from the admin API (`GET /admin/failing` …): its items, or why it could not be read. */
export interface AdminSection {
  title: string;
  en: string;
  rows: Array<Record<string, unknown>> | null;
  note?: string;
  /** Dead letters: each row gets a requeue button. */
  requeue?: boolean;
}

export interface AdminView {
  sections: AdminSection[];
  bodies: BodySummary[];
  scopes: ScopeOption[];
  /** The result of the last action (from the redirect after it). */
  flash: { ok: boolean; text: string } | null;
  /** A registry entry loaded into the editor (JSON text). */
  entry: { id: string; json: string } | null;
  /** The portal URL a discover was asked for (kept in its field). */
  discoverUrl?: string;
  /** What discover found: shown, and its entry put in the editor; nothing saved. */
  proposal?: DiscoverProposalView;
}

/** The parts of a discover proposal the page shows. */
export interface DiscoverProposalView {
  gkUrl: string;
  listingUrl: string;
  columnTitle: string;
  complete: boolean;
  notes: string[];
  /** The registered body whose id the proposal carries: saving would replace its entry. */
  registered?: { id: string; name: string; listingUrl: string };
}

function proposalBlock(p: DiscoverProposalView): Html {
  return html`<section class="card" aria-labelledby="proposal-title"><h4 id="proposal-title">拟议条目 <span class="en" lang="en">Proposed entry</span></h4>
<dl>
<dt>政府信息公开 <span lang="en">disclosure section</span></dt><dd><a href="${p.gkUrl}" rel="noopener noreferrer">${p.gkUrl}</a></dd>
<dt>年报栏目 <span lang="en">年报 column</span></dt><dd>${p.columnTitle}: <a href="${p.listingUrl}" rel="noopener noreferrer">${p.listingUrl}</a></dd>
</dl>
<p>${p.complete ? '条目已完整,核对后可保存。 Complete: check it, then Save.' : '请补全 <…> 字段后再保存。 Fill in the <…> fields before saving.'}</p>
${p.notes.length ? html`<ul>${p.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
${
  p.registered
    ? html`<p class="notice">已登记 <code>${p.registered.id}</code> ${p.registered.name}(栏目 ${p.registered.listingUrl}):保存将替换该条目。
<span lang="en">Already registered: saving replaces that entry.</span></p>`
    : ''
}
</section>`;
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

const str = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** The columns each admin list is shown with: header, then the cell of a row. */
const COLUMNS: Record<string, Array<[string, (r: Record<string, unknown>) => Html]>> = {
  'Queue depths': [
    [
      '队列 Queue',
      (r) => html`${str(r.role)}${r.queue && r.queue !== r.role ? html` <code>${str(r.queue)}</code>` : ''}`,
    ],
    ['等待 Waiting', (r) => html`${r.queue === null ? str(r.error) : str(r.waiting)}`],
    ['处理中 In flight', (r) => html`${r.queue === null ? '' : str(r.inFlight)}`],
    [
      '死信 Dead letters',
      (r) =>
        r.queue === null
          ? html``
          : r.deadLetters === null
            ? html`<span class="muted">未知 unknown</span>`
            : Number(r.deadLetters) > 0
              ? html`<strong>${str(r.deadLetters)}</strong>`
              : html`0`,
    ],
  ],
  'Failing bodies': [
    ['机关 Body', (r) => html`<a href="${bodyHref(str(r.bodyId))}">${str(r.name ?? r.bodyId)}</a>`],
    [
      '最近错误 Last error',
      (r) => {
        const h = (r.health ?? {}) as CrawlHealth;
        return html`<code>${h.lastErrorClass ?? ''}</code> ${h.lastError ?? ''}`;
      },
    ],
    ['连续失败 In a row', (r) => html`${str((r.health as CrawlHealth | undefined)?.consecutiveFailures)}`],
    ['失败链接 Failing links', (r) => html`${str((r.health as CrawlHealth | undefined)?.failingLinks)}`],
    [
      '最近成功 Last success',
      (r) => html`${beijingTime((r.health as CrawlHealth | undefined)?.lastSuccessAt)}`,
    ],
  ],
  'Inconclusive and unreachable years': [
    ['机关 Body', (r) => html`<a href="${bodyHref(str(r.bodyId))}">${str(r.name ?? r.bodyId)}</a>`],
    ['年度 Year', (r) => html`${str(r.year)}`],
    ['结果 Outcome', (r) => html`${str(r.outcome)}`],
    ['原因 Why', (r) => html`${Array.isArray(r.reasons) ? r.reasons.map(str).join('; ') : ''}`],
  ],
  'Recent crawl errors': [
    ['机关 Body', (r) => html`<a href="${bodyHref(str(r.bodyId))}">${str(r.bodyId)}</a>`],
    ['时间 At', (r) => html`${beijingTime(str(r.at))}`],
    ['错误 Error', (r) => html`<code>${str(r.errorClass)}</code> ${str(r.error)}`],
    ['HTTP', (r) => html`${str(r.status)}`],
  ],
  'Dead letters': [
    ['队列 Queue', (r) => html`${str(r.queue)}`],
    ['消息 Message', (r) => html`<code>${str(r.body)}</code>`],
    ['错误 Error', (r) => html`${str(r.error)}`],
    ['次数 Tries', (r) => html`${str(r.receiveCount)}`],
  ],
};

function adminSection(s: AdminSection): Html {
  const columns = COLUMNS[s.en] ?? [];
  const rows = s.rows ?? [];
  return html`<h2>${s.title} <span class="en" lang="en">${s.en}</span>${s.rows ? ` (${rows.length})` : ''}</h2>
${s.note ? html`<p class="notice">无法读取 <span lang="en">could not read</span>: ${s.note}</p>` : ''}
${
  rows.length
    ? tableRegion(
        s.en,
        html`<table><caption>${s.title}</caption>
<thead><tr>${columns.map(([h]) => html`<th scope="col">${h}</th>`)}${s.requeue ? html`<th scope="col">操作 Action</th>` : ''}</tr></thead>
<tbody>${rows.map(
          (r) =>
            html`<tr>${columns.map(([, cell]) => html`<td>${cell(r)}</td>`)}${
              s.requeue
                ? html`<td>${action('requeue', html`重新入队 <span lang="en">Requeue</span>`, html`<input type="hidden" name="id" value="${str(r.id)}">`, true)}</td>`
                : ''
            }</tr>`,
        )}</tbody></table>`,
      )
    : s.rows
      ? html`<p class="muted">无 <span lang="en">none</span></p>`
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

${v.sections.map(adminSection)}
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
<p class="muted">载入一个机关的条目,修改后保存;改动 id 即新增机关。新门户:输入首页地址,查找其年报栏目并拟出条目(不会保存)。
<span lang="en">Load an entry, edit, save; a new id adds a body. A new portal: give its home page to find the 年报 column and draft an entry (nothing is saved).</span></p>
<form method="get" action="/admin" class="inline">${bodySelect('edit-body', v.bodies, v.entry?.id)}<div><button type="submit" class="secondary">载入 <span lang="en">Load</span></button></div></form>
${action(
  'discover',
  html`查找年报栏目 <span lang="en">Discover</span>`,
  html`<div><label for="discover-url">门户首页 <span class="en" lang="en">Portal home page</span></label>
<input type="url" id="discover-url" name="url" required size="40" placeholder="http://www.example.gov.cn/" value="${v.discoverUrl ?? ''}"></div>`,
  true,
)}
${v.proposal ? proposalBlock(v.proposal) : ''}
<form method="post" action="/admin/do/registry" class="card">
<p><label for="entry">登记条目(JSON) <span class="en" lang="en">Entry (JSON, the registry's schema)</span></label>
<textarea id="entry" name="entry" spellcheck="false">${v.entry?.json ?? ''}</textarea></p>
<p><button type="submit">保存 <span lang="en">Save</span></button></p>
</form>

`,
  );
}
