import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { FigureChange, PublicFinding, TextChange, YearComparison } from './types.ts';

/*
 * Year-over-year comparisons as documents (Markdown, HTML, DOCX). The Markdown and HTML are
 * deterministic (the same comparison gives the same bytes); the DOCX's content is too, but the docx
 * package stamps the package with its creation time.
 */

const num = (v: number | null): string => (v === null ? '(blank)' : String(v));
const signed = (c: FigureChange): string =>
  c.change === null
    ? c.status === 'unchanged'
      ? ''
      : c.status
    : c.change > 0
      ? `+${c.change}`
      : String(c.change);

/** Changed lines of the text diff, each with its sign; unchanged runs are counted, not repeated. */
export function diffLinesOf(text: readonly TextChange[]): Array<{ sign: '+' | '-' | '='; line: string }> {
  const out: Array<{ sign: '+' | '-' | '='; line: string }> = [];
  for (const part of text) {
    const lines = part.text.replace(/\n$/, '').split('\n');
    if (part.kind === 'same') out.push({ sign: '=', line: `… ${lines.length} unchanged line(s) …` });
    else for (const line of lines) out.push({ sign: part.kind === 'added' ? '+' : '-', line });
  }
  return out;
}

const title = (c: YearComparison) => `${c.body.name} (${c.body.id}): ${c.year} vs ${c.previousYear}`;

function sources(c: YearComparison): string[] {
  return [c.current, c.previous].map((r, i) => {
    const y = i === 0 ? c.year : c.previousYear;
    return r ? `${y}: ${r.title} — ${r.url} (sha256 ${r.sha256})` : `${y}: no report stored`;
  });
}

const findingLine = (f: PublicFinding) => `[${f.severity}] ${f.rule}: ${f.message.zh} / ${f.message.en}`;

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Markdown: sources, the figure table (every figure, its change), findings of both years, the text diff. */
export function comparisonMarkdown(c: YearComparison): string {
  const lines = [`# ${title(c)}`, '', ...sources(c).map((s) => `- ${s}`), '', '## Figures', ''];
  lines.push(`| figure | ${c.previousYear} | ${c.year} | change |`, '|---|---:|---:|---:|');
  for (const f of c.figures)
    lines.push(
      `| ${mdCell(f.label)} \`${mdCell(f.key)}\` | ${num(f.previous)} | ${num(f.current)} | ${signed(f)} |`,
    );
  lines.push('', '## Findings', '');
  for (const [y, list] of [
    [c.year, c.findings.current],
    [c.previousYear, c.findings.previous],
  ] as const) {
    lines.push(`### ${y}`, '');
    lines.push(...(list.length ? list.map((f) => `- ${mdCell(findingLine(f))}`) : ['- none']), '');
  }
  lines.push('## Text changes', '', '```diff');
  for (const d of diffLinesOf(c.text)) lines.push(d.sign === '=' ? `  ${d.line}` : `${d.sign} ${d.line}`);
  lines.push('```', '');
  return lines.join('\n');
}

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );

/** A standalone HTML page (no script, no remote asset): the same content as the Markdown. */
export function comparisonHtml(c: YearComparison): string {
  const rows = c.figures
    .map(
      (f) =>
        `<tr class="${f.status}"><td>${esc(f.label)} <code>${esc(f.key)}</code></td><td>${esc(num(f.previous))}</td><td>${esc(num(f.current))}</td><td>${esc(signed(f))}</td></tr>`,
    )
    .join('\n');
  const findings = (y: number, list: readonly PublicFinding[]) =>
    `<h3>${y}</h3><ul>${list.length ? list.map((f) => `<li>${esc(findingLine(f))}</li>`).join('') : '<li>none</li>'}</ul>`;
  const diff = diffLinesOf(c.text)
    .map((d) =>
      d.sign === '+'
        ? `<ins>${esc(d.line)}</ins>`
        : d.sign === '-'
          ? `<del>${esc(d.line)}</del>`
          : `<span class="same">${esc(d.line)}</span>`,
    )
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>${esc(title(c))}</title>
<style>body{font:15px/1.6 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}tr.changed td:last-child{font-weight:bold}pre{white-space:pre-wrap}ins{background:#dfd;text-decoration:none;display:block}del{background:#fdd;display:block}.same{color:#777;display:block}</style>
<h1>${esc(title(c))}</h1>
<ul>${sources(c)
    .map((s) => `<li>${esc(s)}</li>`)
    .join('')}</ul>
<h2>Figures</h2>
<table><thead><tr><th>figure</th><th>${c.previousYear}</th><th>${c.year}</th><th>change</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Findings</h2>
${findings(c.year, c.findings.current)}
${findings(c.previousYear, c.findings.previous)}
<h2>Text changes</h2>
<pre>${diff}</pre>
</html>`;
}

const cell = (text: string, bold = false) =>
  new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });

/** A Word document (docx package) with the same content. */
export async function comparisonDocx(c: YearComparison): Promise<Buffer> {
  const table = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({
        tableHeader: true,
        children: ['figure', String(c.previousYear), String(c.year), 'change'].map((h) => cell(h, true)),
      }),
      ...c.figures.map(
        (f) =>
          new TableRow({
            children: [
              cell(`${f.label} (${f.key})`),
              cell(num(f.previous)),
              cell(num(f.current)),
              cell(signed(f), f.status === 'changed'),
            ],
          }),
      ),
    ],
  });
  const para = (text: string) => new Paragraph({ children: [new TextRun(text)] });
  const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) =>
    new Paragraph({ text, heading: level });
  const findings = (y: number, list: readonly PublicFinding[]) => [
    heading(String(y), HeadingLevel.HEADING_3),
    ...(list.length
      ? list.map((f) => new Paragraph({ text: findingLine(f), bullet: { level: 0 } }))
      : [para('none')]),
  ];
  const diff = diffLinesOf(c.text).map(
    (d) =>
      new Paragraph({
        alignment: AlignmentType.LEFT,
        children: [
          new TextRun({
            text: d.sign === '=' ? d.line : `${d.sign} ${d.line}`,
            ...(d.sign === '+' ? { underline: {}, color: '006100' } : {}),
            ...(d.sign === '-' ? { strike: true, color: '9C0006' } : {}),
            ...(d.sign === '=' ? { italics: true, color: '777777' } : {}),
          }),
        ],
      }),
  );
  const doc = new Document({
    creator: 'nianbao-watch',
    title: title(c),
    sections: [
      {
        children: [
          heading(title(c), HeadingLevel.HEADING_1),
          ...sources(c).map(para),
          heading('Figures', HeadingLevel.HEADING_2),
          table,
          heading('Findings', HeadingLevel.HEADING_2),
          ...findings(c.year, c.findings.current),
          ...findings(c.previousYear, c.findings.previous),
          heading('Text changes', HeadingLevel.HEADING_2),
          ...diff,
        ],
      },
    ],
  });
  return deterministicDocx(await Packer.toBuffer(doc));
}

/** The fixed time a DOCX states (core properties and zip entries): the same comparison gives the same bytes. */
const DOCX_TIME = '2000-01-01T00:00:00Z';

/**
 * The `docx` package stamps `dcterms:created`/`modified` with the clock and its zip entries with the time of
 * writing, so two exports of one comparison differ (and its ETag never matches). Rewrites both to DOCX_TIME
 * and re-zips the same entries in the same order (fflate, DEFLATE level 6).
 */
function deterministicDocx(bytes: Buffer): Buffer {
  const files = unzipSync(bytes);
  const core = files['docProps/core.xml'];
  if (core)
    files['docProps/core.xml'] = strToU8(
      strFromU8(core).replace(
        /(<dcterms:(?:created|modified)[^>]*>)[^<]*(<\/dcterms:(?:created|modified)>)/g,
        `$1${DOCX_TIME}$2`,
      ),
    );
  const entries = Object.fromEntries(
    Object.entries(files).map(([name, data]) => [name, [data, { mtime: DOCX_TIME, level: 6 }] as const]),
  );
  return Buffer.from(zipSync(entries as never));
}
