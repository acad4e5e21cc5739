/** Small HTML helpers shared by the page renderers. */

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One `<p>` per non-blank line: the seeds are line-per-paragraph scrapes. */
export function paragraphs(lines: readonly string[]): string {
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => `<p>${esc(line)}</p>`)
    .join('\n');
}

/** Renders a seed "a | b | c" row as table cells, keeping empty cells (real CMS tables have them). */
export function pipeRow(line: string): string {
  const cells = line.split('|').map((cell) => cell.trim());
  return `<tr>${cells.map((cell) => `<td>${esc(cell)}</td>`).join('')}</tr>`;
}

export interface Link {
  title: string;
  href: string;
  date?: string;
}

export function linkList(links: readonly Link[]): string {
  return links
    .map(
      (l) =>
        `<li><a href="${esc(l.href)}" target="_blank" title="${esc(l.title)}">${esc(l.title)}</a>` +
        (l.date ? `<span class="date">${esc(l.date)}</span>` : '') +
        '</li>',
    )
    .join('\n');
}
