import type { Command } from 'commander';
import { registerAdminKey } from '#shared/local/commands/admin-key.ts';
import { registerAlert } from '#shared/local/commands/alert.ts';
import { registerCheck } from '#shared/local/commands/check.ts';
import { registerCompare } from '#shared/local/commands/compare.ts';
import { registerDemoPortal } from '#shared/local/commands/demo-portal.ts';
import { registerDiscover } from '#shared/local/commands/discover.ts';
import { registerEvidence } from '#shared/local/commands/evidence.ts';
import { registerExport } from '#shared/local/commands/export.ts';
import { registerLetter } from '#shared/local/commands/letter.ts';
import { registerParse } from '#shared/local/commands/parse.ts';
import { registerRegistry } from '#shared/local/commands/registry.ts';
import { registerReindexFindings } from '#shared/local/commands/reindex-findings.ts';
import { registerReparse } from '#shared/local/commands/reparse.ts';
import { registerReset } from '#shared/local/commands/reset.ts';
import { registerStart } from '#shared/local/commands/start.ts';
import { registerStatus } from '#shared/local/commands/status.ts';
import { registerSubscribe } from '#shared/local/commands/subscribe.ts';
import { registerSubscribers } from '#shared/local/commands/subscribers.ts';
import { registerUnsubscribe } from '#shared/local/commands/unsubscribe.ts';
import { registerVerify } from '#shared/local/commands/verify.ts';

/** Each command lives in its own file and registers itself here, one line each. */
const registrars: Array<(program: Command) => void> = [
  registerStart,
  registerStatus,
  registerSubscribe,
  registerUnsubscribe,
  registerSubscribers,
  registerAlert,
  registerReparse,
  registerReset,
  registerDemoPortal,
  registerCheck,
  registerParse,
  registerDiscover,
  registerExport,
  registerCompare,
  registerAdminKey,
  registerRegistry,
  registerEvidence,
  registerVerify,
  registerLetter,
  registerReindexFindings,
];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
