import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '#shared/config.ts';
import { buildEvidencePackage, parseTarget } from '#shared/evidence/package-build.ts';
import { softwareInfo } from '#shared/evidence/software.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';

/** `nianbao evidence <findingId|bodyId/year> -o file.wacz`: the evidence package (docs/evidence.md). */
export function registerEvidence(program: Command): void {
  program
    .command('evidence <id>')
    .description(
      'write the evidence package (WACZ) of a finding (rule/bodyId/year) or a report year (bodyId/year)',
    )
    .option('-o, --output <file>', 'where to write it (default: <id>.wacz in the current folder)')
    .action(async (id: string, options: { output?: string }) => {
      const target = parseTarget(id);
      const userAgent = loadConfig().NIANBAO_USER_AGENT;
      await withRuntime(async (rt) => {
        const pkg = await buildEvidencePackage(rt.ctx, target, softwareInfo(userAgent));
        const file = options.output ?? pkg.filename;
        await writeFile(file, pkg.bytes);
        const c = pkg.chain;
        console.log(`wrote ${file} (${pkg.bytes.byteLength} bytes)`);
        console.log(`  sha256 ${pkg.sha256}`);
        console.log(`  datapackage.json ${pkg.datapackageHash}`);
        console.log(
          `  check log: ${c.entries.length} entr${c.entries.length === 1 ? 'y' : 'ies'} on the chain path; ${
            c.root
              ? `daily root ${c.root.date} ${c.root.root}${c.root.timestamp ? `, timestamped ${c.root.timestamp.genTime}` : ', not timestamped'}`
              : 'no daily root covers them yet'
          }`,
        );
      });
    });
}
