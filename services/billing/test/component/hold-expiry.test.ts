// The hold-expiry sweeper (issue 15 item 3): holds past their TTL are released (reason expired),
// once, even with two sweepers running at the same moment; a later job.completed charges nothing.
import { randomUUID } from 'node:crypto';
import { MONEY_TRANSACTION } from '../../src/db';
import { insertPriceVersion } from '../../src/data/price-list.repository';
import { expireAllDueHolds } from '../../src/domain/expire-holds';
import { placeJobHold } from '../../src/domain/place-job-hold';
import { postJobHold } from '../../src/domain/settle-job-hold';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { createLogger } from '@runfleet/service-kit';
import { jobCompleted, jobSubmitted } from '../support/events';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;

beforeAll(async () => {
  world = await createWorld('billing_hold_expiry', { poolMax: 6 });
  await insertPriceVersion(world.prisma, { jobType: 'render', unit: 'run', unitPrice: UNIT, currency: 'EUR', retired: false, effectiveFrom: new Date(0), createdBy: 'test' });
});

afterAll(async () => {
  await world?.close();
});

describe('hold expiry', () => {
  it('two sweepers together release each expired hold exactly once; unexpired holds stay', async () => {
    const wallet = await world.newCustomerWallet();
    await world.fund(wallet.id, 100n * UNIT);
    const place = (ttlMs: number) => {
      const job = jobSubmitted(wallet.ownerId, { maxCost: '2', jobId: randomUUID() });
      return world.prisma.$transaction((tx) => placeJobHold(tx, job, world.clock.now(), { holdTtlMs: ttlMs }), MONEY_TRANSACTION).then(() => job);
    };
    const shortLived = await Promise.all(Array.from({ length: 30 }, () => place(1_000)));
    const longLived = await place(3_600_000);
    world.clock.advance(5_000);

    const [a, b] = await Promise.all([expireAllDueHolds(world.deps, 7), expireAllDueHolds(world.deps, 7)]);
    expect(a + b).toBe(30);
    const released = (await outboxEvents(world.prisma, 'wallet.hold_released')).filter((d) => d.walletId === wallet.id);
    expect(released).toHaveLength(30);
    expect(released.every((d) => d.reason === 'expired')).toBe(true);
    const after = await world.wallet(wallet.id);
    expect({ balance: after.balance, reserved: after.reserved }).toEqual({ balance: 100n * UNIT, reserved: 2n * UNIT });
    expect(await world.prisma.hold.findFirstOrThrow({ where: { referenceId: longLived.jobId } })).toMatchObject({ status: 'pending' });

    // a completion arriving after the expiry charges nothing
    const late = await world.prisma.$transaction((tx) => postJobHold(tx, jobCompleted(shortLived[0]!, '1'), world.clock.now(), createLogger({ service: 'billing', level: 'silent' })));
    expect(late).toBe('already_settled');
    expect((await world.wallet(wallet.id)).balance).toBe(100n * UNIT);
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
  });
});
