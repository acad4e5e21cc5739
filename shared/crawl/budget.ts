/**
 * The time one crawl invocation may spend starting fetches. A Lambda has 5 minutes and one request may
 * take its timeout times its attempts, so the crawl stops before the next listing page or candidate link
 * once the deadline is past, saves where it stands, and hands the rest to its next message.
 *
 * The deadline is read against the crawl's own clock (`deps.now`), so a test sets it with an injected
 * clock. The first fetch of an invocation always starts, whatever the clock: every invocation makes
 * progress, and a chain of continuations cannot spin without reading anything.
 */
export class CrawlBudget {
  private started = 0;
  /** What was left undone, once a fetch was refused (the continuation's reason). */
  private readonly skipped = { listingPages: 0, links: 0, rechecks: 0 };

  constructor(
    private readonly now: () => Date,
    /** Epoch ms after which no fetch starts; null: no limit. */
    readonly deadline: number | null,
  ) {}

  /** True when one more fetch may start now (and counts it). */
  mayStart(): boolean {
    if (this.deadline !== null && this.started > 0 && this.now().getTime() >= this.deadline) return false;
    this.started += 1;
    return true;
  }

  /** Notes work left for the next invocation. */
  skip(kind: keyof CrawlBudget['skipped'], n = 1): void {
    this.skipped[kind] += n;
  }

  /** Why the crawl stopped early, or undefined when it did not. */
  get exhaustedReason(): string | undefined {
    const s = this.skipped;
    if (s.listingPages + s.links + s.rechecks === 0) return undefined;
    return `time budget spent: ${s.listingPages} listing page(s), ${s.links} candidate link(s) and ${s.rechecks} re-check(s) left for the next invocation`;
  }
}

/** Kept in hand past the last fetch: the links, the check entry and the next message are written then. */
export const WRAP_UP_MS = 10_000;

/**
 * The budget of one invocation, in ms: the configured one, capped in Lambda by what is left of the
 * invocation less one fetch's worst case (a fetch started just before the deadline may take that long)
 * and the wrap-up. Never negative: 0 still lets the first fetch start (see CrawlBudget).
 */
export function budgetFor(configuredMs: number, fetchWorstCaseMs: number, remainingMs?: number): number {
  if (remainingMs === undefined) return configuredMs;
  return Math.max(0, Math.min(configuredMs, remainingMs - fetchWorstCaseMs - WRAP_UP_MS));
}
