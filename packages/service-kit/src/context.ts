// Request/message context kept in AsyncLocalStorage, so every log line and every event
// published while handling a request or a message carries its correlation id (STYLE.md habit 10).
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  correlationId: string;
  /** id of the message being handled, when inside a consumer: becomes causationId of what it publishes */
  causationId?: string | null;
  requestId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}
