import type { Attachment } from '#shared/domain/report.ts';
import type { Doc } from './doc.ts';

const EXT = /\.(pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z)(?=$|[?#\s\]】)）])/i;

function typeOf(name: string): Attachment['type'] {
  const ext = EXT.exec(name)?.[1]?.toLowerCase();
  return ext === 'pdf' || ext === 'doc' || ext === 'docx' || ext === 'xls' || ext === 'xlsx' ? ext : 'other';
}

function resolve(href: string, base: string): string {
  try {
    return new URL(href, base).href;
  } catch {
    return href;
  }
}

/**
 * Documents linked from the page (`<a href="….doc">`), and, for scraped text that lost its links, files the
 * page names (`[点击浏览该文件:榆次区2011政府信息公开年度报告.doc]`): their URL is the name resolved against
 * the page, a best guess the crawler can confirm.
 */
export function findAttachmentLinks(
  links: ReadonlyArray<{ href: string; text: string }>,
  doc: Doc,
  pageUrl: string,
): Attachment[] {
  const out: Attachment[] = [];
  const seen = new Set<string>();
  const add = (url: string, name: string): void => {
    if (seen.has(url)) return;
    seen.add(url);
    out.push({ url, name, type: typeOf(EXT.test(url) ? url : name) });
  };
  for (const link of links) {
    const href = link.href.trim();
    if (!href || /^(javascript|mailto|tel):/i.test(href)) continue;
    const path = href.split(/[?#]/)[0] ?? '';
    if (!EXT.test(path) && !EXT.test(link.text)) continue;
    const name = cleanName(link.text) || decodeURIComponentSafe(path.split('/').pop() ?? href);
    add(resolve(href, pageUrl), name);
  }
  if (links.length === 0) {
    const named =
      /(?:点击浏览该文件|附件|下载)[:：]\s*([^\s:：\]】<>|]{1,80}\.(?:pdf|docx?|xlsx?|wps|et|ofd))/gi;
    for (const zone of [doc.page]) {
      for (const m of zone.matchAll(named)) add(resolve(m[1]!, pageUrl), m[1]!);
    }
  }
  return out;
}

/** `[点击浏览该文件:榆次区2011….doc]` → `榆次区2011….doc`. */
function cleanName(text: string): string {
  return text
    .replace(/^[\s[【(（]*(点击浏览该文件|点击下载|下载附件|附件\d*)?\s*[:：]?\s*/, '')
    .replace(/[\s\]】)）]+$/, '')
    .trim();
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
