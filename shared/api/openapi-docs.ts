/**
 * The `/api/docs` page: the OpenAPI document rendered as a plain HTML list (no script, no remote
 * asset), each route with its summary, parameters and answers.
 */
const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );

type Doc = {
  info: { title: string; version: string };
  paths: Record<string, Record<string, Record<string, unknown>>>;
};

export function docsPage(doc: Doc): string {
  const rows: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters as Array<{ name: string; in: string; required: boolean }>) ?? [];
      const answers = Object.entries((op.responses as Record<string, { description: string }>) ?? {});
      rows.push(
        `<section><h2><code>${esc(method.toUpperCase())} ${esc(path)}</code></h2><p>${esc(String(op.summary ?? ''))}</p>` +
          (params.length
            ? `<ul>${params.map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''})</li>`).join('')}</ul>`
            : '') +
          `<p>${answers.map(([s, r]) => `<b>${esc(s)}</b> ${esc(r.description)}`).join(' · ')}</p></section>`,
      );
    }
  }
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${esc(doc.info.title)} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}h2{font-size:1rem;margin:1.5rem 0 .25rem}code{background:#f3f3f3;padding:0 .2rem}</style>
<h1>${esc(doc.info.title)} API ${esc(doc.info.version)}</h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are JSON: <code>{ "error", "issues", "fields" }</code>.</p>
${rows.join('\n')}
</html>`;
}
