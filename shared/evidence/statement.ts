import type { PeerRecord } from '../crawl/peer-record.ts';
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
    /** Who answered (peer-record.ts); absent or null when the crawler did not record it. */
    peer?: PeerRecord | null | undefined;
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
    '## 连接记录 connection: resolved address and TLS, per copy',
    '',
    'As the socket that carried each response saw it (the final hop after redirects):',
    '',
    ...s.objects.map((o) => `- ${KIND[o.kind] ?? o.kind} \`${o.sha256.slice(0, 16)}…\`: ${peerLine(o.peer)}`),
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
    '- the DNS answers (only the address connected to is recorded, above), and the hops before a redirect;',
    '- TLS: the certificate chain above the server certificate, and whether it was verified against a particular trust store (the crawler refuses an untrusted certificate, so a recorded TLS session was verified);',
    '- for a copy marked "not recorded" above (archived before the crawler recorded connections, or rendered in Chromium): its address and TLS session;',
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

/** One copy's connection as a line of the statement; plainly "not recorded" when there is no record. */
export function peerLine(peer: PeerRecord | null | undefined): string {
  if (!peer)
    return '对端地址与 TLS 未记录 not recorded (archived before the crawler recorded connections, or rendered in Chromium)';
  const host = peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
  const where =
    peer.via === 'proxy'
      ? `egress proxy ${host} (the portal's address was resolved by the proxy, not recorded)`
      : `对端地址 peer ${host}`;
  if (!peer.tls) return `${where}; no TLS (plain http)`;
  const c = peer.tls.certificate;
  const cert = c
    ? `; 服务器证书 server certificate SHA-256 \`${c.sha256}\`, subject CN ${c.subject ?? '(none)'}${c.san?.length ? `, SAN ${c.san.join(', ')}${c.sanMore ? ` (+${c.sanMore} more)` : ''}` : ''}, issuer ${c.issuer ?? '(none)'}, valid ${c.validFrom} – ${c.validTo}`
    : '; server certificate not recorded';
  return `${where}; TLS ${peer.tls.protocol}, cipher ${peer.tls.cipher}${cert}`;
}

function linkSpan(c: ChainPath): string {
  const seqs = c.entries.map((e) => (e.chain as { seq: number }).seq);
  return seqs.length ? `${seqs[0]}–${seqs.at(-1)}` : '(none)';
}
