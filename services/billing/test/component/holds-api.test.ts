// /v1/holds (DESIGN.md §10): holds are visible to whoever may see their wallet, and to nobody else.
import { randomUUID } from 'node:crypto';
import { MONEY_TRANSACTION } from '../../src/db';
import { insertPriceVersion } from '../../src/data/price-list.repository';
import { placeJobHold } from '../../src/domain/place-job-hold';
import { jobSubmitted } from '../support/events';
import { createWorld, UNIT, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;
let holdId: string;

beforeAll(async () => {
  world = await createWorld('billing_holds_api');
  await insertPriceVersion(world.prisma, { jobType: 'render', unit: 'run', unitPrice: UNIT, currency: 'EUR', retired: false, effectiveFrom: new Date(0), createdBy: 'test' });
  await world.fund(world.wallets.customerA, 10n * UNIT);
  const job = jobSubmitted(world.ids.customerA, { resellerId: world.ids.resellerA, maxCost: '2.5', jobId: randomUUID() });
  await world.prisma.$transaction((tx) => placeJobHold(tx, job, new Date(), { holdTtlMs: 60_000 }), MONEY_TRANSACTION);
  holdId = (await world.prisma.hold.findFirstOrThrow({ where: { referenceId: job.jobId } })).id;
});

afterAll(async () => {
  await world?.close();
});

describe('holds', () => {
  it.each([
    ['admin', 200],
    ['resellerA', 200],
    ['customerA', 200],
    ['resellerB', 404],
    ['customerB', 404],
    ['direct', 404],
  ] as const)('%s gets %i for a hold on customer A’s wallet, and lists it only when it may see it', async (actor, status) => {
    const one = await world.as(actor).get(`/v1/holds/${holdId}`);
    expect(one.status).toBe(status);
    const list = await world.as(actor).get('/v1/holds?status=pending');
    expect(list.body.items.map((h: { id: string }) => h.id)).toEqual(status === 200 ? [holdId] : []);
  });

  it('shows the amount, status, job and pinned price list', async () => {
    const res = await world.as('customerA').get(`/v1/holds/${holdId}`);
    expect(res.body).toMatchObject({ walletId: world.wallets.customerA, amount: '2.500000', status: 'pending', reference: { kind: 'job' }, jobType: 'render', captured: null });
  });
});
