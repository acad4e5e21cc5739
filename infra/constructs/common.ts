import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { MailBinding } from './function.ts';
import type { Storage } from './storage.ts';

/** What every concern construct receives from the stack. */
export interface ConcernProps {
  storage: Storage;
  /** The settings every function shares (shared/config.ts names): sender, admin address, log format… */
  environment: Record<string, string>;
  alarmAction: cloudwatch.IAlarmAction;
  mail: MailBinding;
}
