import { describe, expect, it } from 'vitest';
import { canonicalPath, parseRobots, productToken } from '#shared/crawl/robots.ts';

/** Our User-Agent header, as the fetcher sends it; robots.txt groups name only its product token. */
const UA = 'nianbao-watch/0.1 (+https://example.org/nianbao-watch)';
const token = productToken(UA);

/** Allowed or not, for each path, under `robots` for our token. */
function verdicts(robots: string, paths: string[]): Record<string, boolean> {
  const rules = parseRobots(robots, token);
  return Object.fromEntries(paths.map((p) => [p, rules.allows(p)]));
}

describe('productToken()', () => {
  it('takes the product token of a User-Agent header', () => {
    expect(token).toBe('nianbao-watch');
  });
});

describe('parseRobots(): RFC 9309 cases the hand-written parser got wrong', () => {
  it('applies a raw UTF-8 rule path to the percent-encoded URL path', () => {
    // Prepare: the rule as a portal writes it, the path as a URL carries it.
    const robots = 'User-agent: *\nDisallow: /年报/\n';
    // Act / Assess
    expect(
      verdicts(robots, ['/%E5%B9%B4%E6%8A%A5/2023.html', '/年报/2023.html', '/%E5%B9%B4%E6%8A%A4/']),
    ).toEqual({
      '/%E5%B9%B4%E6%8A%A5/2023.html': false,
      '/年报/2023.html': false,
      '/%E5%B9%B4%E6%8A%A4/': true,
    });
  });

  it('treats a lowercase percent escape in a rule like its uppercase form', () => {
    const robots = 'User-agent: *\nDisallow: /%e5%b9%b4%e6%8a%a5/\n';
    expect(verdicts(robots, ['/%E5%B9%B4%E6%8A%A5/a.html', '/年报/a.html', '/xxgk/'])).toEqual({
      '/%E5%B9%B4%E6%8A%A5/a.html': false,
      '/年报/a.html': false,
      '/xxgk/': true,
    });
  });

  it('decodes escapes of unreserved characters on both sides (%7E is ~)', () => {
    expect(verdicts('User-agent: *\nDisallow: /%7Euser/\n', ['/~user/a', '/%7euser/b'])).toEqual({
      '/~user/a': false,
      '/%7euser/b': false,
    });
  });

  it('matches a group written with a version (nianbao-watch/0.1) to our product token', () => {
    const robots = 'User-agent: *\nDisallow: /\n\nUser-agent: nianbao-watch/0.1\nDisallow: /private/\n';
    expect(verdicts(robots, ['/xxgk/ndbg/', '/private/a'])).toEqual({
      '/xxgk/ndbg/': true,
      '/private/a': false,
    });
  });

  it('does not take a group whose token is only a prefix of ours (nian)', () => {
    const robots = 'User-agent: nian\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp/\n';
    expect(verdicts(robots, ['/xxgk/ndbg/', '/tmp/a'])).toEqual({ '/xxgk/ndbg/': true, '/tmp/a': false });
  });

  it('matches the product token case-insensitively', () => {
    expect(verdicts('User-agent: NianBao-Watch\nDisallow: /a/\n', ['/a/1', '/b/1'])).toEqual({
      '/a/1': false,
      '/b/1': true,
    });
  });
});

describe('parseRobots(): RFC 9309 §2.2.2 matching', () => {
  it('lets the longest match win', () => {
    const robots = 'User-agent: *\nDisallow: /xxgk/\nAllow: /xxgk/ndbg/\nDisallow: /xxgk/ndbg/draft/\n';
    expect(
      verdicts(robots, ['/xxgk/zcwj/1.html', '/xxgk/ndbg/2023.html', '/xxgk/ndbg/draft/1.html']),
    ).toEqual({
      '/xxgk/zcwj/1.html': false,
      '/xxgk/ndbg/2023.html': true,
      '/xxgk/ndbg/draft/1.html': false,
    });
  });

  it('lets Allow win a tie of equal length', () => {
    expect(verdicts('User-agent: *\nDisallow: /page\nAllow: /page\n', ['/page.html'])).toEqual({
      '/page.html': true,
    });
  });

  it('anchors a rule ending in $ and expands * to any run of characters', () => {
    const robots = 'User-agent: *\nDisallow: /*.pdf$\nDisallow: /module/*/down\n';
    expect(
      verdicts(robots, ['/a/b.pdf', '/a/b.pdf?x=1', '/a/b.pdfx', '/module/xxgk/download.jsp', '/module/x']),
    ).toEqual({
      '/a/b.pdf': false,
      '/a/b.pdf?x=1': true,
      '/a/b.pdfx': true,
      '/module/xxgk/download.jsp': false,
      '/module/x': true,
    });
  });

  it('matches rules against the query too', () => {
    expect(
      verdicts('User-agent: *\nDisallow: /*?*fbtime=\n', ['/a.jsp?area=1&fbtime=2023', '/a.jsp']),
    ).toEqual({
      '/a.jsp?area=1&fbtime=2023': false,
      '/a.jsp': true,
    });
  });

  it('merges the groups that name the same product token', () => {
    const robots = [
      'User-agent: nianbao-watch',
      'Disallow: /a/',
      '',
      'User-agent: *',
      'Disallow: /',
      '',
      'User-agent: NIANBAO-WATCH',
      'Disallow: /b/',
      'Crawl-delay: 3',
    ].join('\n');
    const rules = parseRobots(robots, token);
    expect({
      delay: rules.crawlDelaySec,
      a: rules.allows('/a/1'),
      b: rules.allows('/b/1'),
      c: rules.allows('/c/1'),
    }).toEqual({ delay: 3, a: false, b: false, c: true });
  });

  it('takes one group for several user-agent lines in a row', () => {
    const robots = 'User-agent: otherbot\nUser-agent: nianbao-watch\nDisallow: /x/\n';
    expect(verdicts(robots, ['/x/1', '/y/1'])).toEqual({ '/x/1': false, '/y/1': true });
  });

  it('falls back to the * group, Crawl-delay included, when no group names us', () => {
    const robots =
      'User-agent: baiduspider\nDisallow: /\n\nUser-agent: *\nDisallow: /search/\nCrawl-delay: 2\n';
    const rules = parseRobots(robots, token);
    expect({
      delay: rules.crawlDelaySec,
      search: rules.allows('/search/q'),
      other: rules.allows('/'),
    }).toEqual({
      delay: 2,
      search: false,
      other: true,
    });
  });

  it('allows everything when no group applies or a group has no rules', () => {
    expect(verdicts('User-agent: baiduspider\nDisallow: /\n', ['/a'])).toEqual({ '/a': true });
    expect(verdicts('User-agent: nianbao-watch\nDisallow:\n\nUser-agent: *\nDisallow: /\n', ['/a'])).toEqual({
      '/a': true,
    });
  });

  it('reads a file that starts with a byte order mark and carries comments', () => {
    expect(verdicts('\uFEFFUser-agent: * # all\nDisallow: /tmp/ # scratch\n', ['/tmp/a', '/a'])).toEqual({
      '/tmp/a': false,
      '/a': true,
    });
  });
});

describe('canonicalPath()', () => {
  it('gives one spelling for raw, lowercase-escaped and uppercase-escaped forms', () => {
    expect([
      canonicalPath('/年报/'),
      canonicalPath('/%e5%b9%b4%e6%8a%a5/'),
      canonicalPath('/a b%zz|*$'),
    ]).toEqual(['/%E5%B9%B4%E6%8A%A5/', '/%E5%B9%B4%E6%8A%A5/', '/a%20b%25zz%7C*$']);
  });
});
