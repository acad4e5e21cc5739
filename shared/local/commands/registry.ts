import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_REGISTRY_KEY, putRegistry, validateForPush } from '#shared/aws/registry.ts';
import { loadConfig } from '#shared/config.ts';
import { makeS3Client } from '#shared/store/clients.ts';

/**
 * `nianbao registry push <file>`: validates the registry file with the loader's checks
 * (shared/domain/registry.ts) and, only when every entry passes, uploads it to
 * s3://NIANBAO_BUCKET/NIANBAO_REGISTRY_S3_KEY (default registry/bodies.json), where the functions read it
 * at cold start and on refresh. With NIANBAO_S3_ENDPOINT it writes to that S3 (a stand-in); without it,
 * to AWS in AWS_REGION with the default credentials. Any bad entry: each is printed, nothing is written,
 * exit 1.
 */
export function registerRegistry(program: Command): void {
  const registry = program
    .command('registry')
    .description('the registry of bodies the deployed functions read');
  registry
    .command('push <file>')
    .description('validate a registry file and upload it to S3 (the functions pick it up without a redeploy)')
    .action(async (file: string) => {
      const config = loadConfig();
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new Error(`cannot read registry ${file}: ${(error as Error).message}`);
      }
      const checked = validateForPush(raw);
      if (!checked.ok) {
        const lines = checked.errors.map((e) => `  ${e.message}`);
        throw new Error(
          `${file} not pushed (nothing written): ${lines.length ? `\n${lines.join('\n')}` : 'no bodies'}`,
        );
      }
      const key = config.NIANBAO_REGISTRY_S3_KEY ?? DEFAULT_REGISTRY_KEY;
      const s3 = makeS3Client({ region: config.AWS_REGION, s3Endpoint: config.NIANBAO_S3_ENDPOINT });
      await putRegistry(s3, config.NIANBAO_BUCKET, key, checked.bodies);
      console.log(
        `pushed ${checked.bodies.length} bodies to s3://${config.NIANBAO_BUCKET}/${key}: the functions read it within NIANBAO_REGISTRY_REFRESH_SECONDS (${config.NIANBAO_REGISTRY_REFRESH_SECONDS} s)`,
      );
    });
}
