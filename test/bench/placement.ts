/**
 * CPU placement for the benchmarks (BENCH_PIN=0|false|no|off turns it off): on this 2-core machine the
 * stand-ins for DynamoDB and S3 (dynalite, s3rver) and the other side of the wire (portals, a load
 * generator) would otherwise take their CPU from the process measured, which production never does (there
 * they are remote). With Linux's `taskset` and 2 CPUs, a bench runs what it measures on one CPU and the
 * stand-ins on the other; without them it runs unplaced and says so.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when the benches place processes on CPUs (see the module's comment). */
export const PIN =
  !/^(0|false|no|off)$/i.test(process.env.BENCH_PIN?.trim() ?? '') && cpus().length >= 2 && hasTaskset();

/** The command that runs `args` (`[executable, ...arguments]`) on CPU `cpu` when placing, for `spawn`. */
export function onCpu(cpu: number, args: string[]): [string, string[]] {
  return PIN ? ['taskset', ['-c', String(cpu), ...args]] : [args[0]!, args.slice(1)];
}

/**
 * Puts this process (all its threads) on CPU `cpu` when placing; returns what gives it back its CPUs as
 * they were (`npm run bench` runs the next benchmark in this process). A no-op unplaced.
 */
export function placeSelf(cpu: number): () => void {
  if (!PIN) return () => {};
  const pid = String(process.pid);
  const before = execFileSync('taskset', ['-c', '-p', pid], { encoding: 'utf8' }).split(':').at(-1)!.trim();
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), pid], { stdio: 'ignore' });
  return () => execFileSync('taskset', ['-a', '-p', '-c', before, pid], { stdio: 'ignore' });
}
