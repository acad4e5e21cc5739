import type { MiddlewareStack } from '@smithy/types';

/** An AWS SDK v3 client (S3Client, DynamoDBDocumentClient): its middleware stack and its handler cache. */
interface SdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: the stack of any client, whatever its input and output types.
  middlewareStack: MiddlewareStack<any, any>;
}

/**
 * Calls `onCommand(commandName, input)` for every command `client` sends from now on (an `initialize`
 * middleware named `name`); what it throws is what the command's `send` rejects with (a fault injected). A client built with `cacheMiddleware: true` (shared/store/clients.ts) resolves its stack
 * once per command class and keeps the handler: a middleware added after the first call of a command would
 * silently never run for it, so the cached handlers are dropped here (the SDK's own `handlers` field).
 * Returns how many calls the middleware has seen: a test asserts it ran, so it cannot pass unobserved.
 */
export function observeCommands(
  client: SdkClient,
  name: string,
  onCommand: (commandName: string, input: unknown) => void,
): { seen: () => number } {
  let seen = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      seen += 1;
      onCommand(context.commandName ?? 'unknown', args.input);
      return next(args);
    },
    { step: 'initialize', name },
  );
  delete (client as { handlers?: unknown }).handlers;
  return { seen: () => seen };
}
