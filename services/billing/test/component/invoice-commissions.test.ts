// Commission invoices and numbering (issue 16 item 2; acceptance: "20 concurrent invoice issues →
// numbers gapless and unique", "a reseller cannot see another reseller's invoices or PDFs", "the
// PDF shows the invoice number and total"): a reseller invoices its approved, not yet invoiced
// commissions, by customer and month; drafts are issued with the next RFC number, paid or voided.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@runfleet/service-kit';
import { runMonthlyInvoicing } from '../../src/domain/monthly-invoicing';
import { binary, insertCommission, moveToNextMonth, pdfText } from '../support/invoices';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(120_000);

let world: World;
const otherCustomer = randomUUID();
const NOV = new Date(Date.UTC(2026, 10, 10));
const DEC = new Date(Date.UTC(2026, 11, 1));

beforeAll(async () => {
  // 20 concurrent issues each hold a pooled connection while they wait for the counter's lock
  world = await createWorld('billing_invoice_commissions', { poolMax: 25 });
});

afterAll(async () => {
  await world?.close();
});

const sequenceOf = (number: string) => Number(number.slice(-6));

describe('a reseller’s commission invoice', () => {
  let draftId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const a = world.ids.resellerA;
    ids.decA = await insertCommission(world.prisma, { resellerId: a, customerId: world.ids.customerA, amount: 3n * UNIT, rate: 1400, createdAt: DEC });
    ids.novA1 = await insertCommission(world.prisma, { resellerId: a, customerId: world.ids.customerA, amount: UNIT, rate: 1400, createdAt: NOV });
    ids.novA2 = await insertCommission(world.prisma, { resellerId: a, customerId: world.ids.customerA, amount: 250_000n, source: 'order', createdAt: new Date(NOV.getTime() + 1000) });
    ids.other = await insertCommission(world.prisma, { resellerId: a, customerId: otherCustomer, amount: 2n * UNIT, createdAt: NOV });
    ids.pending = await insertCommission(world.prisma, { resellerId: a, customerId: world.ids.customerA, amount: 7n * UNIT, status: 'pending' });
    // paid by a payout before it was invoiced: still invoiced, once (a pending one is not)
    ids.paid = await insertCommission(world.prisma, { resellerId: a, customerId: world.ids.customerA, amount: 9n * UNIT, status: 'paid', createdAt: new Date(DEC.getTime() + 1000) });
    ids.ofB = await insertCommission(world.prisma, { resellerId: world.ids.resellerB, customerId: world.ids.customerB, amount: 5n * UNIT });
  });

  it('is a draft of its approved and paid commissions only, one line each, by customer and month, with their total', async () => {
    const res = await world.as('resellerA').post('/v1/invoices', { kind: 'commission' });
    expect(res.status).toBe(201);
    draftId = res.body.id;
    expect(res.body).toMatchObject({ kind: 'commission', status: 'draft', number: null, resellerId: world.ids.resellerA, customerId: null, currency: 'EUR', total: '15.250000', periodStart: '2026-11-01', periodEnd: '2026-12-31' });
    const byCustomer = [world.ids.customerA, otherCustomer].sort();
    const expected = byCustomer.flatMap((c) =>
      c === otherCustomer
        ? [[ids.other, c, '2026-11', '2.000000']]
        : [
            [ids.novA1, c, '2026-11', '1.000000'],
            [ids.novA2, c, '2026-11', '0.250000'],
            [ids.decA, c, '2026-12', '3.000000'],
            [ids.paid, c, '2026-12', '9.000000'],
          ],
    );
    expect(res.body.lines.map((l: { commissionId: string; customerId: string; month: string; amount: string }) => [l.commissionId, l.customerId, l.month, l.amount])).toEqual(expected);
    expect(res.body.lines.find((l: { commissionId: string }) => l.commissionId === ids.novA1)).toMatchObject({ kind: 'commission', rate: '1400', baseAmount: '10.000000' });
  });

  it('leaves nothing to invoice a second time', async () => {
    const again = await world.as('resellerA').post('/v1/invoices', { kind: 'commission' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('COMMISSIONS_NONE_TO_INVOICE');
  });

  it('is seen by its reseller and admins only', async () => {
    for (const [actor, status] of [['admin', 200], ['resellerA', 200], ['resellerB', 404], ['customerA', 404], ['direct', 404]] as const) {
      expect([actor, (await world.as(actor).get(`/v1/invoices/${draftId}`)).status]).toEqual([actor, status]);
      expect([actor, (await world.as(actor).get(`/v1/invoices/${draftId}.pdf`)).status]).toEqual([actor, status]);
    }
    expect((await world.as('customerA').get('/v1/invoices?kind=commission')).body.items).toEqual([]);
    expect((await world.as('resellerB').get('/v1/invoices')).body.items).toEqual([]);
  });

  it('cannot be issued, paid or voided by another reseller or a customer', async () => {
    expect((await world.as('resellerB').post(`/v1/invoices/${draftId}/issue`)).status).toBe(404);
    expect((await world.as('customerA').post(`/v1/invoices/${draftId}/issue`)).status).toBe(403);
    expect((await world.as('resellerB').post(`/v1/invoices/${draftId}/void`, { reason: 'mine now' })).status).toBe(404);
    expect((await world.as('resellerA').post(`/v1/invoices/${draftId}/pay`, {})).status).toBe(403);
  });

  it('is issued with the next number of the commission series, a due date and invoice.issued; then paid once', async () => {
    const issued = await world.as('resellerA').post(`/v1/invoices/${draftId}/issue`);
    expect(issued.status).toBe(200);
    const year = world.clock.now().getUTCFullYear();
    expect(issued.body).toMatchObject({ status: 'issued', number: `RFC-${year}-000001` });
    expect(issued.body.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await world.as('resellerA').post(`/v1/invoices/${draftId}/issue`)).status).toBe(409);
    expect(await outboxEvents(world.prisma, 'invoice.issued')).toContainEqual(
      expect.objectContaining({ invoiceId: draftId, number: `RFC-${year}-000001`, kind: 'commission', customerId: null, resellerId: world.ids.resellerA, total: '15.250000', periodStart: '2026-11-01', periodEnd: '2026-12-31' }),
    );
    expect((await world.as('resellerA').post(`/v1/invoices/${draftId}/void`, { reason: 'oops' })).status).toBe(403);
    const paid = await world.as('admin').post(`/v1/invoices/${draftId}/pay`, { reference: 'tr_123' });
    expect(paid.body).toMatchObject({ status: 'paid', paymentReference: 'tr_123' });
    expect((await world.as('admin').post(`/v1/invoices/${draftId}/pay`, {})).status).toBe(409);
    expect((await world.as('admin').post(`/v1/invoices/${draftId}/void`, { reason: 'late' })).status).toBe(409);
  });

  it('prints its number, total and lines grouped by customer and month in the PDF', async () => {
    const res = await world.as('resellerA').get(`/v1/invoices/${draftId}.pdf`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const text = pdfText(res.body as Buffer);
    expect(text).toContain(`RFC-${world.clock.now().getUTCFullYear()}-000001`);
    expect(text).toMatch(/Total\s+15\.250000 EUR/);
    expect(text).toContain(`Customer ${otherCustomer}, 2026-11`);
    expect(text).toMatch(new RegExp(`Seller \\(payee\\)\\s+Reseller ${world.ids.resellerA}\\s+Bill to\\s+Runfleet`));
  });

  it('gives its commissions back when a draft is voided, to be invoiced again', async () => {
    const late = await insertCommission(world.prisma, { resellerId: world.ids.resellerA, customerId: world.ids.customerA, amount: UNIT });
    const draft = await world.as('resellerA').post('/v1/invoices', { kind: 'commission' });
    expect(draft.body.lines.map((l: { commissionId: string }) => l.commissionId)).toEqual([late]);
    const voided = await world.as('resellerA').post(`/v1/invoices/${draft.body.id}/void`, { reason: 'wrong month' });
    expect(voided.body).toMatchObject({ status: 'void', number: null, voidReason: 'wrong month' });
    const again = await world.as('admin').post('/v1/invoices', { kind: 'commission', resellerId: world.ids.resellerA });
    expect(again.status).toBe(201);
    expect(again.body.lines.map((l: { commissionId: string }) => l.commissionId)).toEqual([late]);
  });

  it('names the field an admin left out, and writes nothing', async () => {
    const before = await world.count('invoice');
    const res = await world.as('admin').post('/v1/invoices', { kind: 'commission' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'resellerId' })]);
    expect((await world.as('admin').post('/v1/invoices', { kind: 'usage', resellerId: world.ids.resellerB })).status).toBe(400);
    expect(await world.count('invoice')).toBe(before);
  });
});

describe('numbering', () => {
  it('gives 20 invoices issued at once 20 consecutive, unique numbers', async () => {
    const drafts: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const resellerId = randomUUID();
      await insertCommission(world.prisma, { resellerId, customerId: randomUUID(), amount: BigInt(i + 1) * UNIT });
      const res = await world.as('admin').post('/v1/invoices', { kind: 'commission', resellerId });
      expect(res.status).toBe(201);
      drafts.push(res.body.id);
    }
    const before = await world.prisma.invoice.count({ where: { series: 'RFC', number: { not: null } } });
    const issued = await Promise.all(drafts.map((id) => world.as('admin').post(`/v1/invoices/${id}/issue`)));
    expect(issued.map((r) => r.status)).toEqual(drafts.map(() => 200));
    const sequences = issued.map((r) => sequenceOf(r.body.number as string)).sort((x, y) => x - y);
    expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => before + 1 + i));
    const all = await world.prisma.invoice.findMany({ where: { series: 'RFC', number: { not: null } }, select: { number: true } });
    expect(all.map((i) => sequenceOf(i.number!)).sort((x, y) => x - y)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
  });

  it('loses no number when an issuing transaction rolls back', async () => {
    const resellerId = randomUUID();
    await insertCommission(world.prisma, { resellerId, customerId: randomUUID(), amount: UNIT });
    const draft = await world.as('admin').post('/v1/invoices', { kind: 'commission', resellerId });
    const year = world.clock.now().getUTCFullYear();
    const lastNumber = async () => (await world.prisma.invoiceCounter.findFirst({ where: { series: 'RFC', year } }))?.last ?? 0;
    const last = await lastNumber();
    // an outbox insert that fails after the number was taken rolls the whole issue back
    await world.prisma.$executeRawUnsafe(`ALTER TABLE "outbox_event" ADD CONSTRAINT "test_no_invoice_events" CHECK ("type" <> 'invoice.issued') NOT VALID`);
    try {
      expect((await world.as('admin').post(`/v1/invoices/${draft.body.id}/issue`)).status).toBeGreaterThanOrEqual(400);
    } finally {
      await world.prisma.$executeRawUnsafe(`ALTER TABLE "outbox_event" DROP CONSTRAINT "test_no_invoice_events"`);
    }
    expect(await lastNumber()).toBe(last);
    expect((await world.as('admin').get(`/v1/invoices/${draft.body.id}`)).body).toMatchObject({ status: 'draft', number: null });
    const issued = await world.as('admin').post(`/v1/invoices/${draft.body.id}/issue`);
    expect(sequenceOf(issued.body.number)).toBe(last + 1);
  });
});

describe('the monthly run for all resellers', () => {
  it('invoices and issues every reseller’s commissions approved before the 1st, once', async () => {
    const resellerId = randomUUID();
    await insertCommission(world.prisma, { resellerId, customerId: randomUUID(), amount: 4n * UNIT, currency: 'USD' });
    await insertCommission(world.prisma, { resellerId, customerId: randomUUID(), amount: UNIT, currency: 'EUR' });
    moveToNextMonth(world.clock);
    const log = createLogger({ service: 'billing', level: 'silent' });
    const policy = { dueDays: 30, runDay: 1, commissions: true };
    const outcome = await runMonthlyInvoicing(world.deps, policy, log);
    expect(outcome?.commissionInvoices).toBeGreaterThanOrEqual(3); // this reseller's two currencies and reseller B's
    const ours = await world.prisma.invoice.findMany({ where: { resellerId }, orderBy: { currency: 'asc' } });
    expect(ours.map((i) => [i.currency, i.status, i.total])).toEqual([
      ['EUR', 'issued', UNIT],
      ['USD', 'issued', 4n * UNIT],
    ]);
    expect((await runMonthlyInvoicing(world.deps, policy, log))?.commissionInvoices).toBe(0);
  });
});
