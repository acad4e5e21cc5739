import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 (Certificate Transparency 2.0), over SHA-256: a leaf hashes as
 * SHA-256(0x00 ‖ data), a node as SHA-256(0x01 ‖ left ‖ right), the split at the largest power of two below
 * the size. Hashes are lowercase hex; leaves are the UTF-8 bytes given.
 */
const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

export function leafHash(data: string): string {
  return sha(LEAF, Buffer.from(data, 'utf8')).toString('hex');
}

const nodeHash = (l: string, r: string): string =>
  sha(NODE, Buffer.from(l, 'hex'), Buffer.from(r, 'hex')).toString('hex');

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOf(hashes: readonly string[]): string {
  if (hashes.length === 0) return sha().toString('hex');
  if (hashes.length === 1) return hashes[0] as string;
  const k = split(hashes.length);
  return nodeHash(rootOf(hashes.slice(0, k)), rootOf(hashes.slice(k)));
}

/** MTH over the leaves' data (RFC 9162 §2.1.1). */
export function merkleRoot(leaves: readonly string[]): string {
  return rootOf(leaves.map(leafHash));
}

/** The inclusion proof of leaf `index` (RFC 9162 §2.1.3.1), sibling hashes from the leaf up. */
export function inclusionProof(leaves: readonly string[], index: number): string[] {
  if (index < 0 || index >= leaves.length) throw new RangeError(`leaf ${index} of ${leaves.length}`);
  const path = (hashes: readonly string[], m: number): string[] => {
    if (hashes.length <= 1) return [];
    const k = split(hashes.length);
    return m < k
      ? [...path(hashes.slice(0, k), m), rootOf(hashes.slice(k))]
      : [...path(hashes.slice(k), m - k), rootOf(hashes.slice(0, k))];
  };
  return path(leaves.map(leafHash), index);
}

/**
 * Verifies an inclusion proof (RFC 9162 §2.1.3.2): true when `leaf` at `index` of a tree of `size` leaves
 * and `proof` give `root`.
 */
export function verifyInclusion(
  leaf: string,
  index: number,
  size: number,
  proof: readonly string[],
  root: string,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r === root;
}
