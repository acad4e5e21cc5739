import { Logger } from '@aws-lambda-powertools/logger';

/** Fields a log line may carry: bodyId, messageId, stage, errorClass… (filterable in CloudWatch). */
export type LogFields = Record<string, unknown>;
/** How stages log: a message and, where known, structured fields. */
export type Log = (message: string, fields?: LogFields) => void;

export interface LogOptions {
  format: 'text' | 'json';
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Where text lines go (the CLI prints them); json always goes to stdout through Powertools. */
  write?: (line: string) => void;
}

/**
 * The log function of either runtime. `json` is Powertools Logger (one JSON object per line, level,
 * service, timestamp, the fields given, and the Lambda context keys it adds in AWS); `text` keeps the
 * terminal's lines, with the fields appended as `key=value`.
 */
export function makeLog(o: LogOptions): Log {
  if (o.format === 'json') {
    const logger = new Logger({ serviceName: 'nianbao-watch', logLevel: o.level });
    return (message, fields) => {
      if (fields?.level === 'error' || fields?.errorClass) logger.error(message, { ...fields });
      else logger.info(message, { ...fields });
    };
  }
  const write = o.write ?? ((line: string) => console.log(line));
  return (message, fields) => {
    const extra = fields
      ? Object.entries(fields)
          .filter(([k, v]) => v !== undefined && k !== 'level')
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      : [];
    write(extra.length ? `${message} (${extra.join(' ')})` : message);
  };
}
