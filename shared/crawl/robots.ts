import robotsParserModule from 'robots-parser';

/**
 * robots.txt (RFC 9309), pure. Matching is done by the maintained `robots-parser` package (longest match,
 * Allow wins a tie, `*` and `$`, groups of one product token merged, `*` as fallback, Crawl-delay); this
 * module only normalises what goes in, where that package and RFC 9309 part ways:
 *
 * - user-agent lines: robots-parser compares the whole line value, lowercased, cut at the first `/`. RFC 9309
 *   §2.2.1 matches the *product token* (letters, `_` and `-`), so `User-agent: nianbao-watch 0.1` names us too.
 *   Each user-agent value is cut to its leading token (as Google's reference parser does) before parsing, and
 *   we ask with our product token alone, never the whole User-Agent header. Matching stays exact and
 *   case-insensitive: a `nian` group is not ours.
 * - paths: robots-parser runs rule paths through `encodeURI` and URLs through WHATWG `URL`, which encode
 *   different character sets (`|`, `[`, `^`, `'` …) and never decode `%7E`. RFC 9309 §2.2.2 wants both sides
 *   percent-encoded the same way, with escapes of unreserved characters decoded. Both rule paths and request
 *   paths go through {@link canonicalPath} first, whose output both encoders leave unchanged.
 * - a UTF-8 byte order mark before the first line is dropped (it would otherwise hide the first field).
 */
export interface RobotsRules {
  /** Seconds our group (else `*`) asks between requests; null when it names none. */
  readonly crawlDelaySec: number | null;
  /** Whether `pathAndQuery` (`/a/b.html?x=1`, raw or percent-encoded) may be fetched. */
  allows(pathAndQuery: string): boolean;
}

export const ALLOW_ALL: RobotsRules = { crawlDelaySec: null, allows: () => true };

/**
 * robots-parser is CommonJS (`module.exports = fn`) but its typings say `export default fn`: under NodeNext
 * TypeScript types the default import as the module record while Node (and esbuild) give the function.
 */
const robotsParser: typeof robotsParserModule.default =
  typeof robotsParserModule === 'function' ? robotsParserModule : robotsParserModule.default;

/** Any origin will do: the parsed file is only ever asked about paths, so its origin is fixed. */
const ORIGIN = 'http://robots.invalid';

const HEX = '0123456789ABCDEF';
/** RFC 3986 unreserved plus the reserved characters that neither `encodeURI` nor WHATWG `URL` encodes. */
const KEEP = /^[A-Za-z0-9\-._~!$&()*+,/:;=?@]$/;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const encoder = new TextEncoder();

/**
 * One spelling per path (RFC 9309 §2.2.2): non-ASCII and unsafe characters percent-encoded as UTF-8,
 * escapes upper-cased, escapes of unreserved characters decoded (`%7e` → `~`), a stray `%` encoded.
 * `*` and `$` are kept, so a rule's wildcards survive.
 */
export function canonicalPath(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const ch = raw[i]!;
    if (ch === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        const decoded = String.fromCharCode(Number.parseInt(hex, 16));
        out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
        i += 3;
      } else {
        out += '%25';
        i += 1;
      }
      continue;
    }
    const cp = raw.codePointAt(i)!;
    const char = String.fromCodePoint(cp);
    i += char.length;
    if (KEEP.test(char)) out += char;
    else for (const b of encoder.encode(char)) out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out.startsWith('/') ? out : `/${out}`;
}

/** The RFC 9309 product token a user-agent line or header starts with (`nianbao-watch/0.1 (+…)` → `nianbao-watch`). */
export function productToken(userAgent: string): string {
  const v = userAgent.trim();
  if (v.startsWith('*')) return '*';
  return v.match(/^[A-Za-z_-]+/)?.[0] ?? v;
}

/** The robots.txt text rewritten as robots-parser should read it (see the module comment for why). */
function normalise(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((line) => {
      const content = line.replace(/#.*$/, '');
      const colon = content.indexOf(':');
      if (colon < 0) return content;
      const field = content.slice(0, colon).trim().toLowerCase();
      const value = content.slice(colon + 1).trim();
      if (field === 'user-agent') return `user-agent: ${productToken(value)}`;
      if ((field === 'allow' || field === 'disallow') && value) return `${field}: ${canonicalPath(value)}`;
      return content;
    })
    .join('\n');
}

/**
 * The rules robots.txt `text` sets for `token` (a product token: see {@link productToken}), or for `*` when
 * no group names it. Never throws: lines it cannot read are ignored, as RFC 9309 §2.2 asks.
 */
export function parseRobots(text: string, token: string): RobotsRules {
  const robots = robotsParser(`${ORIGIN}/robots.txt`, normalise(text));
  const agent = productToken(token).toLowerCase();
  const delay = robots.getCrawlDelay(agent);
  return {
    crawlDelaySec: typeof delay === 'number' && Number.isFinite(delay) && delay >= 0 ? delay : null,
    allows: (pathAndQuery) => robots.isAllowed(ORIGIN + canonicalPath(pathAndQuery), agent) !== false,
  };
}

/** Longest match wins; on a tie Allow wins (RFC 9309 §2.2.2). `path` includes the query. */
export function isAllowed(rules: RobotsRules, path: string): boolean {
  return rules.allows(path);
}
