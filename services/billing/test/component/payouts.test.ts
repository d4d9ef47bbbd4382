// Payouts (issue 16 item 3) and who may see what (issue 16 acceptance) on a real PostgreSQL: payout
// methods shown masked, requests held on the earnings wallet and bounded by what is available, even
// when they race, and completed, failed or sent through the payout provider by an admin.
import { randomUUID } from 'node:crypto';
import { lockWallet } from '../../src/data/wallet.repository';
import { verifyLedger } from '../../src/domain/verify-ledger';
import { FakePayoutProvider } from '../support/fake-payout-provider';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(60_000);

let world: World;
const provider = new FakePayoutProvider();
const IBAN = 'DE89 3704 0044 0532 0130 00';

beforeAll(async () => {
  world = await createWorld('billing_payouts', { payoutProvider: provider, poolMax: 8 });
});

afterAll(async () => {
  await world?.close();
});

/** Puts `amount` on reseller A's earnings wallet (an admin's credit stands in for approved commissions). */
async function earn(amount: bigint): Promise<void> {
  await world.fund(world.wallets.resellerA, amount);
}

async function methodOf(reseller: 'resellerA' | 'resellerB'): Promise<string> {
  const res = await world.as(reseller).post('/v1/payout-methods', { kind: 'bank_transfer', accountHolder: 'Acme GmbH', iban: IBAN });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const request = (amount: string, methodId: string, key = randomUUID()) => world.as('resellerA').post('/v1/payouts', { amount, methodId }, key);

describe('payout methods', () => {
  it('are stored with their details and answered masked; a wrong IBAN is 400 naming the field', async () => {
    const bank = await world.as('resellerA').post('/v1/payout-methods', { kind: 'bank_transfer', label: 'main', accountHolder: 'Acme GmbH', iban: IBAN });
    expect(bank.status).toBe(201);
    expect(bank.body).toMatchObject({ kind: 'bank_transfer', label: 'main', masked: 'DE89 •••• 3000', resellerId: world.ids.resellerA });
    expect(JSON.stringify(bank.body)).not.toContain('370400440532013000');
    const paypal = await world.as('resellerA').post('/v1/payout-methods', { kind: 'paypal', email: 'money@acme.example' });
    expect(paypal.body.masked).toBe('m•••@acme.example');
    const listed = await world.as('resellerA').get('/v1/payout-methods');
    expect(JSON.stringify(listed.body)).not.toContain('money@acme.example');

    const wrong = await world.as('resellerA').post('/v1/payout-methods', { kind: 'bank_transfer', accountHolder: 'Acme', iban: 'DE89 3704 0044 0532 0130 01' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('body.iban');
    expect((await world.as('customerA').post('/v1/payout-methods', { kind: 'paypal', email: 'x@y.example' })).status).toBe(403);
    expect((await world.as('resellerB').get(`/v1/payout-methods/${bank.body.id}`)).status).toBe(404);
    expect((await world.as('resellerB').get('/v1/payout-methods')).body.items).toEqual([]);
  });

  it('are stored sealed: the row holds neither the IBAN nor the PayPal address, only the masked form', async () => {
    const bank = await world.as('resellerA').post('/v1/payout-methods', { kind: 'bank_transfer', accountHolder: 'Acme GmbH', iban: IBAN, bic: 'COBADEFFXXX' });
    const paypal = await world.as('resellerA').post('/v1/payout-methods', { kind: 'paypal', email: 'sealed@acme.example' });
    const rows = await world.prisma.$queryRaw<{ id: string; row: string }[]>`SELECT "id"::text AS "id", row_to_json(m)::text AS "row" FROM "payout_method" m
      WHERE "id" IN (${bank.body.id}::uuid, ${paypal.body.id}::uuid)`;
    expect(rows).toHaveLength(2);
    for (const { row } of rows) {
      for (const secret of ['370400440532013000', 'Acme GmbH', 'COBADEFFXXX', 'sealed@acme.example']) expect(row).not.toContain(secret);
      expect(JSON.parse(row).sealed_details).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    }
    expect(rows.find((r) => r.id === bank.body.id)!.row).toContain('DE89 •••• 3000');
    expect((await world.as('resellerA').get(`/v1/payout-methods/${bank.body.id}`)).body.masked).toBe('DE89 •••• 3000');
  });
});

describe('payout requests', () => {
  it('hold the amount; more than available is 409, less than the minimum 400; a retry answers the same payout', async () => {
    const methodId = await methodOf('resellerA');
    await earn(100n * UNIT);
    const before = await world.wallet(world.wallets.resellerA);
    expect((await request('100.000001', methodId)).status).toBe(409);
    const small = await request('49.999999', methodId);
    expect(small.status).toBe(400);
    expect(small.body.errors[0].field).toBe('body.amount');
    expect((await world.as('resellerA').post('/v1/payouts', { amount: '60', methodId })).status).toBe(400);
    expect((await request('60', await methodOf('resellerB'))).body.errors[0].field).toBe('body.methodId');

    const key = randomUUID();
    const first = await request('60', methodId, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'requested', amount: '60.000000', currency: 'EUR', methodId });
    const again = await request('60', methodId, key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect((await request('61', methodId, key)).status).toBe(422);
    const held = await world.wallet(world.wallets.resellerA);
    expect(held.balance).toBe(before.balance);
    expect(held.reserved - before.reserved).toBe(60n * UNIT);
    expect((await outboxEvents(world.prisma, 'payout.requested')).filter((d) => d.payoutId === first.body.id)).toHaveLength(1);
    // what is left is not enough for another 60
    expect((await request('60', methodId)).status).toBe(409);
    await world.as('admin').post(`/v1/payouts/${first.body.id}/fail`, { reason: 'test cleanup' });
  });

  it('two concurrent requests that together exceed what is available: exactly one passes', async () => {
    const methodId = await methodOf('resellerA');
    const wallet = await world.wallet(world.wallets.resellerA);
    const available = wallet.balance - wallet.reserved;
    const share = (available / 2n / UNIT + 1n).toString();
    const results = await Promise.all([request(share, methodId), request(share, methodId)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('PAYOUT_EXCEEDS_AVAILABLE');
    const after = await world.wallet(world.wallets.resellerA);
    expect(after.balance - after.reserved).toBeGreaterThanOrEqual(0n);
    const passed = results.find((r) => r.status === 201)!;
    await world.as('admin').post(`/v1/payouts/${passed.body.id}/fail`, { reason: 'test cleanup' });
  });
});

describe('a payout’s end', () => {
  it('completion posts the hold (ledger payout); failure releases it; an ended payout is 409', async () => {
    const methodId = await methodOf('resellerA');
    const before = await world.wallet(world.wallets.resellerA);
    const payout = (await request('50', methodId)).body;
    expect((await world.as('resellerA').post(`/v1/payouts/${payout.id}/complete`, { reference: 'x' })).status).toBe(403);
    const done = await world.as('admin').post(`/v1/payouts/${payout.id}/complete`, { reference: 'SEPA-42' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', reference: 'SEPA-42' });
    const after = await world.wallet(world.wallets.resellerA);
    expect(before.balance - after.balance).toBe(50n * UNIT);
    expect(after.reserved).toBe(before.reserved);
    const entry = await world.prisma.ledgerEntry.findFirstOrThrow({ where: { referenceKind: 'payout', referenceId: payout.id, type: 'payout' } });
    expect(entry.amount).toBe(-50n * UNIT);
    expect((await world.prisma.hold.findFirstOrThrow({ where: { referenceId: payout.id } })).status).toBe('posted');
    expect((await world.as('admin').post(`/v1/payouts/${payout.id}/fail`, { reason: 'late' })).status).toBe(409);
    expect((await outboxEvents(world.prisma, 'payout.completed')).find((d) => d.payoutId === payout.id)).toMatchObject({ reference: 'SEPA-42', method: 'bank_transfer' });

    const failing = (await request('50', methodId)).body;
    const failed = await world.as('admin').post(`/v1/payouts/${failing.id}/fail`, { reason: 'account closed' });
    expect(failed.body).toMatchObject({ status: 'failed', failureReason: 'account closed' });
    expect((await world.wallet(world.wallets.resellerA)).balance).toBe(after.balance);
    expect((await world.wallet(world.wallets.resellerA)).reserved).toBe(after.reserved);
    expect((await outboxEvents(world.prisma, 'payout.failed')).find((d) => d.payoutId === failing.id)).toMatchObject({ reason: 'account closed' });
    expect((await verifyLedger(world.prisma)).violations).toEqual([]);
  });

  it('the payout provider sends it: completed, failed, or unreachable (502, it stays processing)', async () => {
    const methodId = await methodOf('resellerA');
    await earn(200n * UNIT);
    provider.next = { status: 'completed', reference: 'PROV-7' };
    const sent = (await request('50', methodId)).body;
    const processed = await world.as('admin').post(`/v1/payouts/${sent.id}/process`);
    expect(processed.body).toMatchObject({ status: 'completed', reference: 'PROV-7' });
    expect(provider.sent.at(-1)).toMatchObject({ payoutId: sent.id, amount: 50n * UNIT, method: { kind: 'bank_transfer', details: { iban: 'DE89370400440532013000' } } });

    provider.next = { status: 'failed', reason: 'IBAN closed' };
    const refused = (await request('50', methodId)).body;
    expect((await world.as('admin').post(`/v1/payouts/${refused.id}/process`)).body).toMatchObject({ status: 'failed', failureReason: 'IBAN closed' });

    provider.next = 'throw';
    const stuck = (await request('50', methodId)).body;
    const down = await world.as('admin').post(`/v1/payouts/${stuck.id}/process`);
    expect(down.status).toBe(502);
    expect(JSON.stringify(down.body)).not.toContain('DE8937');
    expect((await world.as('admin').get(`/v1/payouts/${stuck.id}`)).body.status).toBe('processing');
    provider.next = { status: 'pending' };
    expect((await world.as('admin').post(`/v1/payouts/${stuck.id}/process`)).body.status).toBe('processing');
    expect((await world.as('admin').post(`/v1/payouts/${stuck.id}/complete`, { reference: 'BY-HAND' })).body.status).toBe('completed');
  });
});

describe('who sees commissions and payouts', () => {
  it('a reseller sees only its own; a customer none', async () => {
    // a commission of each reseller, written as the consumer would
    for (const reseller of ['resellerA', 'resellerB'] as const) {
      await world.prisma.$transaction(async (tx) => {
        const wallet = (await lockWallet(tx, world.wallets[reseller]))!;
        await tx.commission.create({
          data: {
            resellerId: world.ids[reseller],
            walletId: wallet.id,
            customerId: world.ids[reseller === 'resellerA' ? 'customerA' : 'customerB'],
            kind: 'earning',
            sourceKind: 'job',
            sourceId: randomUUID(),
            base: 10n * UNIT,
            rateBps: 1000,
            tier: 'bronze',
            tierBonusBps: 0,
            amount: UNIT,
            currency: 'EUR',
            earnedAt: new Date(),
            idempotencyKey: randomUUID(),
          },
        });
      });
    }
    const aList = await world.as('resellerA').get('/v1/commissions');
    expect(aList.status).toBe(200);
    expect(aList.body.items.length).toBeGreaterThan(0);
    expect(aList.body.items.every((c: { resellerId: string }) => c.resellerId === world.ids.resellerA)).toBe(true);
    expect((await world.as('resellerA').get(`/v1/commissions?resellerId=${world.ids.resellerB}`)).body.items).toEqual([]);
    const bCommission = (await world.as('resellerB').get('/v1/commissions')).body.items[0];
    expect((await world.as('resellerA').get(`/v1/commissions/${bCommission.id}`)).status).toBe(404);
    expect((await world.as('admin').get(`/v1/commissions/${bCommission.id}`)).status).toBe(200);
    expect((await world.as('admin').get(`/v1/commissions?resellerId=${world.ids.resellerB}`)).body.items.every((c: { resellerId: string }) => c.resellerId === world.ids.resellerB)).toBe(true);

    const aPayout = (await world.as('resellerA').get('/v1/payouts')).body.items[0];
    expect(aPayout).toBeDefined();
    expect((await world.as('resellerB').get(`/v1/payouts/${aPayout.id}`)).status).toBe(404);
    expect((await world.as('resellerB').get('/v1/payouts')).body.items).toEqual([]);
    expect((await world.as('resellerB').get(`/v1/resellers/${world.ids.resellerA}/earnings`)).status).toBe(404);
    expect((await world.as('admin').get(`/v1/resellers/${world.ids.resellerA}/earnings`)).status).toBe(200);

    for (const path of ['/v1/commissions', '/v1/payouts', '/v1/payout-methods', '/v1/resellers/me/earnings', `/v1/commissions/${bCommission.id}`]) {
      expect({ path, status: (await world.as('customerA').get(path)).status }).toEqual({ path, status: 403 });
    }
    expect((await world.as('customerA').post('/v1/payouts', { amount: '60', methodId: randomUUID() }, randomUUID())).status).toBe(403);
    expect((await world.as('resellerA').post(`/v1/commissions/${bCommission.id}/approve`)).status).toBe(403);
  });
});
