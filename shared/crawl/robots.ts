/**
 * robots.txt (RFC 9309), pure: the group for our product token (else `*`), longest-match Allow/Disallow
 * with `*` and `$` wildcards, and Crawl-delay.
 */
export interface RobotsRules {
  allow: string[];
  disallow: string[];
  crawlDelaySec: number | null;
}

export const ALLOW_ALL: RobotsRules = { allow: [], disallow: [], crawlDelaySec: null };

interface Group {
  agents: string[];
  rules: RobotsRules;
}

export function parseRobots(text: string, productToken: string): RobotsRules {
  const groups: Group[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = line.match(/^([A-Za-z-]+)\s*:\s*(.*)$/);
    if (!m) continue;
    const field = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (field === 'user-agent') {
      if (!current || !lastWasAgent) {
        current = { agents: [], rules: { allow: [], disallow: [], crawlDelaySec: null } };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!current) continue;
    if (field === 'allow' && value) current.rules.allow.push(value);
    else if (field === 'disallow' && value) current.rules.disallow.push(value);
    else if (field === 'crawl-delay') {
      const n = Number(value);
      if (Number.isFinite(n) && n >= 0) current.rules.crawlDelaySec = n;
    }
  }
  const token = productToken.toLowerCase();
  const mine = groups.filter((g) => g.agents.some((a) => a !== '*' && token.startsWith(a)));
  const chosen = mine.length > 0 ? mine : groups.filter((g) => g.agents.includes('*'));
  return chosen.reduce<RobotsRules>(
    (acc, g) => ({
      allow: [...acc.allow, ...g.rules.allow],
      disallow: [...acc.disallow, ...g.rules.disallow],
      crawlDelaySec: g.rules.crawlDelaySec ?? acc.crawlDelaySec,
    }),
    { allow: [], disallow: [], crawlDelaySec: null },
  );
}

function patternLength(pattern: string, path: string): number {
  const anchored = pattern.endsWith('$');
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const re = new RegExp(
    `^${body
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}${anchored ? '$' : ''}`,
  );
  return re.test(path) ? pattern.length : -1;
}

/** Longest match wins; on a tie Allow wins (RFC 9309 §2.2.2). `path` includes the query. */
export function isAllowed(rules: RobotsRules, path: string): boolean {
  const allow = Math.max(-1, ...rules.allow.map((p) => patternLength(p, path)));
  const disallow = Math.max(-1, ...rules.disallow.map((p) => patternLength(p, path)));
  return disallow < 0 || allow >= disallow;
}

/** `nianbao-watch/0.1 (+https://…)` → `nianbao-watch`: the token robots.txt groups name. */
export function productToken(userAgent: string): string {
  return userAgent.split(/[\s/]/)[0] ?? userAgent;
}
