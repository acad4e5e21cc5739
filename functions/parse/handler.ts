import { buildAwsContext } from '#shared/aws/context.ts';
import { type BatchResponse, processBatch } from '#shared/aws/sqs-batch.ts';
import { ParseMessage } from '#shared/queue/queue.ts';
import { handleParse } from '#shared/stages/parse-stage.ts';

/** SQS (parse queue) → one archived page turned into a report per record. */
export async function handler(event: unknown): Promise<BatchResponse> {
  const ctx = await buildAwsContext();
  return processBatch(
    event,
    ParseMessage,
    (m) => handleParse(m, ctx),
    (message, fields) => ctx.log(message, { stage: 'parse', ...fields }),
  );
}
