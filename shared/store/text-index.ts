import { z } from 'zod';
import { queryAll } from './query-all.ts';
import type { Repository } from './repository.ts';

/**
 * Where each report text was archived (host.mirror across bodies): `TEXT#<sha256 of the normalised text>`
 * holds one item per body, year and host that archived it. One conditional put per report parsed (a
 * repeat finds its item there and writes nothing), then a query of the key's items; of two copies stored
 * at once, the one written second sees the other.
 */
export const TextCopyItem = z.object({
  bodyId: z.string(),
  year: z.number().int(),
  host: z.string(),
  url: z.string(),
});
export type TextCopyItem = z.infer<typeof TextCopyItem>;

const textKey = (hash: string, c: TextCopyItem) => ({
  pk: `TEXT#${hash}`,
  sk: `COPY#${c.bodyId}#${c.year}#${c.host.toLowerCase()}`,
});

/** Records that `copy` holds the text `hash`; false when it was recorded before. */
export async function recordTextCopy(repo: Repository, hash: string, copy: TextCopyItem): Promise<boolean> {
  return repo.putNew({ ...textKey(hash, copy), ...copy });
}

/** Every copy of the text `hash` recorded so far (a consistent read, every page of the query). */
export async function textCopies(repo: Repository, hash: string): Promise<TextCopyItem[]> {
  const out: TextCopyItem[] = [];
  for (const item of await queryAll(repo, `TEXT#${hash}`)) {
    const parsed = TextCopyItem.safeParse(item);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
