import type { Queue, SendOptions } from '#shared/queue/queue.ts';

/** A queue that only records what is sent, with its options (the SQS queues of the other functions). */
export function recordingQueue<M>(): Queue<M> & { sent: Array<{ m: M; o?: SendOptions }> } {
  const sent: Array<{ m: M; o?: SendOptions }> = [];
  return {
    sent,
    send: async (m, o) => {
      sent.push(o ? { m, o } : { m });
    },
  };
}
