import type { StoredRobots } from '../store/records.ts';
import type { RawResponse } from './fetcher.ts';
import type { HostGate } from './politeness.ts';
import { ALLOW_ALL, isAllowed, parseRobots, productToken, type RobotsRules } from './robots.ts';

export interface RobotsStore {
  getRobots(origin: string): Promise<StoredRobots | undefined>;
  putRobots(robots: StoredRobots): Promise<void>;
}

export interface RobotsCacheOptions {
  userAgent: string;
  gate: HostGate;
  /** One raw GET through the host gate (no robots check, no retries), of a canonical URL. */
  get: (url: string) => Promise<RawResponse>;
  /** The origin the host gate knows a canonical origin by (a stand-in's loopback origin locally). */
  gateOrigin?: (origin: string) => string;
  /** Shared across runs and containers (the table); without it the cache lives in this process only. */
  store?: RobotsStore;
  /** How long a fetched robots.txt is trusted (default one day, RFC 9309's limit). */
  ttlMs?: number;
  /** Upper bound on a Crawl-delay we honour, so one odd robots.txt cannot stall a worker. */
  maxCrawlDelayMs?: number;
  clock?: () => number;
  /** A store that fails is reported here and otherwise ignored: robots.txt is then fetched. */
  onStoreError?: (error: unknown) => void;
}

/** robots.txt bodies above this are obeyed but not stored (a table item holds at most 400 KB). */
const MAX_STORED_CHARS = 300_000;

/**
 * robots.txt fetched once per origin per day, kept in memory and, given a store, in the table, so a
 * fresh Lambda container does not fetch it again. A missing robots.txt (4xx) allows everything; so does
 * one we cannot read (5xx, timeout, wall), which is not stored: RFC 9309 would disallow, but on
 * government portals a broken robots.txt is common and must not silence a body for good; its failure is
 * still visible in the listing.
 */
export class RobotsCache {
  private readonly cache = new Map<string, { rules: Promise<RobotsRules>; expires: number }>();
  private readonly token: string;
  /** Writes to the store still in flight: they do not hold up the crawl; `flush` waits for them. */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly o: RobotsCacheOptions) {
    this.token = productToken(o.userAgent);
  }

  /** `url` is canonical. */
  async allowed(url: string): Promise<boolean> {
    const u = new URL(url);
    if (u.pathname === '/robots.txt') return true;
    const rules = await this.rulesFor(u.origin);
    return isAllowed(rules, u.pathname + u.search);
  }

  private get ttl(): number {
    return this.o.ttlMs ?? 86_400_000;
  }

  private now(): number {
    return (this.o.clock ?? Date.now)();
  }

  private rulesFor(origin: string): Promise<RobotsRules> {
    const hit = this.cache.get(origin);
    if (hit && this.now() < hit.expires) return hit.rules;
    const entry = { rules: Promise.resolve(ALLOW_ALL), expires: this.now() + this.ttl };
    entry.rules = this.load(origin, entry);
    this.cache.set(origin, entry);
    return entry.rules;
  }

  private async load(origin: string, entry: { expires: number }): Promise<RobotsRules> {
    const stored = await this.readStored(origin);
    if (stored) {
      entry.expires = Date.parse(stored.fetchedAt) + this.ttl;
      return this.rules(origin, stored);
    }
    const fetched = await this.fetch(origin);
    if (!fetched) return ALLOW_ALL;
    if (this.o.store && fetched.text.length <= MAX_STORED_CHARS) {
      const write = this.o.store.putRobots(fetched).catch((e: unknown) => this.o.onStoreError?.(e));
      this.pending.add(write);
      void write.finally(() => this.pending.delete(write));
    }
    return this.rules(origin, fetched);
  }

  /** Waits for the store writes still in flight (a lost one only costs a robots.txt request later). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async readStored(origin: string): Promise<StoredRobots | undefined> {
    if (!this.o.store) return undefined;
    try {
      const stored = await this.o.store.getRobots(origin);
      return stored && this.now() - Date.parse(stored.fetchedAt) < this.ttl ? stored : undefined;
    } catch (error) {
      this.o.onStoreError?.(error);
      return undefined;
    }
  }

  /** The answer worth keeping, or null when robots.txt could not be read (not kept: tried again next time). */
  private async fetch(origin: string): Promise<StoredRobots | null> {
    let url = `${origin}/robots.txt`;
    try {
      for (let hop = 0; hop < 5; hop += 1) {
        const res = await this.o.get(url);
        const location = res.headers.location;
        if (res.status >= 300 && res.status < 400 && location) {
          url = new URL(location, url).href;
          continue;
        }
        if (res.status !== 200 && (res.status < 400 || res.status >= 500)) return null;
        const text = res.status === 200 ? Buffer.from(res.bytes).toString('utf8') : '';
        return { origin, status: res.status, text, fetchedAt: new Date(this.now()).toISOString() };
      }
      return null;
    } catch {
      return null;
    }
  }

  private rules(origin: string, robots: StoredRobots): RobotsRules {
    if (robots.status !== 200) return ALLOW_ALL;
    const rules = parseRobots(robots.text, this.token);
    if (rules.crawlDelaySec !== null) {
      const ms = Math.min(rules.crawlDelaySec * 1000, this.o.maxCrawlDelayMs ?? 60_000);
      this.o.gate.setDelay(this.o.gateOrigin?.(origin) ?? origin, ms);
    }
    return rules;
  }
}
