import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { withRuntime } from '#shared/local/with-runtime.ts';
import { comparisonDocx, comparisonHtml, comparisonMarkdown } from '#shared/read/compare-export.ts';
import { compareYears } from '#shared/read/index.ts';

const Args = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/, 'expected a four-digit year, e.g. 2022')
    .transform(Number)
    .pipe(z.number().min(2009, 'the first year with a previous one is 2009').max(2100)),
  format: z.enum(['md', 'html', 'docx', 'json']),
});

/** `nianbao compare <bodyId> <year>`: year N beside N−1 (figures, findings, text diff) as md, html, docx or json. */
export function registerCompare(program: Command): void {
  program
    .command('compare <bodyId> <year>')
    .description(
      "compare a body's report of <year> with the year before: every figure, findings, text changes",
    )
    .option('--format <format>', 'md, html, docx or json', 'md')
    .option('--out <file>', 'write to this file (docx: default <bodyId>-<year>-vs-<year-1>.docx)')
    .action(async (bodyId: string, yearArg: string, options: { format: string; out?: string }) => {
      const parsed = Args.safeParse({ year: yearArg, format: options.format });
      if (!parsed.success)
        throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const { year, format } = parsed.data;
      await withRuntime(async (rt) => {
        if (!rt.ctx.registry.has(bodyId)) throw new Error(`unknown body ${bodyId}`);
        const cmp = await compareYears(rt.ctx, bodyId, year);
        if (format === 'docx') {
          const out = options.out ?? `${bodyId}-${year}-vs-${year - 1}.docx`;
          await writeFile(out, await comparisonDocx(cmp));
          console.log(`wrote ${out}`);
          return;
        }
        const text =
          format === 'md'
            ? comparisonMarkdown(cmp)
            : format === 'html'
              ? comparisonHtml(cmp)
              : `${JSON.stringify(cmp, null, 2)}\n`;
        if (options.out) await writeFile(options.out, text);
        else process.stdout.write(text);
      });
    });
}
