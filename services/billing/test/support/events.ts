// Event payloads as the other services publish them, for driving billing's use cases and consumers.
import { randomUUID } from 'node:crypto';
import type { EventData } from '@runfleet/contracts';

export function jobSubmitted(customerId: string, overrides: Partial<EventData<'job.submitted'>> = {}): EventData<'job.submitted'> {
  return {
    jobId: randomUUID(),
    projectId: randomUUID(),
    customerId,
    resellerId: null,
    type: 'render',
    priority: 0,
    maxCost: '1',
    currency: 'EUR',
    ...overrides,
  };
}

export function jobCompleted(submitted: EventData<'job.submitted'>, units: string): EventData<'job.completed'> {
  const { jobId, projectId, customerId, resellerId, type } = submitted;
  return { jobId, projectId, customerId, resellerId, type, runnerId: randomUUID(), attempt: 1, usage: { units, durationMs: 1000 } };
}

export function jobCancelled(submitted: EventData<'job.submitted'>): EventData<'job.cancelled'> {
  const { jobId, projectId, customerId, resellerId, type } = submitted;
  return { jobId, projectId, customerId, resellerId, type, previousStatus: 'queued', runnerId: null, cancelledBy: 'customer' };
}

export function jobFailed(
  submitted: EventData<'job.submitted'>,
  reason: EventData<'job.failed'>['reason'] = 'runner_lost',
  units?: string,
): EventData<'job.failed'> {
  const { jobId, projectId, customerId, resellerId, type } = submitted;
  const usage = units === undefined ? {} : { usage: { units, durationMs: 1000 } };
  return { jobId, projectId, customerId, resellerId, type, runnerId: null, attempt: 1, reason, message: 'the runner went away', ...usage };
}

export function orderCreated(customerId: string, total: string, overrides: Partial<EventData<'order.created'>> = {}): EventData<'order.created'> {
  return {
    orderId: randomUUID(),
    customerId,
    resellerId: null,
    offeringId: randomUUID(),
    offeringName: 'Postgres S',
    providerId: randomUUID(),
    basePrice: total,
    commission: '0',
    total,
    currency: 'EUR',
    ...overrides,
  };
}
