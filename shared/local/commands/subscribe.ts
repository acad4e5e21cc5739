import type { Command } from 'commander';
import { z } from 'zod';
import { withRuntime } from '#shared/local/with-runtime.ts';

const Scope = z
  .string()
  .regex(/^(\*|\d{2,9}|\d{2,9}-[a-z0-9]+)$/, 'a scope is *, a GB/T 2260 code or a body id');

/** `nianbao subscribe`: subscribe an address to jurisdictions (a city covers its counties and their bodies). */
export function registerSubscribe(program: Command): void {
  program
    .command('subscribe <email> <scopes...>')
    .description(
      'subscribe an e-mail address to scopes: * (all), a division code (36, 3608, 360802) or a body id',
    )
    .action(async (email: string, scopes: string[]) => {
      const address = z.email().safeParse(email);
      if (!address.success) throw new Error(`not an e-mail address: ${email}`);
      for (const s of scopes) {
        const ok = Scope.safeParse(s);
        if (!ok.success) throw new Error(`${s}: ${ok.error.issues[0]?.message}`);
      }
      await withRuntime(async (rt) => {
        const sub = await rt.ctx.subscribers.subscribe(
          address.data,
          scopes,
          { confirmed: true },
          new Date().toISOString(),
        );
        const covered = [...rt.ctx.registry.values()].filter((b) =>
          scopes.some((s) => s === '*' || s === b.id || b.divisionCode.startsWith(s.replace(/(00)+$/, ''))),
        );
        console.log(
          `subscribed ${sub.email} to ${scopes.join(', ')}: ${covered.length} body(ies) in the registry`,
        );
      });
    });
}
