// Names on invoices (issue 16 follow-up): billing keeps each account's name and email from the
// reseller service's customer.* / reseller.* events (queue billing.accounts) and prints them on the
// PDF — the customer's on its statement, the reseller's on its commission invoice — as they were
// when the invoice was issued: a later rename changes a draft, never an issued invoice.
import { createLogger } from '@runfleet/service-kit';
import { keepAccount } from '../../src/data/account.repository';
import { runMonthlyInvoicing } from '../../src/domain/monthly-invoicing';
import { startBroker, waitFor, type Broker } from '../support/broker';
import { binary, insertCommission, moveToNextMonth, pdfText } from '../support/invoices';
import { createWorld, UNIT, type World } from '../support/world';

jest.setTimeout(120_000);

let world: World;
let broker: Broker;

beforeAll(async () => {
  world = await createWorld('billing_invoice_names');
  broker = await startBroker(world, 'billing_invoice_names');
});

afterAll(async () => {
  await broker?.close();
  await world?.close();
});

const nameOf = async (ownerType: 'customer' | 'reseller', ownerId: string) =>
  (await world.prisma.account.findUnique({ where: { ownerType_ownerId: { ownerType, ownerId } } }))?.name ?? null;
const untilNamed = (ownerType: 'customer' | 'reseller', ownerId: string, name: string) =>
  waitFor(async () => (await nameOf(ownerType, ownerId)) === name, `billing knows ${ownerType} ${ownerId} as ${name}`);
const pdfOf = async (invoiceId: string, caller: 'admin' | 'resellerA' | 'customerA' = 'admin') => {
  const res = await world.as(caller).get(`/v1/invoices/${invoiceId}.pdf`).buffer(true).parse(binary);
  expect(res.status).toBe(200);
  return pdfText(res.body as Buffer);
};

describe('the account names billing keeps', () => {
  it('come from customer.created / reseller.created and follow customer.updated / reseller.updated', async () => {
    const { resellerA, customerA } = world.ids;
    await broker.publish('reseller.created', { resellerId: resellerA, name: 'Northwind Resale', email: 'ops@northwind.example', commissionRateBps: 1000, tier: 'bronze', currency: 'EUR' });
    await broker.publish('customer.created', { customerId: customerA, resellerId: resellerA, email: 'jane@example.com', name: 'Jane Doe', currency: 'EUR' });
    await untilNamed('reseller', resellerA, 'Northwind Resale');
    await untilNamed('customer', customerA, 'Jane Doe');
    await broker.publish('customer.updated', { customerId: customerA, resellerId: resellerA, email: 'jane.smith@example.com', name: 'Jane Smith', active: true, changedFields: ['name', 'email'] });
    await untilNamed('customer', customerA, 'Jane Smith');
    expect(await world.prisma.account.findUnique({ where: { ownerType_ownerId: { ownerType: 'customer', ownerId: customerA } } })).toMatchObject({ email: 'jane.smith@example.com' });
  });

  it('are not overwritten by an older event (a late customer.created after its update)', async () => {
    const customerA = world.ids.customerA;
    const kept = await world.prisma.account.findUniqueOrThrow({ where: { ownerType_ownerId: { ownerType: 'customer', ownerId: customerA } } });
    const late = { ownerType: 'customer' as const, ownerId: customerA, name: 'Jane Doe', email: 'jane@example.com', asOf: new Date(kept.asOf.getTime() - 1000) };
    expect(await keepAccount(world.prisma, late)).toBe(false);
    expect(await nameOf('customer', customerA)).toBe('Jane Smith');
  });
});

describe('a commission invoice', () => {
  let invoiceId: string;

  it('names its reseller: a draft as now, an issued one as when it was issued', async () => {
    const { resellerA } = world.ids;
    await insertCommission(world.prisma, { resellerId: resellerA, customerId: world.ids.customerA, amount: 2n * UNIT });
    const draft = await world.as('resellerA').post('/v1/invoices', { kind: 'commission' });
    expect(draft.status).toBe(201);
    invoiceId = draft.body.id;
    expect(draft.body).toMatchObject({ resellerName: null, customerName: null });
    expect(await pdfOf(invoiceId, 'resellerA')).toMatch(new RegExp(`Seller \\(payee\\)\\s+Northwind Resale\\s+Reseller ${resellerA}\\s+Bill to\\s+Runfleet`));

    const issued = await world.as('resellerA').post(`/v1/invoices/${invoiceId}/issue`);
    expect(issued.body).toMatchObject({ status: 'issued', resellerName: 'Northwind Resale', customerName: null });

    await broker.publish('reseller.updated', { resellerId: resellerA, name: 'Northwind Renamed', email: 'ops@northwind.example', active: true, commissionRateBps: 1000, tier: 'bronze', changedFields: ['name'] });
    await untilNamed('reseller', resellerA, 'Northwind Renamed');
    const text = await pdfOf(invoiceId, 'resellerA');
    expect(text).toContain('Northwind Resale');
    expect(text).not.toContain('Northwind Renamed');
    expect((await world.as('resellerA').get(`/v1/invoices/${invoiceId}`)).body.resellerName).toBe('Northwind Resale');
  });
});

describe("a customer's usage statement", () => {
  it('names the customer and its reseller as when it was issued', async () => {
    const { customerA, resellerA } = world.ids;
    await world.fund(world.wallets.customerA, 10n * UNIT);
    await world.fund(world.wallets.direct, UNIT);
    moveToNextMonth(world.clock);
    const outcome = await runMonthlyInvoicing(world.deps, { dueDays: 14, runDay: 1, commissions: false }, createLogger({ service: 'billing', level: 'silent' }));
    expect(outcome?.failed).toBe(0);
    const statement = await world.prisma.invoice.findFirstOrThrow({ where: { kind: 'usage', customerId: customerA } });
    expect(statement).toMatchObject({ status: 'issued', customerName: 'Jane Smith', resellerName: 'Northwind Renamed' });
    const text = await pdfOf(statement.id, 'customerA');
    expect(text).toMatch(new RegExp(`Bill to\\s+Jane Smith\\s+Customer ${customerA}\\s+through reseller Northwind Renamed\\s+Reseller ${resellerA}`));

    await broker.publish('customer.updated', { customerId: customerA, resellerId: resellerA, email: 'jane@example.com', name: 'Jane Jones', active: true, changedFields: ['name'] });
    await untilNamed('customer', customerA, 'Jane Jones');
    const after = await pdfOf(statement.id, 'customerA');
    expect(after).toContain('Jane Smith');
    expect(after).not.toContain('Jane Jones');
  });

  it('names by id only a customer whose name billing never learnt', async () => {
    const statement = await world.prisma.invoice.findFirstOrThrow({ where: { kind: 'usage', customerId: world.ids.direct } });
    expect(statement).toMatchObject({ status: 'issued', customerName: null, resellerName: null });
    expect(await pdfOf(statement.id)).toMatch(new RegExp(`Bill to\\s+Customer ${world.ids.direct}\\s+direct customer`));
  });
});
