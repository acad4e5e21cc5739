import type { Command } from 'commander';
import { EmailAddress } from '#shared/alerts/address.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';
import { emailHash } from '#shared/store/subscribers.ts';

/** `nianbao unsubscribe <email> [scopes...]`: drops those scopes, or every scope when none is named. */
export function registerUnsubscribe(program: Command): void {
  program
    .command('unsubscribe <address> [scopes...]')
    .description('unsubscribe an e-mail address from the scopes named, or from everything')
    .action(async (address: string, scopes: string[]) => {
      const email = EmailAddress.safeParse(address);
      if (!email.success) throw new Error(`not an e-mail address: ${address}`);
      await withRuntime(async (rt) => {
        const hash = emailHash(email.data);
        if (!(await rt.ctx.subscribers.get(hash))) throw new Error(`${email.data} is not a subscriber`);
        const removed = await rt.ctx.subscribers.unsubscribe(hash, scopes.length ? scopes : 'all');
        console.log(
          removed.length
            ? `unsubscribed ${email.data} from ${removed.join(', ')}`
            : `nothing changed: ${email.data} had none of ${scopes.join(', ') || 'its scopes'}`,
        );
      });
    });
}
