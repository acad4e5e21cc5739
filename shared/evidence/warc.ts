import { getSurt, WARCRecord, WARCSerializer } from 'warcio';
import type { RawMeta } from '../store/archive.ts';

/** An archived object as the package carries it. */
export interface CapturedObject {
  /** The archive key (`raw/<bodyId>/<sha256>.<ext>`). */
  key: string;
  meta: RawMeta;
  bytes: Uint8Array;
}

/** Where one response record stands in the WARC, for the CDXJ index. */
interface IndexLine {
  surt: string;
  timestamp: string;
  url: string;
  mime: string;
  status: number;
  digest: string;
  offset: number;
  length: number;
}

/**
 * Headers that describe the transfer, not the bytes kept: the archive holds the decoded body, so a
 * replayed `Content-Encoding: gzip` over plain bytes would break the replay. They are moved to the
 * record's `WARC-Nianbao-Transfer-Headers` field (JSON) instead of being dropped.
 */
const TRANSFER_HEADERS = new Set(['content-encoding', 'transfer-encoding', 'content-length', 'connection']);

const warcDate = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
const cdxTimestamp = (iso: string) => new Date(iso).toISOString().replace(/[-:T]/g, '').slice(0, 14);

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * The WARC (1.1, each record gzipped on its own, as WACZ expects) of captured objects: a `warcinfo`
 * record, then per object a `request` record rebuilt from its URL (the crawler does not keep the request
 * it sent: marked `WARC-Nianbao-Request: reconstructed`) and the `response` record with the status and
 * headers the crawler recorded and the archived bytes, plus the CDXJ index of the responses (sorted).
 * The payload digest warcio writes (`sha256:<hex>`) is the archived object's sha256.
 */
export async function buildWarc(
  objects: readonly CapturedObject[],
  info: Record<string, string>,
  filename: string,
): Promise<{ warc: Uint8Array; cdxj: string }> {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const push = async (record: WARCRecord): Promise<number> => {
    const bytes = await WARCSerializer.serialize(record, { gzip: true });
    parts.push(bytes);
    const at = offset;
    offset += bytes.byteLength;
    return at;
  };
  await push(WARCRecord.createWARCInfo({ filename, warcVersion: 'WARC/1.1' }, info));
  const index: IndexLine[] = [];
  for (const o of objects) {
    const date = warcDate(o.meta.fetchedAt);
    const target = new URL(o.meta.finalUrl || o.meta.url);
    await push(
      WARCRecord.create(
        {
          url: target.href,
          date,
          type: 'request',
          warcVersion: 'WARC/1.1',
          statusline: `GET ${target.pathname}${target.search} HTTP/1.1`,
          httpHeaders: { Host: target.host },
          warcHeaders: { 'WARC-Nianbao-Request': 'reconstructed' },
        },
        once(new Uint8Array()),
      ),
    );
    const all = Object.entries(o.meta.headers);
    const headers = all.filter(([k]) => !TRANSFER_HEADERS.has(k.toLowerCase()));
    const moved = all.filter(([k]) => TRANSFER_HEADERS.has(k.toLowerCase()));
    const warcHeaders: Record<string, string> = { 'WARC-Nianbao-Archive-Key': o.key };
    if (moved.length)
      warcHeaders['WARC-Nianbao-Transfer-Headers'] = JSON.stringify(Object.fromEntries(moved));
    if (o.meta.finalUrl && o.meta.finalUrl !== o.meta.url)
      warcHeaders['WARC-Nianbao-Requested-URI'] = o.meta.url;
    if (o.meta.fetchedFrom) warcHeaders['WARC-Nianbao-Fetched-From'] = o.meta.fetchedFrom;
    // WARC 1.1 §5.13: the address contacted. Through the egress proxy that is the proxy's, not the portal's,
    // so it is left out there (the 取证说明 names the proxy); copies without a connection record have none.
    if (o.meta.peer && !o.meta.peer.via) warcHeaders['WARC-IP-Address'] = o.meta.peer.address;
    const response = WARCRecord.create(
      {
        url: target.href,
        date,
        type: 'response',
        warcVersion: 'WARC/1.1',
        statusline: `HTTP/1.1 ${o.meta.status}`,
        httpHeaders: headers,
        warcHeaders,
      },
      once(o.bytes),
    );
    const at = await push(response);
    index.push({
      surt: getSurt(target.href),
      timestamp: cdxTimestamp(o.meta.fetchedAt),
      url: target.href,
      mime: (o.meta.contentType ?? 'application/octet-stream').split(';')[0]?.trim() ?? '',
      status: o.meta.status,
      digest: `sha256:${o.meta.sha256}`,
      offset: at,
      length: offset - at,
    });
  }
  const warc = new Uint8Array(offset);
  let p = 0;
  for (const part of parts) {
    warc.set(part, p);
    p += part.byteLength;
  }
  const cdxj = index
    .sort((a, b) => (a.surt + a.timestamp < b.surt + b.timestamp ? -1 : 1))
    .map(
      (l) =>
        `${l.surt} ${l.timestamp} ${JSON.stringify({ url: l.url, mime: l.mime, status: String(l.status), digest: l.digest, length: String(l.length), offset: String(l.offset), filename: filename })}`,
    )
    .join('\n');
  return { warc, cdxj: cdxj ? `${cdxj}\n` : '' };
}
