import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Body } from '../domain/body.ts';
import { loadRegistry } from '../domain/registry.ts';
import { ConfigError, InfrastructureError, type RegistryError } from '../errors.ts';

/** Where `nianbao registry push` writes and the functions read, in the archive bucket (NIANBAO_BUCKET). */
export const DEFAULT_REGISTRY_KEY = 'registry/bodies.json';

/**
 * The registry document validated for a push: every entry must pass (the local loader's checks,
 * shared/domain/registry.ts), so a push never publishes a registry the functions would half-load.
 * Returns the bodies, or every rejected entry with its position and reason.
 */
export function validateForPush(
  raw: unknown,
): { ok: true; bodies: Body[] } | { ok: false; errors: RegistryError[] } {
  const { bodies, errors } = loadRegistry(raw);
  if (errors.length > 0) return { ok: false, errors };
  if (bodies.length === 0) return { ok: false, errors: [] };
  return { ok: true, bodies };
}

/**
 * Uploads a validated registry document as `s3://bucket/key` (JSON, the bodies as given: the reader
 * validates again). The bucket is versioned, so every push stays as a version (history of the registry).
 */
export async function putRegistry(s3: S3Client, bucket: string, key: string, bodies: Body[]): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify({ bodies }),
      ContentType: 'application/json',
    }),
  );
}

const isNotFound = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

export interface S3RegistryOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  /** How long a loaded registry is used before S3 is asked again (a HEAD: unchanged, the body is not read). */
  refreshMs: number;
  now?: () => number;
  /** Told when a refresh fails and the registry already loaded is kept. */
  onStaleKept?: (error: Error) => void;
}

/**
 * The registry as the functions read it: from S3 at cold start, kept for `refreshMs`, then asked again
 * (a HEAD; the object is read only when its ETag changed). Errors:
 * - no object at the key: ConfigError naming the key and `nianbao registry push` (nothing to crawl
 *   without a registry, and guessing one would be worse);
 * - an object with any invalid entry: ConfigError listing each (a pushed registry was validated, so this
 *   is a hand-edited object);
 * - S3 failing: InfrastructureError (retried and dead-lettered).
 * Those are thrown on the first load only: on a refresh the registry already loaded is kept and
 * `onStaleKept` told, so a bad edit never empties a running pipeline.
 */
export class S3Registry {
  private bodies: Body[] | undefined;
  private etag: string | undefined;
  private loadedAt = 0;
  private readonly now: () => number;

  constructor(private readonly o: S3RegistryOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The location, as the errors and logs name it. */
  get uri(): string {
    return `s3://${this.o.bucket}/${this.o.key}`;
  }

  /** The current bodies, and whether they changed since the previous call. */
  async get(): Promise<{ bodies: Body[]; changed: boolean }> {
    if (this.bodies && this.now() - this.loadedAt < this.o.refreshMs) {
      return { bodies: this.bodies, changed: false };
    }
    try {
      const changed = await this.load();
      return { bodies: this.bodies as Body[], changed };
    } catch (error) {
      if (!this.bodies) throw error;
      this.o.onStaleKept?.(error as Error);
      this.loadedAt = this.now();
      return { bodies: this.bodies, changed: false };
    }
  }

  private async load(): Promise<boolean> {
    const where = { Bucket: this.o.bucket, Key: this.o.key };
    let text: string;
    let etag: string | undefined;
    try {
      // A HEAD first: an unchanged registry (the same ETag) is not read again.
      if (this.bodies && this.etag) {
        const head = await this.o.s3.send(new HeadObjectCommand(where));
        if (head.ETag === this.etag) {
          this.loadedAt = this.now();
          return false;
        }
      }
      const res = await this.o.s3.send(new GetObjectCommand(where));
      text = (await res.Body?.transformToString('utf8')) ?? '';
      etag = res.ETag;
    } catch (error) {
      if (isNotFound(error)) {
        throw new ConfigError(
          `no registry at ${this.uri}: push one with \`nianbao registry push <file>\` (see the README's runbook)`,
        );
      }
      throw new InfrastructureError(`reading the registry ${this.uri} failed: ${String(error)}`, 's3', {
        cause: error,
      });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`registry ${this.uri} is not JSON: ${(error as Error).message}`);
    }
    const { bodies, errors } = loadRegistry(raw);
    if (errors.length > 0) {
      throw new ConfigError(
        `invalid registry ${this.uri}:\n${errors.map((e) => `  ${e.message}`).join('\n')}`,
      );
    }
    this.bodies = bodies;
    this.etag = etag;
    this.loadedAt = this.now();
    return true;
  }
}
