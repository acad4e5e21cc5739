import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { withRuntime } from '#shared/local/with-runtime.ts';
import { datasetChunks, scoreboardCsv } from '#shared/read/exports.ts';
import { scoreboard } from '#shared/read/index.ts';

const Options = z.object({
  format: z.enum(['csv', 'jsonl', 'json']).default('csv'),
  year: z
    .string()
    .regex(/^\d{4}$/, 'expected a four-digit year, e.g. 2025')
    .transform(Number)
    .pipe(z.number().min(2008).max(2100))
    .optional(),
  scope: z
    .string()
    .regex(/^(\*|\d{2,12}(-[a-z0-9]+)?)$/, 'expected *, a division code or a body id')
    .default('*'),
  out: z.string().min(1).optional(),
});

/** Writes text chunks to a file or stdout, pulling the next chunk only when the stream has room. */
async function write(chunks: AsyncIterable<string>, out: string | undefined): Promise<void> {
  await pipeline(Readable.from(chunks), out ? createWriteStream(out) : process.stdout, {
    end: out !== undefined,
  });
}

/**
 * `nianbao export dataset|scoreboard`: the dataset of every report's figures with provenance (CSV with BOM
 * or JSON Lines, streamed), or the scoreboard of a year (CSV with BOM, or JSON).
 */
export function registerExport(program: Command): void {
  program
    .command('export <what>')
    .description('export the dataset (every figure with provenance) or the scoreboard, to stdout or --out')
    .option('--format <format>', 'dataset: csv or jsonl; scoreboard: csv or json', 'csv')
    .option('--year <year>', 'scoreboard: the report year (default: the latest year due for governments)')
    .option('--scope <scope>', 'scoreboard: *, a division code or a body id', '*')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (what: string, raw: Record<string, unknown>) => {
      if (what !== 'dataset' && what !== 'scoreboard')
        throw new Error(`export ${what}: expected dataset or scoreboard`);
      const parsed = Options.safeParse(raw);
      if (!parsed.success)
        throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
      const o = parsed.data;
      if (what === 'dataset' && o.format === 'json') throw new Error('--format: the dataset is csv or jsonl');
      if (what === 'scoreboard' && o.format === 'jsonl')
        throw new Error('--format: the scoreboard is csv or json');
      await withRuntime(async (rt) => {
        if (what === 'dataset') {
          await write(datasetChunks(rt.ctx, o.format as 'csv' | 'jsonl'), o.out);
          return;
        }
        const year = o.year ?? Number(rt.ctx.today().slice(0, 4)) - 1;
        const board = await scoreboard(rt.ctx, year, o.scope);
        const text = o.format === 'json' ? `${JSON.stringify(board, null, 2)}\n` : scoreboardCsv(board);
        await write(
          (async function* () {
            yield text;
          })(),
          o.out,
        );
      });
    });
}
