import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '#shared/config.ts';
import { letterMarkdown } from '#shared/evidence/letter.ts';
import { letterFor } from '#shared/evidence/letter-build.ts';
import { letterDocx } from '#shared/evidence/letter-docx.ts';
import { softwareInfo } from '#shared/evidence/software.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';

/**
 * `nianbao letter <rule/bodyId/year> [-o letter.md|letter.docx]`: the draft complaint letter of a
 * deadline.missing, deadline.late or date.backdated finding, with its evidence package written beside it
 * (the letter quotes that file's hashes). Markdown on stdout without -o.
 */
export function registerLetter(program: Command): void {
  program
    .command('letter <findingId>')
    .description('draft the complaint letter (Markdown or DOCX) of a missing, late or back-dated report')
    .option('-o, --output <file>', 'write the letter here (.docx: Word; otherwise Markdown)')
    .option('--package <file>', 'where to write the evidence package it cites (default: its own name)')
    .action(async (findingId: string, options: { output?: string; package?: string }) => {
      const userAgent = loadConfig().NIANBAO_USER_AGENT;
      await withRuntime(async (rt) => {
        const { letter, pkg } = await letterFor(rt.ctx, findingId, softwareInfo(userAgent));
        const pkgFile = options.package ?? pkg.filename;
        await writeFile(pkgFile, pkg.bytes);
        if (!options.output) {
          console.log(letterMarkdown(letter));
        } else if (options.output.endsWith('.docx')) {
          await writeFile(options.output, await letterDocx(letter));
        } else {
          await writeFile(options.output, letterMarkdown(letter));
        }
        console.error(
          `evidence package: ${pkgFile} (sha256 ${pkg.sha256})${options.output ? `; letter: ${options.output}` : ''}`,
        );
        console.error('draft, not legal advice: check every fact and fill in your name before sending');
      });
    });
}
