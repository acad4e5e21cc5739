import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '#shared/config.ts';
import { recordDailyRoot } from '#shared/evidence/daily-root.ts';
import { formatPackageVerification, verifyPackage } from '#shared/evidence/package-verify.ts';
import { formatStoreVerification, verifyStore } from '#shared/evidence/verify-store.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';

/** A certificate file, DER or PEM (`-----BEGIN CERTIFICATE-----`). */
async function readCertificate(file: string): Promise<Uint8Array> {
  const bytes = await readFile(file);
  const text = bytes.toString('latin1');
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
  return pem
    ? new Uint8Array(Buffer.from((pem[1] ?? '').replace(/\s+/g, ''), 'base64'))
    : new Uint8Array(bytes);
}

/**
 * `nianbao verify [package.wacz]`: with a package, checks it offline (no store needed); without, checks
 * the check log in the store (every body's chain, every daily root). `--record-root` first records
 * today's daily root (timestamped when NIANBAO_TSA_URL is set). Exits 1 when something does not hold.
 */
export function registerVerify(program: Command): void {
  program
    .command('verify [package]')
    .description('verify an evidence package offline, or (without one) the check log in the store')
    .option('--tsa-cert <file>', "the time-stamping authority's certificate (DER or PEM)")
    .option('--body <bodyId>', 'only this body (store verification)')
    .option('--record-root', "record today's daily root first (store verification)")
    .action(
      async (
        file: string | undefined,
        options: { tsaCert?: string; body?: string; recordRoot?: boolean },
      ) => {
        const cert = options.tsaCert ? await readCertificate(options.tsaCert) : undefined;
        if (file) {
          const v = await verifyPackage(new Uint8Array(await readFile(file)), cert);
          for (const line of formatPackageVerification(v)) console.log(line);
          if (!v.ok) process.exitCode = 1;
          return;
        }
        const tsaUrl = loadConfig().NIANBAO_TSA_URL;
        await withRuntime(async (rt) => {
          if (options.recordRoot) {
            const root = await recordDailyRoot(rt.ctx, tsaUrl ? { tsaUrl } : {});
            console.log(`daily root ${root.date}: ${root.root} over ${root.size} head(s)`);
          }
          const ids = options.body ? [options.body] : [...rt.ctx.registry.keys()];
          if (options.body && !rt.ctx.registry.has(options.body))
            throw new Error(`unknown body ${options.body}`);
          const v = await verifyStore(rt.ctx.repo, ids, cert);
          for (const line of formatStoreVerification(v)) console.log(line);
          if (!v.ok) process.exitCode = 1;
        });
      },
    );
}
