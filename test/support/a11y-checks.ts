import type { Page } from 'playwright-core';

/**
 * A minimal accessibility check of our own, run inside the page: axe-core is not installed (and packages
 * are not added for tests), so these are the WCAG 2.1 A/AA checks the dashboard's pages can fail, written
 * after axe's rules of the same names (each violation here is one axe rates serious or critical):
 * - `html-has-lang`, `document-title`, `duplicate-id`;
 * - `image-alt`; `label` (every form field has a label, aria-label or aria-labelledby);
 * - `button-name`, `link-name` (an accessible name, text or aria-label);
 * - `th-has-data-cells` / `scope` (data tables have header cells; <th> in a body row says its scope);
 * - `heading-order` (one h1, levels never skip downward), `tabindex` (no positive tabindex);
 * - `color-contrast` (WCAG 1.4.3: 4.5:1, 3:1 for large text; text over an opaque background computed by
 *   walking up to the first non-transparent background; text in a hidden element is skipped).
 */
export interface A11yViolation {
  rule: string;
  impact: 'serious' | 'critical';
  target: string;
  detail: string;
}

const CHECKS = `(() => {
  const out = [];
  const where = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    else if (el.className && typeof el.className === 'string') s += '.' + el.className.trim().split(/\\s+/).join('.');
    const text = (el.textContent || '').trim().slice(0, 40);
    return text ? s + ' "' + text + '"' : s;
  };
  const add = (rule, impact, el, detail) => out.push({ rule, impact, target: el ? where(el) : 'document', detail });
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
  };
  const name = (el) => {
    const label = el.getAttribute('aria-label');
    if (label && label.trim()) return label.trim();
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\\s+/).map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    if (el.id) {
      const l = document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
      if (l && l.textContent.trim()) return l.textContent.trim();
    }
    const wrap = el.closest('label');
    if (wrap && wrap.textContent.trim()) return wrap.textContent.trim();
    if (el.tagName === 'IMG') return (el.getAttribute('alt') || '').trim();
    const text = (el.textContent || '').trim();
    if (text) return text;
    const img = el.querySelector('img[alt]');
    if (img && img.getAttribute('alt').trim()) return img.getAttribute('alt').trim();
    return (el.getAttribute('title') || el.getAttribute('value') || '').trim();
  };
  if (!document.documentElement.getAttribute('lang')) add('html-has-lang', 'serious', null, 'no lang on <html>');
  if (!document.title.trim()) add('document-title', 'serious', null, 'empty <title>');
  const ids = new Map();
  document.querySelectorAll('[id]').forEach((el) => ids.set(el.id, (ids.get(el.id) || 0) + 1));
  ids.forEach((n, id) => { if (n > 1) add('duplicate-id', 'serious', document.getElementById(id), id + ' used ' + n + ' times'); });
  document.querySelectorAll('img').forEach((el) => { if (!el.hasAttribute('alt')) add('image-alt', 'critical', el, 'no alt'); });
  document.querySelectorAll('input, select, textarea').forEach((el) => {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (['hidden', 'submit', 'button', 'reset'].includes(type)) return;
    if (!name(el) || name(el) === (el.getAttribute('value') || '').trim()) add('label', 'critical', el, 'form field without a label');
  });
  document.querySelectorAll('button, [role=button], input[type=submit]').forEach((el) => {
    if (!name(el)) add('button-name', 'critical', el, 'button without a name');
  });
  document.querySelectorAll('a[href]').forEach((el) => { if (!name(el)) add('link-name', 'serious', el, 'link without a name'); });
  document.querySelectorAll('table').forEach((t) => {
    if (t.getAttribute('role') === 'presentation') return;
    if (!t.querySelector('th')) add('th-has-data-cells', 'serious', t, 'data table without header cells');
    t.querySelectorAll('tbody th').forEach((th) => {
      if (!th.getAttribute('scope')) add('scope', 'serious', th, '<th> in the body without scope');
    });
  });
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(visible);
  if (headings.filter((h) => h.tagName === 'H1').length !== 1) add('page-has-heading-one', 'serious', null, headings.filter((h) => h.tagName === 'H1').length + ' h1');
  let last = 0;
  headings.forEach((h) => {
    const level = Number(h.tagName[1]);
    if (last && level > last + 1) add('heading-order', 'serious', h, 'h' + last + ' then h' + level);
    last = level;
  });
  document.querySelectorAll('[tabindex]').forEach((el) => {
    if (Number(el.getAttribute('tabindex')) > 0) add('tabindex', 'serious', el, 'positive tabindex');
  });
  const rgba = (s) => {
    const m = s.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c.a >= 0.99) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const checked = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || checked.has(el) || !n.textContent.trim() || !visible(el)) continue;
    checked.add(el);
    const st = getComputedStyle(el);
    const fg = rgba(st.color);
    if (!fg) continue;
    const bg = background(el);
    const L1 = lum(fg), L2 = lum(bg);
    const ratio = (Math.max(L1, L2) + 0.05) / (Math.min(L1, L2) + 0.05);
    const size = parseFloat(st.fontSize);
    const bold = Number(st.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) add('color-contrast', 'serious', el, 'contrast ' + ratio.toFixed(2) + ':1, needs ' + need + ':1');
  }
  return out;
})()`;

/** The serious and critical violations of the page as it stands (empty: none found). */
export function a11yViolations(page: Page): Promise<A11yViolation[]> {
  return page.evaluate(CHECKS) as Promise<A11yViolation[]>;
}
