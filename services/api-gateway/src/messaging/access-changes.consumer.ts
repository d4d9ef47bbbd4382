// Queue api-gateway.access-changes: changes that end (or restore) a key's access without revoking it
// → drop the cached principals they affect, so they bite within a second instead of when the 60 s
// cache entry expires (issue 12 defect 2; the docs promise "at once"): a reseller suspended or
// reactivated (its own keys), a customer deactivated or reactivated (its keys), a key rotated (the
// old key's expiry moved, to now for a grace of 0). Dropping on reactivation too means nothing cached
// from before the change outlives it either way. Reseller relationships are not read by key
// verification, so their changes need nothing here. How it consumes: cache-drop-consumer.ts.
import { consumerQueue, type Envelope, type EventData } from '@runfleet/contracts';
import { CacheDropConsumer, type CacheDrop, type CacheDropConsumerOptions } from './cache-drop-consumer';

const QUEUE = consumerQueue('api-gateway', 'access-changes');

export function cacheDropFor(envelope: Envelope): CacheDrop {
  switch (envelope.type) {
    case 'reseller.updated': {
      const d = envelope.data as EventData<'reseller.updated'>;
      return d.changedFields.includes('active') ? { owner: { type: 'reseller', id: d.resellerId } } : null;
    }
    case 'customer.updated': {
      const d = envelope.data as EventData<'customer.updated'>;
      return d.changedFields.includes('active') ? { owner: { type: 'customer', id: d.customerId } } : null;
    }
    case 'apikey.rotated':
      return { keyId: (envelope.data as EventData<'apikey.rotated'>).keyId };
    default:
      return null;
  }
}

export class AccessChangesConsumer extends CacheDropConsumer {
  constructor(options: Required<CacheDropConsumerOptions>) {
    super(QUEUE, cacheDropFor, options);
  }
}
