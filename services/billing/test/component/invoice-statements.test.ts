// Monthly usage statements (issue 16 item 2; acceptance: "rerunning the monthly statement job → no
// second invoice", "a customer sees only its own statements", "the PDF opens and shows the invoice
// number and total"): built from the ledger, issued with a gapless RF number, readable as PDF.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@runfleet/service-kit';
import { MONEY_TRANSACTION } from '../../src/db';
import { insertPriceVersion } from '../../src/data/price-list.repository';
import { runMonthlyInvoicing } from '../../src/domain/monthly-invoicing';
import { payOrder, refundOrder } from '../../src/domain/order-payments';
import { placeJobHold } from '../../src/domain/place-job-hold';
import { postJobHold } from '../../src/domain/settle-job-hold';
import { jobCompleted, jobSubmitted, orderCreated } from '../support/events';
import { binary, moveToNextMonth, pdfText } from '../support/invoices';
import { createWorld, outboxEvents, UNIT, type World } from '../support/world';

jest.setTimeout(120_000);

const log = createLogger({ service: 'billing', level: 'silent' });
const policy = { dueDays: 14, runDay: 1, commissions: true };
let world: World;

async function runJob(customerId: string, resellerId: string | null, units: string): Promise<void> {
  const submitted = jobSubmitted(customerId, { resellerId, maxCost: '5' });
  await world.prisma.$transaction((tx) => placeJobHold(tx, submitted, world.clock.now(), { holdTtlMs: 3_600_000 }), MONEY_TRANSACTION);
  await world.prisma.$transaction((tx) => postJobHold(tx, jobCompleted(submitted, units), world.clock.now(), log), MONEY_TRANSACTION);
}

beforeAll(async () => {
  world = await createWorld('billing_invoice_statements');
  await insertPriceVersion(world.prisma, { jobType: 'render', unit: 'second', unitPrice: UNIT / 100n, currency: 'EUR', retired: false, effectiveFrom: new Date(0), createdBy: 'test' });
  await world.fund(world.wallets.customerA, 100n * UNIT);
  await world.fund(world.wallets.direct, UNIT);
  for (const units of ['100', '200', '50.5']) await runJob(world.ids.customerA, world.ids.resellerA, units);
  const order = orderCreated(world.ids.customerA, '12.5', { resellerId: world.ids.resellerA });
  await world.prisma.$transaction((tx) => payOrder(tx, order), MONEY_TRANSACTION);
  await world.prisma.$transaction((tx) => refundOrder(tx, order, 'order failed', log), MONEY_TRANSACTION);
  moveToNextMonth(world.clock);
});

afterAll(async () => {
  await world?.close();
});

const statementOf = async (customerId: string) => world.prisma.invoice.findFirst({ where: { kind: 'usage', customerId } });

describe('the monthly statement run', () => {
  it('issues one statement per customer with activity last month — once, though three replicas run at the same time', async () => {
    const outcomes = await Promise.all([1, 2, 3].map(() => runMonthlyInvoicing(world.deps, policy, log)));
    expect(outcomes.reduce((sum, o) => sum + o!.statements, 0)).toBe(2);
    expect(outcomes.map((o) => o!.failed)).toEqual([0, 0, 0]);
    expect(await world.count('invoice')).toBe(2);
  });

  it('lists usage by job type, the order, its refund and the top-up, and emits invoice.issued', async () => {
    expect(await statementOf(world.ids.customerB)).toBeNull();

    const id = (await statementOf(world.ids.customerA))!.id;
    const res = await world.as('customerA').get(`/v1/invoices/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'usage', status: 'issued', customerId: world.ids.customerA, resellerId: world.ids.resellerA, currency: 'EUR', total: '3.505000', creditsTotal: '100.000000' });
    expect(res.body.number).toMatch(/^RF-\d{4}-\d{6}$/);
    expect(res.body.lines.map((l: { kind: string; amount: string }) => [l.kind, l.amount])).toEqual([
      ['job', '3.505000'],
      ['order', '12.500000'],
      ['refund', '-12.500000'],
      ['credit', '100.000000'],
    ]);
    expect(res.body.lines[0]).toMatchObject({ jobType: 'render', unit: 'second', units: '350.500000', unitPrice: '0.010000', quantity: 3 });
    const now = world.clock.now();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
    expect(res.body.periodStart).toBe(lastMonth);
    expect(res.body.dueDate).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 14)).toISOString().slice(0, 10));

    const issued = await outboxEvents(world.prisma, 'invoice.issued');
    expect(issued).toContainEqual(expect.objectContaining({ invoiceId: id, number: res.body.number, kind: 'usage', total: '3.505000', customerId: world.ids.customerA }));
  });

  it('creates no second statement when it runs again', async () => {
    expect(await runMonthlyInvoicing(world.deps, policy, log)).toEqual({ statements: 0, commissionInvoices: 0, failed: 0 });
    expect(await world.count('invoice')).toBe(2);
    const numbers = (await world.prisma.invoice.findMany({ where: { kind: 'usage' }, select: { number: true } })).map((i) => i.number).sort();
    expect(numbers.map((n) => n!.slice(-6))).toEqual(['000001', '000002']);
  });

  it('does nothing before the configured day of the month', async () => {
    expect(await runMonthlyInvoicing(world.deps, { ...policy, runDay: 28 }, log)).toBeNull();
  });
});

describe('who sees a statement', () => {
  it.each([
    ['admin', 200],
    ['resellerA', 200],
    ['customerA', 200],
    ['resellerB', 404],
    ['customerB', 404],
    ['direct', 404],
  ] as const)('%s gets %i for customer A’s statement and its PDF, and lists it only when it may see it', async (actor, status) => {
    const id = (await statementOf(world.ids.customerA))!.id;
    expect((await world.as(actor).get(`/v1/invoices/${id}`)).status).toBe(status);
    expect((await world.as(actor).get(`/v1/invoices/${id}.pdf`)).status).toBe(status);
    const list = await world.as(actor).get('/v1/invoices?kind=usage');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string }) => i.id).includes(id)).toBe(status === 200);
  });

  it('lists a customer only its own statements, filtered and a page at a time', async () => {
    const own = await world.as('direct').get('/v1/invoices');
    expect(own.body.items.map((i: { customerId: string }) => i.customerId)).toEqual([world.ids.direct]);
    const first = await world.as('admin').get('/v1/invoices?limit=1&status=issued');
    expect(first.body.items).toHaveLength(1);
    const second = await world.as('admin').get(`/v1/invoices?limit=1&status=issued&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect((await world.as('admin').get('/v1/invoices?status=paid')).body.items).toEqual([]);
    expect((await world.as('admin').get('/v1/invoices?periodFrom=not-a-date')).status).toBe(400);
  });
});

describe('the PDF', () => {
  it('opens, and shows the seller, the buyer, the number, the lines and the total', async () => {
    const invoice = (await statementOf(world.ids.customerA))!;
    const res = await world.as('customerA').get(`/v1/invoices/${invoice.id}.pdf`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = pdfText(res.body as Buffer);
    expect(text).toContain(invoice.number!);
    expect(text).toMatch(/Total\s+3\.505000 EUR/);
    expect(text).toContain('Runfleet');
    expect(text).toContain(`Customer ${world.ids.customerA}`);
    expect(text).toContain('render: 3 jobs, 350.5 second at 0.010000 per second');
  });

  it('is 404 for an id nobody has', async () => {
    expect((await world.as('admin').get(`/v1/invoices/${randomUUID()}.pdf`)).status).toBe(404);
  });
});
