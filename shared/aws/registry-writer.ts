import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RegistryWriter } from '../api/options.ts';
import type { Body } from '../domain/body.ts';
import { ConfigError, InfrastructureError } from '../errors.ts';
import { validateForPush } from './registry.ts';

export interface S3RegistryWriterOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  /** The running function's registry: the entry is set there once written (other containers re-read S3). */
  registry: Map<string, Body>;
  /** Read-modify-write rounds before giving up when other writers keep changing the object (default 5). */
  attempts?: number;
}

/** The registry document as stored: `{ bodies: [...] }` plus whatever else a pushed file carried. */
type RegistryDocument = Record<string, unknown> & { bodies?: unknown };

/** S3 answered that the object changed since it was read (If-Match failed, or a write raced this one). */
const isConflict = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return (
    e.name === 'PreconditionFailed' ||
    e.name === 'ConditionalRequestConflict' ||
    status === 412 ||
    status === 409
  );
};

const isNotFound = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/**
 * The document with the entry added, or replacing the one of the same id (in place, so the file's order
 * stays). The entry is written as the registry file spells it: `parents` is derived by the loader, not stored.
 */
export function withEntry(doc: RegistryDocument, body: Body): { doc: RegistryDocument; created: boolean } {
  const list = Array.isArray(doc.bodies) ? [...(doc.bodies as unknown[])] : [];
  const at = list.findIndex((b) => (b as { id?: unknown } | null)?.id === body.id);
  const { parents: _parents, ...entry } = body;
  if (at >= 0) list[at] = entry;
  else list.push(entry);
  return { doc: { ...doc, bodies: list }, created: at < 0 };
}

/**
 * Registry entries written to the registry object in S3 (`s3://bucket/key`, the one `nianbao registry push`
 * writes and every function reads, shared/aws/registry.ts), for the admin API in Lambda.
 *
 * `upsert` reads the object and its ETag, adds or replaces the entry, validates the WHOLE registry as a push
 * does (an invalid registry is never written: ConfigError listing each rejected entry), and writes it back
 * with `If-Match: <ETag read>` (S3 conditional writes): when another writer changed the object in between,
 * S3 answers 412 PreconditionFailed (or 409 ConditionalRequestConflict) and the round starts again from a
 * fresh read, so a concurrent update is never lost. After `attempts` conflicting rounds: InfrastructureError.
 * No registry object at the key: ConfigError (push one first; the functions cannot start without it).
 * Once written, the entry (with its parent chain as the loader derives it) is set in `registry`, so this
 * container uses it at once; other containers see it at their next refresh (a HEAD of the changed ETag).
 */
export function s3RegistryWriter(o: S3RegistryWriterOptions): RegistryWriter {
  const uri = `s3://${o.bucket}/${o.key}`;
  const where = { Bucket: o.bucket, Key: o.key };
  const attempts = o.attempts ?? 5;
  return {
    async upsert(body) {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        let text: string;
        let etag: string | undefined;
        try {
          const res = await o.s3.send(new GetObjectCommand(where));
          text = (await res.Body?.transformToString('utf8')) ?? '';
          etag = res.ETag;
        } catch (error) {
          if (isNotFound(error)) {
            throw new ConfigError(
              `no registry at ${uri}: push one with \`nianbao registry push <file>\` first`,
            );
          }
          throw new InfrastructureError(`reading the registry ${uri} failed: ${String(error)}`, 's3', {
            cause: error,
          });
        }
        let doc: RegistryDocument;
        try {
          doc = JSON.parse(text) as RegistryDocument;
        } catch (error) {
          throw new ConfigError(`registry ${uri} is not JSON: ${(error as Error).message}; nothing written`);
        }
        if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
          throw new ConfigError(`registry ${uri} is not a JSON object with "bodies"; nothing written`);
        }
        const next = withEntry(doc, body);
        const checked = validateForPush(next.doc);
        if (!checked.ok) {
          throw new ConfigError(
            `registry ${uri} would be invalid with ${body.id}; nothing written:\n${checked.errors.map((e) => `  ${e.message}`).join('\n')}`,
          );
        }
        if (!etag) throw new InfrastructureError(`reading the registry ${uri}: S3 gave no ETag`, 's3');
        try {
          await o.s3.send(
            new PutObjectCommand({
              ...where,
              Body: JSON.stringify(next.doc),
              ContentType: 'application/json',
              IfMatch: etag,
            }),
          );
        } catch (error) {
          if (isConflict(error)) continue;
          throw new InfrastructureError(`writing the registry ${uri} failed: ${String(error)}`, 's3', {
            cause: error,
          });
        }
        const loaded = checked.bodies.find((b) => b.id === body.id) ?? body;
        o.registry.set(body.id, loaded);
        return { created: next.created };
      }
      throw new InfrastructureError(
        `the registry ${uri} changed under ${attempts} attempts to write ${body.id}: try again`,
        's3',
      );
    },
  };
}
