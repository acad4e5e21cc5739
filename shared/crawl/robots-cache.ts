import type { RawResponse } from './fetcher.ts';
import type { HostGate } from './politeness.ts';
import { ALLOW_ALL, isAllowed, parseRobots, productToken, type RobotsRules } from './robots.ts';

export interface RobotsCacheOptions {
  userAgent: string;
  gate: HostGate;
  /** One raw GET through the host gate (no robots check, no retries). */
  get: (url: string) => Promise<RawResponse>;
  /** How long a fetched robots.txt is trusted (default one day, as RFC 9309 suggests). */
  ttlMs?: number;
  /** Upper bound on a Crawl-delay we honour, so one odd robots.txt cannot stall a worker. */
  maxCrawlDelayMs?: number;
  clock?: () => number;
}

/**
 * robots.txt fetched once per origin and cached. A missing robots.txt (4xx) allows everything; so does
 * one we cannot read (5xx, timeout, wall): RFC 9309 would disallow, but on government portals a broken
 * robots.txt is common and must not silence a body for good; its failure is still visible in the listing.
 */
export class RobotsCache {
  private readonly cache = new Map<string, { rules: Promise<RobotsRules>; at: number }>();
  private readonly token: string;

  constructor(private readonly o: RobotsCacheOptions) {
    this.token = productToken(o.userAgent);
  }

  /** `actualUrl` is the URL as requested (a stand-in's loopback URL locally). */
  async allowed(actualUrl: string): Promise<boolean> {
    const u = new URL(actualUrl);
    if (u.pathname === '/robots.txt') return true;
    const rules = await this.rulesFor(u.origin);
    return isAllowed(rules, u.pathname + u.search);
  }

  private rulesFor(origin: string): Promise<RobotsRules> {
    const now = (this.o.clock ?? Date.now)();
    const hit = this.cache.get(origin);
    if (hit && now - hit.at < (this.o.ttlMs ?? 86_400_000)) return hit.rules;
    const rules = this.load(origin);
    this.cache.set(origin, { rules, at: now });
    return rules;
  }

  private async load(origin: string): Promise<RobotsRules> {
    let url = `${origin}/robots.txt`;
    try {
      for (let hop = 0; hop < 5; hop += 1) {
        const res = await this.o.get(url);
        const location = res.headers.location;
        if (res.status >= 300 && res.status < 400 && location) {
          url = new URL(location, url).href;
          continue;
        }
        if (res.status !== 200) return ALLOW_ALL;
        const rules = parseRobots(Buffer.from(res.bytes).toString('utf8'), this.token);
        if (rules.crawlDelaySec !== null) {
          const ms = Math.min(rules.crawlDelaySec * 1000, this.o.maxCrawlDelayMs ?? 60_000);
          this.o.gate.setDelay(origin, ms);
        }
        return rules;
      }
      return ALLOW_ALL;
    } catch {
      return ALLOW_ALL;
    }
  }
}
