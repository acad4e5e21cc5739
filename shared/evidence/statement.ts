import type { Body } from '../domain/body.ts';
import type { Finding } from '../domain/finding.ts';
import type { PackageSoftware } from './package-build.ts';
import type { ChainPath, ProvingEntry } from './proof-select.ts';

export interface StatementInput {
  id: string;
  body: Body;
  year: number;
  created: string;
  software: PackageSoftware;
  objects: ReadonlyArray<{
    kind: string;
    url: string;
    finalUrl: string;
    fetchedAt: string;
    status: number;
    sha256: string;
    size: number;
  }>;
  proving: readonly ProvingEntry[];
  chain: ChainPath;
  findings: readonly Finding[];
}

const KIND: Record<string, string> = { detail: '报告页面', attachment: '附件', listing: '栏目列表页' };

/**
 * The 取证说明 of a package (Markdown, Chinese with English terms where a reader checks them): how each copy
 * was taken as far as the crawler recorded it, and plainly what it did not record. Pure.
 */
export function evidenceStatement(s: StatementInput): string {
  const lines = [
    `# 取证说明 (evidence statement) — ${s.id}`,
    '',
    `- 对象 body: ${s.body.name} (${s.body.id}), ${s.body.parents.map((p) => p.name).join(' › ')}`,
    `- 报告年度 report year: ${s.year}`,
    `- 生成时间 package created: ${s.created}`,
    `- 软件 software: ${s.software.name} ${s.software.version}`,
    s.software.userAgent
      ? `- 用户代理 user agent (configured when the package was made; the crawler does not record the request headers it sent): \`${s.software.userAgent}\``
      : '- 用户代理 user agent: not known to the process that made this package, and not recorded per request by the crawler',
    '',
    '## 取得的副本 copies taken',
    '',
    '| 类型 | URL | 取得时间 fetched (UTC) | HTTP | sha256 | bytes |',
    '|---|---|---|---|---|---|',
    ...s.objects.map(
      (o) =>
        `| ${KIND[o.kind] ?? o.kind} | ${o.finalUrl !== o.url ? `${o.url} → ${o.finalUrl}` : o.url} | ${o.fetchedAt} | ${o.status} | \`${o.sha256}\` | ${o.size} |`,
    ),
    '',
    'Each copy is in `archive/data.warc.gz` as a WARC response record (status line and the response headers the',
    'crawler recorded; transfer headers such as Content-Encoding moved to `WARC-Nianbao-Transfer-Headers`, since the',
    'archive keeps the decoded bytes) with its WARC-Payload-Digest equal to the sha256 above. The request records',
    'are reconstructed from the URL (`WARC-Nianbao-Request: reconstructed`), not captured.',
    '',
    '## 检查记录 check-log entries relied on',
    '',
    ...(s.proving.length
      ? s.proving.map((p) => `- entry ${p.seq} (CHECK#${p.at}): ${p.why}`)
      : ['- none: the body has no sealed check-log entry for this question']),
    '',
    s.chain.root
      ? `The entries ${linkSpan(s.chain)} are chained by sha256 over RFC 8785 canonical JSON; entry ${s.chain.leaf?.seq} is leaf ${s.chain.leafIndex} of ${s.chain.treeSize} of the daily root of ${s.chain.root.date} (\`${s.chain.root.root}\`, RFC 9162 Merkle tree)${s.chain.root.timestamp ? `, timestamped by ${s.chain.root.timestamp.tsaUrl} at ${s.chain.root.timestamp.genTime} (RFC 3161 token in evidence/proof.json)` : ', not timestamped'}.`
      : `The entries ${linkSpan(s.chain)} are chained by sha256 over RFC 8785 canonical JSON; no daily root covers them yet, so nothing outside this system vouches for their time.`,
    '',
    '## 未记录的事项 what the crawler did not record',
    '',
    '- the IP address the host name resolved to, and the DNS answers;',
    '- TLS: protocol version, cipher suite, the server certificate chain;',
    '- the request headers actually sent (the user agent above is the configured one);',
    '- for a page rendered in Chromium: the browser version and the sub-resources it loaded (only the page is kept).',
    '',
    '## 发现 findings',
    '',
    ...s.findings.map((f) => `- ${f.rule} (${f.severity}): ${f.message.zh}`),
    '',
    '`nianbao verify <this file> --tsa-cert <the TSA certificate>` checks every hash, the chain to the daily root and the timestamp token offline; without a trusted TSA certificate (or NIANBAO_TSA_CERT) the timestamp is reported as not verified.',
    '',
  ];
  return lines.join('\n');
}

function linkSpan(c: ChainPath): string {
  const seqs = c.entries.map((e) => (e.chain as { seq: number }).seq);
  return seqs.length ? `${seqs[0]}–${seqs.at(-1)}` : '(none)';
}
