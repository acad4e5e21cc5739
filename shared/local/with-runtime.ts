import { loadConfig } from '../config.ts';
import { type Runtime, startRuntime } from './runtime.ts';

/** Runs a command against the configured stores (embedded by default), closing everything after. */
export async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>, quiet = true): Promise<T> {
  const rt = await startRuntime({
    config: loadConfig(),
    ...(quiet ? {} : { log: (l: string) => console.log(l) }),
    // A command waiting for a running `start` to get its table ready says so, even when quiet.
    notice: (l: string) => console.error(l),
  });
  try {
    for (const e of rt.registryErrors) console.error(`registry: ${e}`);
    const result = await fn(rt);
    await rt.settle();
    return result;
  } finally {
    await rt.close();
  }
}
