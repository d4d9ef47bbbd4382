// Queue api-gateway.apikey-revocations: apikey.revoked → drop the key's cached principal, so a
// revoked key gets 401 within a second (issue 5 item 1). How it consumes: cache-drop-consumer.ts.
import { consumerQueue } from '@runfleet/contracts';
import { CacheDropConsumer, type CacheDropConsumerOptions } from './cache-drop-consumer';

/** The queue and its bindings as the contracts declare them (packages/contracts consumer-queues.ts). */
const QUEUE = consumerQueue('api-gateway', 'apikey-revocations');
/** Runner-token revocations join this list (in the contracts) when runner-registry publishes them. */
export const REVOCATION_EVENTS = QUEUE.events;

export class ApiKeyRevokedConsumer extends CacheDropConsumer {
  constructor(options: CacheDropConsumerOptions) {
    super(QUEUE, (envelope) => ({ keyId: (envelope.data as { keyId: string }).keyId }), options);
  }
}
