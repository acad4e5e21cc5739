/**
 * Per-host politeness: at most one request in flight per origin, a minimum delay between the end of one
 * request and the start of the next to the same origin, and a global limit across origins.
 */
export class HostGate {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly lastDone = new Map<string, number>();
  private readonly delays = new Map<string, number>();
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly minDelayMs: number,
    private readonly globalConcurrency: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** A larger delay for one origin (robots.txt Crawl-delay). */
  setDelay(origin: string, ms: number): void {
    this.delays.set(origin, Math.max(ms, this.minDelayMs));
  }

  async run<T>(origin: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(origin) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = previous.then(() => mine);
    this.tails.set(origin, tail);
    await previous;
    try {
      const delay = this.delays.get(origin) ?? this.minDelayMs;
      const since = Date.now() - (this.lastDone.get(origin) ?? 0);
      if (since < delay) await this.sleep(delay - since);
      await this.acquire();
      try {
        return await task();
      } finally {
        this.lastDone.set(origin, Date.now());
        this.releaseSlot();
      }
    } finally {
      release();
      if (this.tails.get(origin) === tail) this.tails.delete(origin);
    }
  }

  private async acquire(): Promise<void> {
    if (this.active < this.globalConcurrency) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active -= 1;
  }
}
