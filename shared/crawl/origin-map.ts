/**
 * Canonical portal origins answered by a stand-in (the demo portal on loopback). Records keep the
 * canonical URL the registry names; requests go to the stand-in; politeness is keyed by the stand-in.
 */
export class OriginMap {
  private readonly reverse: Map<string, string>;

  constructor(private readonly forward: Readonly<Record<string, string>> = {}) {
    this.reverse = new Map(Object.entries(forward).map(([canonical, actual]) => [actual, canonical]));
  }

  toActual(url: string): string {
    const u = new URL(url);
    const actual = this.forward[u.origin];
    return actual ? actual + u.pathname + u.search : url;
  }

  toCanonical(url: string): string {
    const u = new URL(url);
    const canonical = this.reverse.get(u.origin);
    return canonical ? canonical + u.pathname + u.search : url;
  }
}
