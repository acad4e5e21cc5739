import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SecretReaderOptions {
  region: string;
  /** How long a value is reused: a rotated secret is picked up within this time, without a deploy. */
  ttlMs?: number;
  now?: () => number;
  /** A stand-in for tests: what GetSecretValue would answer. */
  fetch?: (arn: string) => Promise<string>;
}

/**
 * A secret read at run time (never from the Lambda environment, where anyone who can read the function's
 * configuration could see it), cached for `ttlMs` (default 5 minutes) and re-read after: rotating it is
 * `aws secretsmanager put-secret-value`, no redeploy. A failed read is not cached.
 */
export function secretReader(arn: string, o: SecretReaderOptions): () => Promise<string> {
  const ttl = o.ttlMs ?? 300_000;
  const now = o.now ?? Date.now;
  let client: Promise<{ sm: SecretsManagerClient; get: (id: string) => Promise<string> }> | undefined;
  const fetchSecret =
    o.fetch ??
    (async (id: string) => {
      client ??= import('@aws-sdk/client-secrets-manager').then((m) => {
        const sm = new m.SecretsManagerClient({ region: o.region });
        return {
          sm,
          get: async (secretId: string) => {
            const res = await sm.send(new m.GetSecretValueCommand({ SecretId: secretId }));
            if (res.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
            return res.SecretString;
          },
        };
      });
      return (await client).get(id);
    });
  let cached: { value: string; at: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (cached && now() - cached.at < ttl) return cached.value;
    pending ??= fetchSecret(arn)
      .then((value) => {
        cached = { value: value.trim(), at: now() };
        return cached.value;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
