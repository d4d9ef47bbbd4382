// Queue billing.jobs: billing's side of the job saga (DESIGN.md §4 "Job"). job.submitted →
// hold the maximum cost; job.completed → price and post the hold; job.failed → the same for a job
// that failed on its own and reported usage, else void it (a platform failure costs nothing);
// job.cancelled, job.rejected → void it. One queue for all five keeps a job's events in order.
//
// Batched (issue 15 "Speed"): a batch of up to 100 messages is one transaction with its inbox rows;
// its settlements are applied set-based (settleJobHolds), and a job.submitted in the batch is applied
// in its place, the settlements before it first, so a job's hold is placed before it is settled.
// The transaction is plain node-postgres on the consumers' pool, not Prisma: a statement through
// Prisma cost 5–10 bare round trips here, which the money path cannot afford (docs/benchmarks.md).
import { consumerQueue } from '@runfleet/contracts';
import { type BatchMessage, type Consumer, type EnvelopeOf, type Messaging, type SqlExecutor } from '@runfleet/messaging';
import { runWithContext, type Logger } from '@runfleet/service-kit';
import type { PoolClient } from 'pg';
import { placeJobHold } from '../domain/place-job-hold';
import { chargeableUsage, settleJobHolds, type JobSettlement } from '../domain/settle-job-hold';
import type { HoldPolicy } from '../domain/use-case-deps';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('billing', 'jobs');
export const JOBS_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;
type JobEvent = (typeof EVENTS)[number];

/** Messages per transaction: past ~100 a batch gains little and holds its locks longer. */
const BATCH_SIZE = 100;
/**
 * Two transactions at once under a backlog, so one batch's SQL overlaps the next one's CPU work; a
 * job's events never run in two at once (orderingKey), so its hold is placed before it is settled.
 */
const CONCURRENCY = 2;

export interface JobsDeps {
  now: () => Date;
  holdPolicy: HoldPolicy;
}

const SYSTEM = { type: 'system', id: null };

/** What a job event does to its hold (job.submitted excepted). */
function settlementOf(envelope: EnvelopeOf<Exclude<JobEvent, 'job.submitted'>>): JobSettlement {
  const cause = { id: envelope.id, correlationId: envelope.correlationId };
  const { jobId } = envelope.data;
  if (envelope.type === 'job.completed') return { jobId, charge: { units: (envelope as EnvelopeOf<'job.completed'>).data.usage.units }, cause };
  const usage = envelope.type === 'job.failed' ? chargeableUsage((envelope as EnvelopeOf<'job.failed'>).data) : null;
  // A job that failed by the platform, was cancelled or was rejected costs nothing (DESIGN.md §4 step 5).
  return usage ? { jobId, charge: usage, cause } : { jobId, release: 'voided', actor: SYSTEM, cause };
}

async function applyJobEvents(tx: SqlExecutor, messages: readonly BatchMessage<JobEvent>[], deps: JobsDeps, log: Logger): Promise<void> {
  let settlements: JobSettlement[] = [];
  const flush = async () => {
    if (settlements.length > 0) await settleJobHolds(tx, settlements, deps.now(), log);
    settlements = [];
  };
  for (const { envelope } of messages) {
    if (envelope.type !== 'job.submitted') {
      settlements.push(settlementOf(envelope as EnvelopeOf<Exclude<JobEvent, 'job.submitted'>>));
      continue;
    }
    await flush();
    const submitted = envelope as EnvelopeOf<'job.submitted'>;
    await runWithContext({ correlationId: submitted.correlationId, causationId: submitted.id }, () =>
      placeJobHold(tx, submitted.data, deps.now(), deps.holdPolicy),
    );
  }
  await flush();
}

export function consumeJobs(messaging: Messaging, deps: JobsDeps): Promise<Consumer<JobEvent, PoolClient>> {
  return messaging.consume<JobEvent, PoolClient>({
    concern: JOBS_CONCERN,
    events: EVENTS,
    batchSize: BATCH_SIZE,
    concurrency: CONCURRENCY,
    orderingKey: (envelope) => envelope.data.jobId,
    transaction: messaging.consumerTransactions(),
    batchHandler: (messages, { sql, log }) => applyJobEvents(sql, messages, deps, log),
  });
}
