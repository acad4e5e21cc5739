/** Links from a page to the public data API (shared/api/routes/public.ts) for the view shown. */
export interface ExportLinks {
  csv: string;
  feed: string;
}

const q = (params: Record<string, string>): string => new URLSearchParams(params).toString();

/** The scoreboard's CSV and the feed of findings for the same year and scope. */
export function scoreboardLinks(year: number, scope: string): ExportLinks {
  return {
    csv: `/api/export/scoreboard.csv?${q({ year: String(year), scope })}`,
    feed: `/api/feeds/rss?${q({ scope })}`,
  };
}

/** The year-over-year comparison's exports (Markdown, HTML, DOCX) of a body and year. */
export function compareExports(bodyId: string, year: number): Array<{ format: string; href: string }> {
  const base = `/api/bodies/${encodeURIComponent(bodyId)}/compare/${year}`;
  return ['md', 'html', 'docx'].map((format) => ({ format, href: `${base}?${q({ format })}` }));
}
