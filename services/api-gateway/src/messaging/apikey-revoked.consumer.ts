// Queue api-gateway.apikey-revocations: apikey.revoked, runner.revoked, session.revoked → drop the
// credential's cached principal (an API key's, a runner token's or a person's session, each named by
// `keyId`), so it gets 401 within a second (issue 5 item 1, issue 14 item 1, issue 19). How it
// consumes: cache-drop-consumer.ts.
import { consumerQueue } from '@runfleet/contracts';
import { CacheDropConsumer, type CacheDropConsumerOptions } from './cache-drop-consumer';

/** The queue and its bindings as the contracts declare them (packages/contracts consumer-queues.ts). */
const QUEUE = consumerQueue('api-gateway', 'apikey-revocations');
/** Every event that names a credential (`keyId`) the gateway must stop accepting: API keys, runner tokens, sessions. */
export const REVOCATION_EVENTS = QUEUE.events;

export class ApiKeyRevokedConsumer extends CacheDropConsumer {
  constructor(options: CacheDropConsumerOptions) {
    super(QUEUE, (envelope) => ({ keyId: (envelope.data as { keyId: string }).keyId }), options);
  }
}
