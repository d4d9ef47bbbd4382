// Queue runner-registry.holds: billing's verdict on a job's hold (DESIGN.md §4 "Job" step 3).
// wallet.hold_placed → `queued` (job.queued), wallet.hold_rejected → `rejected` (job.rejected).
// Each effect commits with its inbox row; jobs queued by a batch are announced to waiting runners
// only once it has committed.
import { consumerQueue } from '@runfleet/contracts';
import type { Consumer, Messaging } from '@runfleet/messaging';
import type { PoolClient } from 'pg';
import { applyHoldPlaced, applyHoldRejected } from '../domain/apply-hold-verdict';
import type { QueuedJobAnnouncer, QueuedJobNotice } from '../domain/queued-job-notice';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which billing declares ahead.
const QUEUE = consumerQueue('runner-registry', 'holds');
export const HOLDS_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface HoldsDeps {
  now: () => Date;
  queuedJobs: QueuedJobAnnouncer;
}

export function consumeHolds(messaging: Messaging, deps: HoldsDeps): Promise<Consumer<(typeof EVENTS)[number], PoolClient>> {
  // pg transactions on the consumers' pool that wake the relay after each commit
  const inner = messaging.consumerTransactions();
  // One transaction at a time (the consumer's default concurrency), so one list serves.
  let queued: QueuedJobNotice[] = [];
  return messaging.consume<(typeof EVENTS)[number], PoolClient>({
    concern: HOLDS_CONCERN,
    events: EVENTS,
    transaction: async (fn) => {
      queued = [];
      const result = await inner(fn);
      deps.queuedJobs.announce(queued);
      queued = [];
      return result;
    },
    handler: async (envelope, { tx, log }) => {
      if (envelope.type === 'wallet.hold_placed') {
        const applied = await applyHoldPlaced(tx, envelope.data, deps.now());
        if (applied.queued) queued.push(applied.queued);
        log.info({ holdId: envelope.data.holdId, reference: envelope.data.reference, outcome: applied.outcome }, 'hold placed applied');
      } else {
        const applied = await applyHoldRejected(tx, envelope.data, deps.now());
        log.info({ reference: envelope.data.reference, reason: envelope.data.reason, outcome: applied.outcome }, 'hold rejection applied');
      }
    },
  });
}
