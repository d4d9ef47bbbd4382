// Queue billing.jobs: billing's side of the job saga (DESIGN.md §4 "Job"). job.submitted →
// hold the maximum cost; job.completed → price and post the hold; job.failed, job.cancelled,
// job.rejected → void it. One queue for all five keeps a job's events in order; each effect
// commits with its inbox row, and the hold's status makes a re-published event a no-op too.
import { consumerQueue } from '@runfleet/contracts';
import { prismaTransactions, type Consumer, type Messaging } from '@runfleet/messaging';
import { MONEY_TRANSACTION, type Prisma, type PrismaClient } from '../db';
import { placeJobHold } from '../domain/place-job-hold';
import { postJobHold, releaseJobHold } from '../domain/settle-job-hold';
import type { HoldPolicy } from '../domain/use-case-deps';

// Its bindings are the contracts' (packages/contracts consumer-queues.ts), which producers declare ahead.
const QUEUE = consumerQueue('billing', 'jobs');
export const JOBS_CONCERN = QUEUE.concern;
const EVENTS = QUEUE.events;

export interface JobsDeps {
  prisma: PrismaClient;
  now: () => Date;
  holdPolicy: HoldPolicy;
}

export function consumeJobs(messaging: Messaging, deps: JobsDeps): Promise<Consumer<(typeof EVENTS)[number], Prisma.TransactionClient>> {
  return messaging.consume<(typeof EVENTS)[number], Prisma.TransactionClient>({
    concern: JOBS_CONCERN,
    events: EVENTS,
    transaction: prismaTransactions<Prisma.TransactionClient>(deps.prisma, MONEY_TRANSACTION),
    handler: async (envelope, { tx, log }) => {
      const system = { type: 'system', id: null };
      let outcome: string;
      switch (envelope.type) {
        case 'job.submitted':
          outcome = await placeJobHold(tx, envelope.data, deps.now(), deps.holdPolicy);
          break;
        case 'job.completed':
          outcome = await postJobHold(tx, envelope.data, deps.now(), log);
          break;
        default:
          // A failed, cancelled or rejected job costs nothing (DESIGN.md §4 step 5).
          outcome = await releaseJobHold(tx, envelope.data.jobId, 'voided', deps.now(), system);
      }
      log.debug({ jobId: envelope.data.jobId, event: envelope.type, outcome }, 'job payment applied');
    },
  });
}
