import { z } from 'zod';
import type { Log } from '../log.ts';

/** The fields of an SQS record that the handlers use; the rest of the record is not read. */
export const SqsRecord = z.object({
  messageId: z.string().min(1),
  body: z.string(),
  attributes: z.object({ ApproximateReceiveCount: z.string().optional() }).optional(),
});
export const SqsEvent = z.object({ Records: z.array(SqsRecord) });
export type SqsEvent = z.infer<typeof SqsEvent>;

export interface BatchItemFailure {
  itemIdentifier: string;
}
/** The partial batch response: only these messages return to the queue (and reach the DLQ in time). */
export interface BatchResponse {
  batchItemFailures: BatchItemFailure[];
}

/** A record's body as the stage's message, or the reason it is not one. */
export function decodeRecord<T>(
  body: string,
  schema: z.ZodType<T>,
): { ok: true; message: T } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return {
      ok: false,
      reason: `body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, reason: `not a valid message: ${issues.join('; ')}` };
  }
  return { ok: true, message: parsed.data };
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const errorClass = (error: unknown): string =>
  error instanceof Error ? error.constructor.name : typeof error;

/**
 * Runs a stage over every record of an SQS batch and maps the outcome to a partial batch response:
 * a malformed record or a failing stage fails that record alone, so one poison message never makes
 * the good ones of its batch run again. Records run one after another: the crawl queue's batches
 * share a host, and the others are small. A malformed event (not SQS at all) throws: there is no
 * record to blame.
 *
 * Why not Powertools Batch: its SQS processor would do the same loop, but the zod decoding per record
 * (a poison message named with its issues) and the per-record log fields would sit in callbacks around
 * it; with batch sizes of 1–10 the ~40 lines here are the whole mechanism, tested directly
 * (test/unit/functions/handlers.test.ts). Its FIFO processor's one extra rule (stop at the first
 * failure so a group keeps its order) does not apply: the crawl queue's batch size is 1.
 */
export async function processBatch<T>(
  event: unknown,
  schema: z.ZodType<T>,
  handle: (message: T) => Promise<unknown>,
  log: Log,
): Promise<BatchResponse> {
  const { Records } = SqsEvent.parse(event);
  const failures: BatchItemFailure[] = [];
  for (const record of Records) {
    const receiveCount = record.attributes?.ApproximateReceiveCount;
    const decoded = decodeRecord(record.body, schema);
    if (!decoded.ok) {
      log(`record ${record.messageId} (receive ${receiveCount ?? '?'}) rejected: ${decoded.reason}`, {
        messageId: record.messageId,
        receiveCount,
        level: 'error',
        errorClass: 'MalformedMessage',
      });
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const outcome = await handle(decoded.message);
      log(`record ${record.messageId} done: ${JSON.stringify(outcome)}`, { messageId: record.messageId });
    } catch (error) {
      log(`record ${record.messageId} (receive ${receiveCount ?? '?'}) failed: ${describe(error)}`, {
        messageId: record.messageId,
        receiveCount,
        level: 'error',
        errorClass: errorClass(error),
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
