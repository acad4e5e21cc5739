/**
 * One crawl's store writes, run beside its fetching: the host's next request waits for the host delay,
 * not for S3 or DynamoDB. Writes run one after another in the order they were queued (a listing snapshot
 * and its candidate links before the saved walk that points past them, exactly the order they had when
 * each was awaited in turn), while the crawl goes on fetching.
 *
 * `settle` waits for every write and throws the first failure (an InfrastructureError from the store): the
 * crawl calls it before it records anything that depends on them (links `queued`, the check entry), so
 * nothing is recorded as done before its writes are, and a crash loses nothing it did not lose before.
 * After a failure `failed` is set, so the crawl starts no new fetch, and the writes still queued are
 * dropped (the message is retried whole).
 */
export class WriteBehind {
  private tail: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  /** True once a write has failed. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Queues `write` after every write queued before it. */
  queue(write: () => Promise<unknown>): void {
    this.tail = this.tail.then(async () => {
      if (this.failure) return;
      try {
        await write();
      } catch (error) {
        this.failure ??= { error };
      }
    });
  }

  /** Waits for every queued write; throws the first failure. */
  async settle(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every queued write, whatever its outcome (before a crawl that failed otherwise rethrows). */
  async idle(): Promise<void> {
    await this.tail;
  }
}
