// Pricing through the job saga's use cases (issue 15 item 4, acceptance "Volume tiers and overrides
// priced exactly across a tier boundary within one job; max cost caps the charge"): graduated tiers
// over the customer's month, a reseller's override for its customers only, set through the API.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@runfleet/service-kit';
import { MONEY_TRANSACTION } from '../../src/db';
import { placeJobHold } from '../../src/domain/place-job-hold';
import { postJobHold } from '../../src/domain/settle-job-hold';
import { jobCompleted, jobSubmitted } from '../support/events';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;
const silent = createLogger({ service: 'billing', level: 'silent' });

beforeAll(async () => {
  world = await createWorld('billing_pricing');
  const base = await world.as('admin').post('/v1/price-lists', {
    jobType: 'render',
    unit: 'second',
    unitPrice: '0.02',
    currency: 'EUR',
    tiers: [
      { fromUnits: '100', unitPrice: '0.01' },
      { fromUnits: '150', unitPrice: '0.005' },
    ],
  });
  expect(base.status).toBe(201);
  expect(base.body.tiers).toEqual([
    { fromUnits: '100.000000', unitPrice: '0.010000' },
    { fromUnits: '150.000000', unitPrice: '0.005000' },
  ]);
  const override = await world.as('admin').post('/v1/price-lists', { jobType: 'render', unit: 'second', unitPrice: '0.03', currency: 'EUR', resellerId: world.ids.resellerA });
  expect(override.status).toBe(201);
});

afterAll(async () => {
  await world?.close();
});

/** Runs one job through hold and posting; returns what was charged. */
async function runJob(customerId: string, resellerId: string | null, units: string, maxCost = '10'): Promise<string> {
  const job = jobSubmitted(customerId, { resellerId, maxCost, jobId: randomUUID() });
  expect(await world.prisma.$transaction((tx) => placeJobHold(tx, job, world.clock.now(), { holdTtlMs: 3_600_000 }), MONEY_TRANSACTION)).toBe('placed');
  await world.prisma.$transaction((tx) => postJobHold(tx, jobCompleted(job, units), world.clock.now(), silent), MONEY_TRANSACTION);
  const charged = (await outboxEvents(world.prisma, 'wallet.charged')).find((d) => (d.reference as { id: string }).id === job.jobId)!;
  return charged.amount as string;
}

describe('pricing', () => {
  it('prices a job across a tier boundary exactly, counting the customer’s earlier units of the month', async () => {
    await world.fund(world.wallets.direct, 100n * UNIT);
    expect(await runJob(world.ids.direct, null, '90')).toBe('1.800000'); // 90 × 0.02
    // 10 × 0.02 + 50 × 0.01 + 10.5 × 0.005
    expect(await runJob(world.ids.direct, null, '70.5')).toBe('0.752500');
    expect(await runJob(world.ids.direct, null, '2')).toBe('0.010000'); // past the last tier
  });

  it('another customer’s month starts from zero', async () => {
    await world.fund(world.wallets.customerB, 10n * UNIT);
    expect(await runJob(world.ids.customerB, world.ids.resellerB, '90')).toBe('1.800000');
  });

  it('a reseller’s override prices its customers’ jobs only; ending it returns them to the base price', async () => {
    await world.fund(world.wallets.customerA, 50n * UNIT);
    expect(await runJob(world.ids.customerA, world.ids.resellerA, '10')).toBe('0.300000');
    expect((await world.as('admin').delete(`/v1/price-lists/render?currency=EUR&resellerId=${world.ids.resellerA}`)).status).toBe(200);
    expect(await runJob(world.ids.customerA, world.ids.resellerA, '10')).toBe('0.200000');
  });

  it('the maximum cost caps a tiered charge', async () => {
    expect(await runJob(world.ids.customerB, world.ids.resellerB, '100', '0.5')).toBe('0.500000');
  });
});
