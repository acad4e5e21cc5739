import { unzipSync, zipSync } from 'fflate';
import { sha256Of } from './canonical-json.ts';

/** One file of a WACZ, by its path inside the zip. */
export type WaczFiles = Record<string, Uint8Array>;

export const DATAPACKAGE = 'datapackage.json';
export const DATAPACKAGE_DIGEST = 'datapackage-digest.json';

/** A resource of datapackage.json (WACZ 1.1.1): the manifest of sha256 hashes. */
export interface WaczResource {
  name: string;
  path: string;
  hash: string;
  bytes: number;
}

/**
 * Zips a WACZ (WACZ 1.1.1, https://specs.webrecorder.net/wacz/1.1.1/): `datapackage.json` listing every
 * other file with its `sha256:` hash and size, and `datapackage-digest.json` with the hash of that. The
 * WARC is stored (not deflated again: its records are gzipped each), the rest deflated.
 */
export function zipWacz(
  files: WaczFiles,
  meta: { title: string; created: string; software: string; mainPageUrl?: string; mainPageDate?: string },
): { bytes: Uint8Array; resources: WaczResource[]; datapackageHash: string } {
  const resources: WaczResource[] = Object.entries(files)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([path, data]) => ({
      name: path.split('/').at(-1) ?? path,
      path,
      hash: `sha256:${sha256Of(data)}`,
      bytes: data.byteLength,
    }));
  const datapackage = new TextEncoder().encode(
    JSON.stringify({ profile: 'data-package', wacz_version: '1.1.1', ...meta, resources }, null, 2),
  );
  const datapackageHash = `sha256:${sha256Of(datapackage)}`;
  const digest = new TextEncoder().encode(
    JSON.stringify({ path: DATAPACKAGE, hash: datapackageHash }, null, 2),
  );
  const entries: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [path, data] of Object.entries(files))
    entries[path] = [data, { level: path.endsWith('.warc.gz') ? 0 : 6 }];
  entries[DATAPACKAGE] = [datapackage, { level: 6 }];
  entries[DATAPACKAGE_DIGEST] = [digest, { level: 6 }];
  return { bytes: zipSync(entries, { mtime: meta.created }), resources, datapackageHash };
}

/**
 * Opens a WACZ (any zip).
 *
 * @throws Error "not a zip file" when the bytes are not a zip.
 */
export function unzipWacz(bytes: Uint8Array): WaczFiles {
  try {
    return unzipSync(bytes);
  } catch (error) {
    throw new Error(`not a WACZ (zip) file: ${(error as Error).message}`);
  }
}
