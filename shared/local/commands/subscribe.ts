import type { Command } from 'commander';
import { z } from 'zod';
import { EmailAddress } from '#shared/alerts/address.ts';
import { describeFilters, scopeName, unknownScopes } from '#shared/alerts/scopes.ts';
import { Severity } from '#shared/domain/finding.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';

const Scope = z
  .string()
  .regex(/^(\*|\d{2,9}|\d{2,9}-[a-z0-9]+)$/, 'a scope is *, a GB/T 2260 code or a body id');

const Kinds = z.array(z.enum(['deadlines', 'anomalies'])).min(1);

/**
 * `nianbao subscribe <email> <scopes...>`: an operator's action, applied at once (no confirmation mail):
 * a division covers everything below it (36 → every body in 江西省). Webhook channels are refused with a
 * clear error: not built yet.
 */
export function registerSubscribe(program: Command): void {
  program
    .command('subscribe <address> <scopes...>')
    .description(
      'subscribe an e-mail address to scopes: * (all), a division code (36, 3608, 360802) or a body id',
    )
    .option('--digest <mode>', 'immediate (default) or daily (one digest a day)', 'immediate')
    .option('--channel <channel>', 'email (default); chat robots and webhooks are not available yet', 'email')
    .option('--kinds <kinds>', 'deadlines, anomalies, or both (comma-separated; default both)')
    .option('--min-severity <severity>', 'info (default), warning or error')
    .action(
      async (
        address: string,
        scopes: string[],
        o: { digest: string; channel: string; kinds?: string; minSeverity?: string },
      ) => {
        if (o.channel !== 'email' || /^https?:\/\//i.test(address)) {
          throw new Error(
            'only e-mail subscriptions are available: chat robots and webhooks are not built yet',
          );
        }
        if (o.digest !== 'immediate' && o.digest !== 'daily') throw new Error('--digest: immediate or daily');
        const digest: 'immediate' | 'daily' = o.digest;
        const email = EmailAddress.safeParse(address);
        if (!email.success) throw new Error(`not an e-mail address: ${address}`);
        for (const s of scopes) {
          const ok = Scope.safeParse(s);
          if (!ok.success) throw new Error(`${s}: ${ok.error.issues[0]?.message}`);
        }
        const kinds = o.kinds ? Kinds.safeParse(o.kinds.split(',').map((k) => k.trim())) : undefined;
        if (kinds && !kinds.success) throw new Error('--kinds: deadlines, anomalies, or both');
        const minSeverity = o.minSeverity ? Severity.safeParse(o.minSeverity) : undefined;
        if (minSeverity && !minSeverity.success) throw new Error('--min-severity: info, warning or error');
        await withRuntime(async (rt) => {
          const unknown = unknownScopes(scopes, (id) => rt.ctx.registry.has(id));
          if (unknown.length) throw new Error(`unknown scopes: ${unknown.join(', ')}`);
          const filters = {
            ...(kinds?.data ? { kinds: kinds.data } : {}),
            ...(minSeverity?.data ? { minSeverity: minSeverity.data } : {}),
          };
          const sub = await rt.ctx.subscribers.subscribe(
            email.data,
            scopes,
            { confirmed: true, digest, ...filters },
            new Date().toISOString(),
          );
          const names = scopes.map((s) => scopeName(s, (id) => rt.ctx.registry.get(id)?.name) ?? s);
          console.log(`subscribed ${sub.email} to ${names.join('; ')} (${describeFilters(sub)})`);
        });
      },
    );
}
