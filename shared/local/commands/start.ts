import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { startDemoPortal } from '#seeds/portal/server.ts';
import { serveApi } from '#shared/api/serve.ts';
import { loadConfig } from '#shared/config.ts';
import { strictDate } from '#shared/domain/clock.ts';
import { formatSummary, runCycle } from '#shared/local/cycle.ts';
import { startRuntime } from '#shared/local/runtime.ts';

export const DEMO_SUBSCRIBER = 'watcher@demo.nianbao-watch.local';

interface StartOptions {
  once?: boolean;
  demoPortal: boolean;
  today?: string;
  subscribe: boolean;
}

/** `nianbao start`: the whole pipeline on the embedded default, one cycle at once, then a tick until Ctrl-C. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the pipeline on the embedded services: one full cycle now, then on every tick')
    .option('--once', 'run one cycle and exit')
    .option('--no-demo-portal', 'crawl the registry URLs as they are instead of the demo portal')
    .option('--no-subscribe', `do not subscribe the demo address (${DEMO_SUBSCRIBER}) to everything`)
    .option('--today <date>', 'judge deadlines as of this date (YYYY-MM-DD)')
    .action(async (options: StartOptions) => {
      if (options.today) strictDate(options.today, '--today');
      const env = { ...process.env, ...(options.today ? { NIANBAO_TODAY: options.today } : {}) };
      const config = loadConfig(env);
      const log = (line: string) => console.log(line);
      const portal = options.demoPortal ? await startDemoPortal() : undefined;
      if (portal) log(`demo portal: ${portal.sites.map((s) => `${s.origin} → ${s.localOrigin}`).join(', ')}`);
      const rt = await startRuntime({
        config,
        log,
        stores: 'own',
        ...(portal ? { originMap: portal.originMap } : {}),
      });
      const adminToken = config.NIANBAO_ADMIN_TOKEN ?? randomBytes(18).toString('base64url');
      const api = await serveApi(rt.ctx, {
        adminToken,
        port: config.NIANBAO_API_PORT,
        publicUrl: config.NIANBAO_PUBLIC_URL,
        deadLetters: rt.deadLetters,
        registry: rt.registryWriter,
      });
      log(`api: ${api.url} (docs: ${api.url}/api/docs, OpenAPI: ${api.url}/openapi.json)`);
      if (!config.NIANBAO_ADMIN_TOKEN) log(`api: admin token for this run: ${adminToken}`);
      const shutdown = async () => {
        await api.close();
        await rt.close();
        await portal?.close();
      };
      try {
        for (const e of rt.registryErrors) log(`registry: ${e}`);
        log(`registry: ${rt.ctx.registry.size} bodies`);
        if (options.subscribe) {
          await rt.ctx.subscribers.subscribe(
            DEMO_SUBSCRIBER,
            ['*'],
            { confirmed: true },
            new Date().toISOString(),
          );
          log(`subscribed ${DEMO_SUBSCRIBER} to every body`);
        }
        log(formatSummary(await runCycle(rt, { force: true })));
      } catch (error) {
        await shutdown();
        throw error;
      }
      if (options.once) {
        await shutdown();
        return;
      }
      const minutes = config.NIANBAO_TICK_MINUTES;
      log(`\nticking every ${minutes} minute(s); Ctrl-C to stop`);
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        runCycle(rt)
          .then((s) => log(formatSummary(s)))
          .catch((e: unknown) => log(`cycle failed: ${(e as Error).message}`))
          .finally(() => {
            running = false;
          });
      }, minutes * 60_000);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      clearInterval(timer);
      await shutdown();
    });
}
