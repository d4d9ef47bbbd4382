// Job fixtures: a valid submission, and a job taken to `queued` the way billing's hold would
// (through the use case the holds.consumer calls, so suites without a broker can queue jobs).
import { randomUUID } from 'node:crypto';
import { applyHoldPlaced } from '../../src/domain/apply-hold-verdict';
import type { CustomerName, World } from './world';

export function jobBody(world: World, customer: CustomerName, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    projectId: world.projects[customer],
    type: 'render',
    payload: { scene: 'a.blend' },
    maxCost: { amount: '5.00', currency: 'EUR' },
    ...overrides,
  };
}

export async function submit(world: World, customer: CustomerName, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string }> {
  const res = await world.as(customer).post('/v1/jobs', jobBody(world, customer, overrides));
  if (res.status !== 201) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown> & { id: string };
}

/** billing placed the hold: the job is queued and waiting runners are told after the commit */
export async function placeHold(world: World, job: { id: string; customerId?: unknown }): Promise<void> {
  const notice = await world.transactions(async (tx) => {
    const applied = await applyHoldPlaced(
      tx,
      {
        holdId: randomUUID(),
        walletId: randomUUID(),
        customerId: String(job.customerId),
        resellerId: null,
        amount: '5.000000',
        currency: 'EUR',
        availableAfter: '95.000000',
        reference: { kind: 'job', id: job.id },
        expiresAt: null,
      },
      world.clock.now(),
    );
    return applied.queued;
  });
  if (notice) world.queuedJobs.announce([notice]);
}

export async function queued(world: World, customer: CustomerName, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string }> {
  const job = await submit(world, customer, overrides);
  await placeHold(world, job);
  return job;
}
