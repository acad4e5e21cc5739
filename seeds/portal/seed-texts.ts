import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Seed report texts keyed by site key ('000'…), as scraped (chrome and damage included). */
export type SeedTexts = Readonly<Record<string, string>>;

export const DEFAULT_SEED_DIR = fileURLToPath(new URL('../reports/', import.meta.url));

/** Reads `<key>_<hash>.txt` files; the hash part changes when a seed is re-scraped, so match on the prefix. */
export function loadSeedTexts(dir: string = DEFAULT_SEED_DIR): SeedTexts {
  const texts: Record<string, string> = {};
  for (const file of readdirSync(dir).sort()) {
    const match = /^(\d{3})_[0-9a-f]+\.txt$/.exec(file);
    if (match?.[1]) texts[match[1]] = readFileSync(join(dir, file), 'utf8');
  }
  return texts;
}

let cached: SeedTexts | undefined;

/** The repository's seeds, read once per process (pages are rendered many times per crawl). */
export function defaultSeedTexts(): SeedTexts {
  cached ??= loadSeedTexts();
  return cached;
}

export function seedText(texts: SeedTexts, key: string): string {
  const text = texts[key];
  if (text === undefined) throw new Error(`seed report ${key} not found`);
  return text;
}
