import type { Command } from 'commander';
import { describeFilters, scopeName } from '#shared/alerts/scopes.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';

/** `nianbao subscribers [--json]`: every subscriber with its scopes (in words), filters and state. */
export function registerSubscribers(program: Command): void {
  program
    .command('subscribers')
    .description('list the subscribers, their scopes and filters')
    .option('--json', 'one JSON array on stdout')
    .action(async (o: { json?: boolean }) => {
      await withRuntime(async (rt) => {
        const rows = [];
        for (const s of await rt.ctx.subscribers.list()) {
          const scopes = await rt.ctx.subscribers.scopes(s.emailHash);
          rows.push({
            // A robot is listed by its label; its key, token, URL and secret never leave the table.
            email: s.email,
            channel: s.robot?.channel ?? 'email',
            confirmed: s.confirmed,
            suppressed: s.suppressed,
            digest: s.digest,
            ...(s.kinds ? { kinds: s.kinds } : {}),
            ...(s.minSeverity ? { minSeverity: s.minSeverity } : {}),
            scopes,
            pending: Boolean(s.pending),
          });
        }
        if (o.json) {
          console.log(JSON.stringify(rows, null, 2));
          return;
        }
        for (const r of rows) {
          const state = r.suppressed ? 'suppressed' : r.confirmed ? 'confirmed' : 'unconfirmed';
          const names = r.scopes.map((x) => scopeName(x, (id) => rt.ctx.registry.get(id)?.name) ?? x);
          console.log(`${r.email} [${state}${r.pending ? ', change pending' : ''}] ${describeFilters(r)}`);
          console.log(`  ${names.join('; ') || '(no scopes)'}`);
        }
        if (rows.length === 0) console.log('no subscribers');
      });
    });
}
