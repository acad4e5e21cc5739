import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Storage } from './storage.ts';

/** What every concern construct receives from the stack. */
export interface ConcernProps {
  storage: Storage;
  /** MAIL_FROM and ADMIN_EMAIL: shared/aws/context.ts requires them in every function. */
  environment: Record<string, string>;
  alarmAction: cloudwatch.IAlarmAction;
}
