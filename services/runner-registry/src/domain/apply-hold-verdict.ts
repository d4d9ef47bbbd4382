// Billing's answer to job.submitted (DESIGN.md §4 "Job" step 3): wallet.hold_placed queues the job
// (job.queued), wallet.hold_rejected rejects it with billing's reason (job.rejected). Only a job
// still `pending_funds` moves: a duplicate, or a verdict arriving after a cancel, changes nothing.
// On node-postgres, as the rest of the job saga in this service (docs/benchmarks.md "Saga").
import type { EventData } from '@runfleet/contracts';
import { pgExecutor } from '@runfleet/messaging';
import { emitEventsSql, event } from '../data/outbox.repository';
import { lockJobSql, moveJobSql, type SqlClient } from '../data/runner-job.repository';
import { jobEventBase } from './job-events';
import type { QueuedJobNotice } from './queued-job-notice';

export type HoldVerdictOutcome = 'applied' | 'not_a_job' | 'unknown_job' | 'already_decided';

export async function applyHoldPlaced(
  tx: SqlClient,
  data: EventData<'wallet.hold_placed'>,
  now: Date,
): Promise<{ outcome: HoldVerdictOutcome; queued?: QueuedJobNotice }> {
  if (data.reference.kind !== 'job') return { outcome: 'not_a_job' };
  const job = await lockJobSql(tx, data.reference.id);
  if (!job) return { outcome: 'unknown_job' };
  if (job.status !== 'pending_funds') return { outcome: 'already_decided' };
  const queued = await moveJobSql(tx, job.id, { status: 'queued', holdId: data.holdId, queuedAt: now }, now);
  await emitEventsSql(pgExecutor(tx), [event('job.queued', { ...jobEventBase(queued), priority: queued.priority, holdId: data.holdId })]);
  return { outcome: 'applied', queued: { type: queued.type, requiredLabels: queued.requiredLabels, customerId: queued.customerId } };
}

const REJECTION_MESSAGES: Record<EventData<'wallet.hold_rejected'>['reason'], string> = {
  insufficient_funds: 'The wallet does not have enough available funds for the job’s maximum cost.',
  wallet_suspended: 'The wallet is suspended.',
  wallet_not_found: 'The customer has no wallet.',
  currency_mismatch: 'The job’s currency is not the wallet’s.',
  no_price: 'No price is set for this job type in the job’s currency.',
};

export async function applyHoldRejected(tx: SqlClient, data: EventData<'wallet.hold_rejected'>, now: Date): Promise<{ outcome: HoldVerdictOutcome }> {
  if (data.reference.kind !== 'job') return { outcome: 'not_a_job' };
  const job = await lockJobSql(tx, data.reference.id);
  if (!job) return { outcome: 'unknown_job' };
  if (job.status !== 'pending_funds') return { outcome: 'already_decided' };
  const message = REJECTION_MESSAGES[data.reason];
  const rejected = await moveJobSql(tx, job.id, { status: 'rejected', reason: data.reason, message, finishedAt: now }, now);
  await emitEventsSql(pgExecutor(tx), [event('job.rejected', { ...jobEventBase(rejected), reason: data.reason, message })]);
  return { outcome: 'applied' };
}
