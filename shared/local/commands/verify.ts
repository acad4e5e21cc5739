import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '#shared/config.ts';
import { recordDailyRoot } from '#shared/evidence/daily-root.ts';
import {
  formatPackageVerification,
  verificationExitCode,
  verifyPackage,
} from '#shared/evidence/package-verify.ts';
import { formatStoreVerification, verifyStore } from '#shared/evidence/verify-store.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';

/** Exit code when verify could not run at all (unreadable package or certificate file, unknown body). */
export const VERIFY_CANNOT_RUN = 3;

/**
 * The certificates in a file (X.509), DER or PEM; a PEM file may hold several. Each is parsed (Node's
 * X509Certificate): a file that holds no certificate (a private key, an empty file, a package) throws naming
 * it, so verify exits 3 (could not run) instead of calling a genuine package broken.
 */
export async function readCertificates(file: string): Promise<Uint8Array[]> {
  const bytes = await readFile(file);
  const text = bytes.toString('latin1');
  const pems = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g)];
  const ders =
    pems.length === 0
      ? [new Uint8Array(bytes)]
      : pems.map((m) => new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')));
  for (const der of ders) {
    try {
      new X509Certificate(der);
    } catch {
      throw new Error(`${file} holds no X.509 certificate (DER or PEM "BEGIN CERTIFICATE")`);
    }
  }
  return ders;
}

/** The trusted TSA certificates: every `--tsa-cert`, else the files NIANBAO_TSA_CERT names (comma separated). */
async function trustedCertificates(given: readonly string[]): Promise<Uint8Array[]> {
  const files = given.length
    ? given
    : (loadConfig().NIANBAO_TSA_CERT ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean);
  const out: Uint8Array[] = [];
  for (const f of files) out.push(...(await readCertificates(f)));
  return out;
}

/**
 * `nianbao verify [package.wacz]`: with a package, checks it offline (no store needed); without, checks
 * the check log in the store (every body's chain, every daily root). `--record-root` first records
 * today's daily root (timestamped when NIANBAO_TSA_URL is set). Timestamps verify only against trusted TSA
 * certificates (`--tsa-cert`, repeatable, or NIANBAO_TSA_CERT). Exit codes (docs/evidence.md): 0 verified,
 * 1 something does not hold, 2 nothing broken but not verified (no trusted certificate, no timestamp),
 * 3 verify could not run.
 */
export function registerVerify(program: Command): void {
  program
    .command('verify [package]')
    .description(
      'verify an evidence package offline, or (without one) the check log in the store; exit 0 verified, 1 broken, 2 not verified (no trusted timestamp), 3 could not run',
    )
    .option(
      '--tsa-cert <file>',
      "a trusted time-stamping authority's certificate (DER or PEM; repeatable; default NIANBAO_TSA_CERT)",
      (file: string, all: string[]) => [...all, file],
      [] as string[],
    )
    .option('--body <bodyId>', 'only this body (store verification)')
    .option('--record-root', "record today's daily root first (store verification)")
    .action(
      async (
        file: string | undefined,
        options: { tsaCert: string[]; body?: string; recordRoot?: boolean },
      ) => {
        try {
          process.exitCode = await runVerify(file, options);
        } catch (error) {
          console.error(`nianbao verify: ${error instanceof Error ? error.message : String(error)}`);
          process.exitCode = VERIFY_CANNOT_RUN;
        }
      },
    );
}

async function runVerify(
  file: string | undefined,
  options: { tsaCert: string[]; body?: string; recordRoot?: boolean },
): Promise<number> {
  const certs = await trustedCertificates(options.tsaCert);
  if (file) {
    const bytes = new Uint8Array(await readFile(file));
    // Not a zip at all (a letter, a PDF): nothing to verify, so "could not run" (3), not "broken" (1).
    if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04))
      throw new Error(`${file} is not an evidence package (a WACZ is a zip file)`);
    const v = await verifyPackage(bytes, certs);
    for (const line of formatPackageVerification(v)) console.log(line);
    return verificationExitCode(v);
  }
  const tsaUrl = loadConfig().NIANBAO_TSA_URL;
  let code = 0;
  await withRuntime(async (rt) => {
    if (options.body && !rt.ctx.registry.has(options.body)) throw new Error(`unknown body ${options.body}`);
    if (options.recordRoot) {
      const root = await recordDailyRoot(rt.ctx, tsaUrl ? { tsaUrl } : {});
      console.log(`daily root ${root.date}: ${root.root} over ${root.size} head(s)`);
    }
    const ids = options.body ? [options.body] : [...rt.ctx.registry.keys()];
    const v = await verifyStore(rt.ctx.repo, ids, certs);
    for (const line of formatStoreVerification(v)) console.log(line);
    code = verificationExitCode(v);
  });
  return code;
}
