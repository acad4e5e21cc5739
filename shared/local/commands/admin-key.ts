import type { Command } from 'commander';
import { issueAdminKey, revokeAdminKey } from '#shared/api/admin-token.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';

/**
 * `nianbao admin-key create`: issues an API admin key; only its sha256 is stored, the key is printed once.
 * `nianbao admin-key revoke <key>`: revokes one (marked, not deleted); its dashboard sessions end with it.
 */
export function registerAdminKey(program: Command): void {
  const cmd = program.command('admin-key').description('admin keys for the HTTP API (/admin routes)');
  cmd
    .command('create')
    .description('issue a new admin key (printed once; the table keeps only its hash)')
    .option('--label <label>', 'who or what the key is for', 'admin')
    .action(async (options: { label: string }) => {
      await withRuntime(async (rt) => {
        const key = await issueAdminKey(rt.ctx.repo, options.label, new Date());
        console.log(key);
        console.error(
          `admin key for "${options.label}" created; send it as x-admin-token or Authorization: Bearer. It is not shown again.`,
        );
      });
    });
  cmd
    .command('revoke <key>')
    .description('revoke an admin key (a leaked one): the API refuses it and its dashboard sessions end')
    .action(async (key: string) => {
      await withRuntime(async (rt) => {
        if (!(await revokeAdminKey(rt.ctx.repo, key.trim(), new Date())))
          throw new Error('no such admin key, or it was revoked already: nothing changed');
        console.log('admin key revoked; its dashboard sessions are ended');
      });
    });
}
