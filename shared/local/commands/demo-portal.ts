import type { Command } from 'commander';
import { startDemoPortal } from '#seeds/portal/server.ts';

/** `nianbao demo-portal`: serve the five seed portals on loopback for manual browsing and crawling. */
export function registerDemoPortal(program: Command): void {
  program
    .command('demo-portal')
    .description('serve the demo government portals built from the seed reports on 127.0.0.1 until Ctrl-C')
    .option('--sites <keys>', 'comma-separated site keys to serve (000,001,…); all by default')
    .action(async (options: { sites?: string }) => {
      const portal = await startDemoPortal(options.sites ? { sites: options.sites.split(',') } : {});
      for (const site of portal.sites) {
        console.log(`${site.key} ${site.name}  ${site.localOrigin}${site.listingPath}  (as ${site.origin})`);
      }
      console.log('serving; Ctrl-C to stop');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => {
          void portal.close().then(resolve);
        });
      });
    });
}
