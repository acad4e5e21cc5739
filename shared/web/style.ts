import { createHash } from 'node:crypto';

/**
 * The dashboard's one stylesheet, inlined in every page (one request on a slow connection). Mobile first:
 * nothing is wider than the viewport at 360 px (wide tables scroll inside their own region), text and
 * badge colours keep a contrast ratio of at least 4.5:1 on their backgrounds (WCAG 2.1 AA), and the
 * keyboard focus is always visible.
 */
export const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.6;font-size:16px}
a{color:#0b3d91}a:hover{color:#062a66}
:focus-visible{outline:3px solid #c25400;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;color:#0b3d91;padding:.5rem;z-index:2}.skip:focus{left:.5rem}
header.site{background:#0b3d91;color:#fff;padding:.5rem 1rem}
header.site .brand{color:#fff;font-weight:700;text-decoration:none;margin-right:.5rem}
header.site .tag{font-size:.85rem;color:#e6ecf7}
nav.site ul{list-style:none;margin:.3rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.2rem 1rem}
nav.site a{color:#fff;text-decoration:none;font-size:.95rem}nav.site a[aria-current=page]{text-decoration:underline;font-weight:700}
main{max-width:72rem;margin:0 auto;padding:1rem}
footer.site{max-width:72rem;margin:2rem auto 1rem;padding:0 1rem;color:#555;font-size:.85rem}
h1{font-size:1.5rem;line-height:1.3;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.8rem 0 .6rem;border-bottom:1px solid #d0d7e2;padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.en{color:#555;font-weight:400;font-size:.85em}
p,li,dd{overflow-wrap:anywhere}
.crumbs{font-size:.9rem;color:#444;margin:.2rem 0}
.lead{color:#333}
.muted{color:#555;font-size:.9rem}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85em;overflow-wrap:anywhere}
.table-wrap{overflow-x:auto;max-width:100%;margin:.5rem 0 1rem}
.table-wrap:focus-visible{outline:3px solid #c25400}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border-bottom:1px solid #d0d7e2;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:#eef2f8}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.sticky tbody th[scope=row],table.sticky tfoot th[scope=row]{position:sticky;left:0;background:#fff;z-index:1;box-shadow:1px 0 0 #d0d7e2}
th button.sort{font:inherit;font-weight:700;background:none;border:0;padding:0;color:#0b3d91;cursor:pointer;text-align:inherit}
th button.sort::after{content:" ↕";color:#555}th[aria-sort=ascending] button.sort::after{content:" ↑"}th[aria-sort=descending] button.sort::after{content:" ↓"}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.85rem;white-space:nowrap;border:1px solid transparent}
.o-on-time{background:#e3f4e8;color:#14532d;border-color:#9fd3af}
.o-late{background:#fff1db;color:#7a3e00;border-color:#f0c27a}
.o-undated{background:#eef0f3;color:#333;border-color:#bcc3cc}
.o-missing{background:#fde4e4;color:#8a1111;border-color:#f0a3a3}
.o-inconclusive{background:#efe8fb;color:#4b2a86;border-color:#c8b6ec}
.o-unreachable{background:#f3e9e0;color:#5c3b1e;border-color:#d6b99c}
.o-none{background:#fff;color:#555;border-color:#ccc}
.s-error{background:#8a1111;color:#fff}.s-warning{background:#7a3e00;color:#fff}.s-info{background:#35507a;color:#fff}
.zero{color:#767676}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin:.5rem 0 1rem}
form.inline>div{min-width:0;max-width:100%}select{width:auto}
label{display:block;font-weight:600;font-size:.95rem}
label .hint{display:block;font-weight:400;color:#555;font-size:.85rem}
input,select,textarea,button{font:inherit;max-width:100%}
input[type=text],input[type=search],input[type=email],input[type=password],input[type=url],select,textarea{border:1px solid #767676;border-radius:4px;padding:.35rem .5rem;background:#fff;color:#1a1a1a}
textarea{width:100%;min-height:12rem;font-family:ui-monospace,monospace;font-size:.85rem}
button,.button{background:#0b3d91;color:#fff;border:1px solid #0b3d91;border-radius:4px;padding:.4rem .9rem;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:#0b3d91}
.links{display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0;list-style:none}
.card{border:1px solid #d0d7e2;border-radius:6px;padding:.8rem 1rem;margin:.8rem 0;background:#fbfcfe}
.finding{border-left:4px solid #35507a;padding:.4rem .8rem;margin:.8rem 0;background:#f7f9fc}
.finding.s-error-edge{border-left-color:#8a1111}.finding.s-warning-edge{border-left-color:#c25400}
details summary{cursor:pointer;color:#0b3d91;overflow-wrap:anywhere}
blockquote{margin:.4rem 0;padding:.4rem .8rem;border-left:3px solid #bcc3cc;background:#fff;white-space:pre-wrap;overflow-wrap:anywhere}
mark{background:#ffe58a;color:#1a1a1a;padding:0 .1rem}
mark.flag{background:#ffd2d2;outline:2px solid #8a1111}
.computed{font-size:.85rem;color:#8a1111;font-weight:600;background:#fff5f5;border:1px solid #f0a3a3;border-radius:3px;padding:0 .3rem;margin:0 .3rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
@media (max-width:30rem){dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.4rem}}
.filter{margin:.5rem 0}.filter input{width:100%;max-width:24rem}.filter output{margin-left:.5rem;color:#555}
@media (max-width:40rem){
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack caption{display:block}
table.stack tbody,table.stack tfoot{display:block}
table.stack tr{display:grid;grid-template-columns:1fr;gap:0;border-bottom:2px solid #d0d7e2;padding:.4rem 0}
table.stack.two tr{grid-template-columns:1fr 1fr;column-gap:.8rem}
table.stack th[scope=row]{grid-column:1/-1;border:0;padding:.2rem 0;position:static;box-shadow:none}
table.stack td:empty{display:none}
table.stack td{border:0;padding:.1rem 0;text-align:left;display:flex;justify-content:space-between;gap:.5rem}
table.stack td::before{content:attr(data-label);color:#444;font-size:.85rem}
}
.report-text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.8}
.archived-frame{display:block;width:100%;height:28em;border:1px solid #ccc}
form.one-button{display:inline}
.diff-add{background:#e3f4e8;color:#14532d}.diff-del{background:#fde4e4;color:#8a1111;text-decoration:line-through}
.notice{border:1px solid #f0c27a;background:#fff8ea;padding:.6rem .8rem;border-radius:4px}
.ok{border:1px solid #9fd3af;background:#eefaf1;padding:.6rem .8rem;border-radius:4px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** `'sha256-…'` of STYLE, for a Content-Security-Policy that allows this one inline stylesheet only. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;
