import type { Command } from 'commander';
import { z } from 'zod';
import { EmailAddress } from '#shared/alerts/address.ts';
import { describeFilters, scopeName, unknownScopes } from '#shared/alerts/scopes.ts';
import { CHANNEL_NAMES, Channel, parseRobot, type RobotTarget, robotLabel } from '#shared/channels/robot.ts';
import { Severity } from '#shared/domain/finding.ts';
import { withRuntime } from '#shared/local/with-runtime.ts';
import type { StageContext } from '#shared/stages/context.ts';

const Scope = z
  .string()
  .regex(/^(\*|\d{2,9}|\d{2,9}-[a-z0-9]+)$/, 'a scope is *, a GB/T 2260 code or a body id');

const Kinds = z.array(z.enum(['deadlines', 'anomalies'])).min(1);

/**
 * `nianbao subscribe <address> <scopes...>`: an operator's action, applied at once (no confirmation mail
 * or message): a division covers everything below it (36 → every body in 江西省). With `--channel wecom |
 * dingtalk | feishu | webhook` the address is the robot's URL as its platform gave it, and its signing
 * secret comes from `--secret` or NIANBAO_ROBOT_SECRET (out of the shell history); the robot is named
 * by its label only (channels/robot.ts), never by its key.
 */
export function registerSubscribe(program: Command): void {
  program
    .command('subscribe <address> <scopes...>')
    .description(
      'subscribe an e-mail address to scopes: * (all), a division code (36, 3608, 360802) or a body id',
    )
    .option('--digest <mode>', 'immediate (default) or daily (one digest a day)', 'immediate')
    .option('--channel <channel>', 'email (default), wecom, dingtalk, feishu or webhook', 'email')
    .option(
      '--secret <secret>',
      "a robot's signing secret (钉钉 SEC…, 飞书, webhook whsec_…); else NIANBAO_ROBOT_SECRET",
    )
    .option('--kinds <kinds>', 'deadlines, anomalies, or both (comma-separated; default both)')
    .option('--min-severity <severity>', 'info (default), warning or error')
    .action(
      async (
        address: string,
        scopes: string[],
        o: { digest: string; channel: string; secret?: string; kinds?: string; minSeverity?: string },
      ) => {
        const channel = Channel.safeParse(o.channel);
        if (!channel.success) throw new Error('--channel: email, wecom, dingtalk, feishu or webhook');
        if (o.digest !== 'immediate' && o.digest !== 'daily') throw new Error('--digest: immediate or daily');
        const digest: 'immediate' | 'daily' = o.digest;
        if (channel.data !== 'email' && digest !== 'immediate') {
          throw new Error('--digest: robots get immediate alerts only');
        }
        const email = channel.data === 'email' ? EmailAddress.safeParse(address) : undefined;
        if (email && !email.success) {
          throw new Error(
            /^https?:\/\//i.test(address)
              ? 'a robot URL needs --channel wecom, dingtalk, feishu or webhook'
              : `not an e-mail address: ${address}`,
          );
        }
        for (const s of scopes) {
          const ok = Scope.safeParse(s);
          if (!ok.success) throw new Error(`${s}: ${ok.error.issues[0]?.message}`);
        }
        const kinds = o.kinds ? Kinds.safeParse(o.kinds.split(',').map((k) => k.trim())) : undefined;
        if (kinds && !kinds.success) throw new Error('--kinds: deadlines, anomalies, or both');
        const minSeverity = o.minSeverity ? Severity.safeParse(o.minSeverity) : undefined;
        if (minSeverity && !minSeverity.success) throw new Error('--min-severity: info, warning or error');
        await withRuntime(async (rt) => {
          const target = robotTarget(
            rt.ctx,
            channel.data,
            address,
            o.secret ?? process.env.NIANBAO_ROBOT_SECRET,
          );
          const unknown = unknownScopes(scopes, (id) => rt.ctx.registry.has(id));
          if (unknown.length) throw new Error(`unknown scopes: ${unknown.join(', ')}`);
          const filters = {
            ...(kinds?.data ? { kinds: kinds.data } : {}),
            ...(minSeverity?.data ? { minSeverity: minSeverity.data } : {}),
          };
          const sub = await rt.ctx.subscribers.subscribe(
            target ? robotLabel(target) : (email?.data ?? ''),
            scopes,
            { confirmed: true, digest, ...filters, ...(target ? { robot: target } : {}) },
            new Date().toISOString(),
          );
          const names = scopes.map((s) => scopeName(s, (id) => rt.ctx.registry.get(id)?.name) ?? s);
          const who = target ? `${CHANNEL_NAMES[target.channel]} ${sub.email}` : sub.email;
          console.log(`subscribed ${who} to ${names.join('; ')} (${describeFilters(sub)})`);
        });
      },
    );
}

/**
 * The robot an operator named (undefined for e-mail); a malformed URL or secret is a clear error that
 * never repeats the secret.
 */
function robotTarget(
  ctx: StageContext,
  channel: Channel,
  url: string,
  secret: string | undefined,
): RobotTarget | undefined {
  if (channel === 'email') return undefined;
  const parsed = parseRobot({ channel, url, secret }, (origin) => ctx.robots?.allowsOrigin(origin) ?? false);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.robot;
}
