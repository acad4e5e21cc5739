import iconv from 'iconv-lite';

export type CharsetSource = 'header' | 'meta' | 'bom' | 'sniff';

export interface Decoded {
  text: string;
  /** The label as declared or sniffed, lower-cased (`gb2312`, `utf-8`). */
  charset: string;
  /** What was actually used to decode: gb2312/gbk are decoded as their superset gb18030. */
  decoder: string;
  source: CharsetSource;
  /**
   * Set when a declaration was overruled because decoding by it damaged the text (U+FFFD): the
   * declaration that lied, e.g. `header:utf-8`.
   */
  overruled?: string;
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

function countReplacements(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) n += 1;
  return n;
}

interface Candidate {
  label: string;
  source: CharsetSource;
}

/**
 * Charset from the header, then `<meta>`, then sniffing (docs/domain.md, Hazards: Encodings). A declaration
 * is trusted unless decoding by it produces U+FFFD that the bytes do not contain: then the next
 * candidate that decodes with less damage wins (a header saying utf-8 over GBK bytes is common).
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null | undefined): Decoded {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    return { text: buf.subarray(3).toString('utf8'), charset: 'utf-8', decoder: 'utf-8', source: 'bom' };
  }
  const candidates: Candidate[] = [];
  const header = charsetParam(contentType);
  if (header) candidates.push({ label: header, source: 'header' });
  const meta = metaCharset(bytes);
  if (meta) candidates.push({ label: meta, source: 'meta' });
  candidates.push({ label: looksLikeUtf8(bytes) ? 'utf-8' : 'gb18030', source: 'sniff' });

  // Literal U+FFFD in the source (UTF-8 EF BF BD) is the page's own damage, not ours.
  const inherent = buf.includes(Buffer.from([0xef, 0xbf, 0xbd])) ? Number.POSITIVE_INFINITY : 0;
  let best: (Decoded & { damage: number }) | undefined;
  for (const c of candidates) {
    const decoder = decoderFor(c.label);
    const text = iconv.decode(buf, decoder);
    const damage = countReplacements(text);
    if (!best || damage < best.damage) best = { text, charset: c.label, decoder, source: c.source, damage };
    if (damage === 0 || inherent > 0) break;
  }
  const { damage: _d, ...chosen } = best!;
  const first = candidates[0]!;
  return chosen.source === first.source ? chosen : { ...chosen, overruled: `${first.source}:${first.label}` };
}
