/**
 * dynalite and s3rver in a process of their own for the crawl bench: in production the crawler's stores
 * are remote services, so their memory and CPU are not the crawler's. Each start is a fresh data folder.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StageContext } from '#shared/stages/context.ts';
import { observeCommands } from '#test/support/sdk-middleware.ts';

/** Child side: prints the endpoints, then serves until its stdin closes. */
async function serveStores(): Promise<void> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { startEmbeddedStores } = await import('#shared/local/embedded-services.ts');
  const dir = await mkdtemp(join(tmpdir(), 'nianbao-bench-stores-'));
  const stores = await startEmbeddedStores(dir, 'nianbao-raw');
  process.stdout.write(`\n${JSON.stringify({ dynamodb: stores.dynamodbEndpoint, s3: stores.s3Endpoint })}\n`);
  for await (const _ of process.stdin) {
    // Wait for the parent to close stdin.
  }
  await stores.close();
  await rm(dir, { recursive: true, force: true });
}

/** Starts the stores process (`place` may wrap its command, e.g. in `taskset`); `env` points a runtime at it and names its pid (for its CPU time, `storesCpuMs`). */
export async function startStores(
  place: (args: string[]) => [string, string[]] = (args) => [args[0]!, args.slice(1)],
): Promise<{ env: Record<string, string>; stop(): void }> {
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the stores process too (where the stand-ins spend a page).
  const prof = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const [command, args] = place([
    process.execPath,
    ...prof,
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
  ]);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const done = out.trim().split('\n').at(-1);
      if (done?.startsWith('{')) resolve(done);
    });
    child.on('exit', (code) => reject(new Error(`stores process exited ${code}`)));
  });
  const { dynamodb, s3 } = JSON.parse(line) as { dynamodb: string; s3: string };
  return {
    env: { BENCH_DYNAMODB: dynamodb, BENCH_S3: s3, BENCH_STORES_PID: String(child.pid ?? '') },
    stop: () => child.stdin.end(),
  };
}

/**
 * CPU time (user + system, ms) the stores process has used so far, from Linux's /proc/<pid>/stat (fields 14
 * and 15, in USER_HZ ticks of 10 ms); null where that cannot be read (another OS, no pid).
 */
export function storesCpuMs(pid: string | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await serveStores();
  process.exit(0);
}

/**
 * Counts every call the runtime makes to DynamoDB and S3, at the SDK (an `initialize` middleware on both
 * clients, added with the clients' cached handlers dropped: test/support/sdk-middleware.ts), and PutObject
 * apart (the archive's writes); `byCommand` tallies calls by SDK command name (e.g.
 * `{ PutObjectCommand: 4, UpdateItemCommand: 3 }`); `seen` is the calls each client's middleware saw (the
 * bench refuses a phase whose middleware did not run). Read the counters before and after the work measured.
 */
export function countStoreCalls(ctx: StageContext): {
  calls: () => number;
  puts: () => number;
  byCommand: () => Record<string, number>;
  seen: () => { s3: number; dynamodb: number };
} {
  let calls = 0;
  let puts = 0;
  const byCommand: Record<string, number> = {};
  const tally = (name: string) => {
    calls += 1;
    byCommand[name] = (byCommand[name] ?? 0) + 1;
    if (name === 'PutObjectCommand') puts += 1;
  };
  const s3 = observeCommands(ctx.archive['s3'], 'benchCountS3', tally);
  const dynamodb = observeCommands(ctx.repo.db, 'benchCountDynamoDB', tally);
  return {
    calls: () => calls,
    puts: () => puts,
    byCommand: () => ({ ...byCommand }),
    seen: () => ({ s3: s3.seen(), dynamodb: dynamodb.seen() }),
  };
}
