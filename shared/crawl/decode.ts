import iconv from 'iconv-lite';

export type CharsetSource = 'header' | 'meta' | 'bom' | 'sniff';

export interface Decoded {
  text: string;
  /** The label as declared or sniffed, lower-cased (`gb2312`, `utf-8`). */
  charset: string;
  /** What was actually used to decode: gb2312/gbk are decoded as their superset gb18030. */
  decoder: string;
  source: CharsetSource;
}

/** Portals declare gb2312 but serve GBK/GB18030 characters; the superset decodes all of them. */
function decoderFor(label: string): string {
  const l = label.toLowerCase().replace(/^x-/, '');
  if (['gb2312', 'gbk', 'gb18030', 'cp936', 'euc-cn', 'gb_2312-80', 'chinese'].includes(l)) return 'gb18030';
  if (l === 'utf8') return 'utf-8';
  return iconv.encodingExists(l) ? l : 'utf-8';
}

const charsetParam = (contentType: string | null | undefined): string | null =>
  contentType?.match(/charset\s*=\s*["']?([\w-]+)/i)?.[1]?.toLowerCase() ?? null;

function metaCharset(bytes: Uint8Array): string | null {
  // The meta tag is ASCII, so a latin1 view of the head finds it whatever the real encoding.
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const direct = head.match(/<meta[^>]+charset\s*=\s*["']?([\w-]+)/i)?.[1];
  return direct?.toLowerCase() ?? null;
}

function looksLikeUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.min(bytes.length, 65536)));
    return true;
  } catch (error) {
    // A multi-byte sequence cut at the sample boundary is not evidence against UTF-8.
    return bytes.length > 65536 && error instanceof TypeError && looksLikeUtf8(bytes.subarray(0, 65530));
  }
}

/** Charset from the header, then `<meta>`, then BOM/sniffing (DOMAIN.md, Hazards: Encodings). */
export function decodeBody(bytes: Uint8Array, contentType: string | null | undefined): Decoded {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    return { text: buf.subarray(3).toString('utf8'), charset: 'utf-8', decoder: 'utf-8', source: 'bom' };
  }
  const header = charsetParam(contentType);
  const meta = header ? null : metaCharset(bytes);
  const declared = header ?? meta;
  if (declared) {
    const decoder = decoderFor(declared);
    return {
      text: iconv.decode(buf, decoder),
      charset: declared,
      decoder,
      source: header ? 'header' : 'meta',
    };
  }
  const decoder = looksLikeUtf8(bytes) ? 'utf-8' : 'gb18030';
  return { text: iconv.decode(buf, decoder), charset: decoder, decoder, source: 'sniff' };
}
