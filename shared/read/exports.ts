import type { Body } from '../domain/body.ts';
import type { ReadContext } from './context.ts';
import { BOM, csvLine } from './csv.ts';
import { flattenFigures } from './figures-flat.ts';
import { readParsed } from './reports.ts';
import { OUTCOMES, type Scoreboard, SEVERITIES } from './types.ts';

/** The scoreboard as CSV (UTF-8 with BOM, CRLF): one row per jurisdiction, then the totals. */
export function scoreboardCsv(board: Scoreboard): string {
  const head = [
    'code',
    'name',
    'bodies',
    ...OUTCOMES,
    'not-judged',
    ...SEVERITIES.map((s) => `findings-${s}`),
  ];
  const row = (code: string, name: string, r: Scoreboard['totals']) => [
    code,
    name,
    r.bodies,
    ...OUTCOMES.map((o) => r.outcomes[o]),
    r.notJudged,
    ...SEVERITIES.map((s) => r.findings[s]),
  ];
  return (
    BOM +
    csvLine(head) +
    board.rows.map((r) => csvLine(row(r.code, r.name, r))).join('') +
    csvLine(row('total', `${board.year} ${board.scope} (${board.method})`, board.totals))
  );
}

/** One figure of one report with its provenance (the dataset's record). `value` null: blank, never 0. */
export interface DatasetRow {
  bodyId: string;
  bodyName: string;
  year: number;
  key: string;
  label: string;
  value: number | null;
  unit: string | null;
  raw: string;
  start: number;
  end: number;
  sourceUrl: string;
  sha256: string;
  rawKey: string;
  publishedAt: string | null;
}

export const DATASET_COLUMNS: ReadonlyArray<keyof DatasetRow> = [
  'bodyId',
  'bodyName',
  'year',
  'key',
  'label',
  'value',
  'unit',
  'raw',
  'start',
  'end',
  'sourceUrl',
  'sha256',
  'rawKey',
  'publishedAt',
];

/**
 * Every figure of every stored report, body by body (registry id order) and year by year, read one
 * report at a time: memory holds one body's report items and one parsed record, whatever the store's
 * size. Offsets point into that report's `originalText` (`GET /api/bodies/<id>/reports/<year>`).
 */
export async function* datasetRows(ctx: ReadContext, bodies?: readonly Body[]): AsyncGenerator<DatasetRow> {
  const list = [...(bodies ?? ctx.registry.values())].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  for (const body of list) {
    const reports = (await ctx.repo.listReports(body.id)).sort((a, b) => a.year - b.year);
    for (const r of reports) {
      const record = await readParsed(ctx, r.parsedKey);
      for (const f of flattenFigures(record.figures)) {
        yield {
          bodyId: body.id,
          bodyName: body.name,
          year: r.year,
          key: f.key,
          label: f.label,
          value: f.value,
          unit: f.unit,
          raw: f.raw,
          start: f.start,
          end: f.end,
          sourceUrl: r.url,
          sha256: r.sha256,
          rawKey: r.rawKey,
          publishedAt: r.publishedAt,
        };
      }
    }
  }
}

export type DatasetFormat = 'csv' | 'jsonl';

/** The dataset as text chunks: CSV (BOM, header, CRLF; a blank value is an empty field) or JSON Lines. */
export async function* datasetChunks(ctx: ReadContext, format: DatasetFormat): AsyncGenerator<string> {
  let buffer = format === 'csv' ? BOM + csvLine(DATASET_COLUMNS as string[]) : '';
  for await (const row of datasetRows(ctx)) {
    buffer += format === 'csv' ? csvLine(DATASET_COLUMNS.map((k) => row[k])) : `${JSON.stringify(row)}\n`;
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** Characters gathered before a chunk is handed on (a few dozen rows). */
const CHUNK_CHARS = 16_384;

/** A pull-based byte stream over text chunks: the next chunk is produced only when the reader asks. */
export function textStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
