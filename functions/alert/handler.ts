import { buildAwsContext } from '#shared/aws/context.ts';
import { type BatchResponse, processBatch } from '#shared/aws/sqs-batch.ts';
import { AlertMessage } from '#shared/queue/queue.ts';
import { handleAlert } from '#shared/stages/alert-stage.ts';

/** SQS (alert queue) → one alert delivered (each recipient once) per record. */
export async function handler(event: unknown): Promise<BatchResponse> {
  const ctx = await buildAwsContext();
  return processBatch(
    event,
    AlertMessage,
    (m) => handleAlert(m, ctx),
    (message, fields) => ctx.log(message, { stage: 'alert', ...fields }),
  );
}
