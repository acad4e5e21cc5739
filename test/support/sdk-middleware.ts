import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InitializeHandlerOptions, InitializeMiddleware, MiddlewareStack } from '@smithy/types';
import { lowLevelClient } from '#shared/store/clients.ts';

/** An AWS SDK v3 client (S3Client, DynamoDBDocumentClient): its middleware stack and its handler cache. */
interface SdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: the stack of any client, whatever its input and output types.
  middlewareStack: MiddlewareStack<any, any>;
}

/**
 * `client` and, for a document client made by makeDocumentClient, the low-level client beside it that sends
 * the hot calls (Query pages, BatchWriteItem: shared/store/clients.ts): a middleware meant for "every command
 * this client sends" goes on both stacks.
 */
function stacksOf(client: SdkClient): SdkClient[] {
  const sibling = lowLevelClient(client as unknown as DynamoDBDocumentClient) as unknown as SdkClient;
  return sibling === client ? [client] : [client, sibling];
}

/**
 * Adds an `initialize` `middleware` (with `options`: step, name) to `client`'s stack and its low-level sibling's (stacksOf).
 * A client built with `cacheMiddleware: true` (shared/store/clients.ts) resolves its stack once per command
 * class and keeps the handler: a middleware added after the first call of a command would silently never run
 * for it, so the cached handlers are dropped here (the SDK's own `handlers` field).
 */
export function addMiddleware(
  client: SdkClient,
  // biome-ignore lint/suspicious/noExplicitAny: a middleware of any client, whatever its input and output types.
  middleware: InitializeMiddleware<any, any>,
  options: InitializeHandlerOptions,
): void {
  for (const c of stacksOf(client)) {
    c.middlewareStack.add(middleware, options);
    delete (c as { handlers?: unknown }).handlers;
  }
}

/**
 * Calls `onCommand(commandName, input)` for every command `client` sends from now on (an `initialize`
 * middleware named `name`, on the client's stack and its low-level sibling's: addMiddleware); what it
 * throws is what the command's `send` rejects with (a fault injected). Returns how many calls the middleware
 * has seen: a test asserts it ran, so it cannot pass unobserved.
 */
export function observeCommands(
  client: SdkClient,
  name: string,
  onCommand: (commandName: string, input: unknown) => void,
): { seen: () => number } {
  let seen = 0;
  addMiddleware(
    client,
    (next, context) => async (args) => {
      seen += 1;
      onCommand(context.commandName ?? 'unknown', args.input);
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { seen: () => seen };
}
