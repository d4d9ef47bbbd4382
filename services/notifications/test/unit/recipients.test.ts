// Who hears what (issue 17 item 1): the recipients each delivered event resolves to, from the ids
// its data carries.
import { EVENT_EXAMPLES } from '@runfleet/contracts';
import { DELIVERED_EVENTS, NOTIFICATION_KINDS } from '../../src/domain/notification-kinds';
import { recipientsOf } from '../../src/domain/recipients';

const C = '0b5c6a53-8d4f-4a0e-9a43-5f1c2e7d9b10';
const R = '7d1f3c52-9e4b-4a7d-8c21-3f5e6a7b8c9d';
const names = (type: string, data: Record<string, unknown>) => recipientsOf(type, data).map((r) => `${r.recipient.accountType}:${r.recipient.accountId}:${r.role}`);

describe('recipients', () => {
  it("a customer's job event reaches the customer and its reseller; a direct customer's only the customer", () => {
    expect(names('job.completed', { customerId: C, resellerId: R })).toEqual([`customer:${C}:subject`, `reseller:${R}:reseller-copy`]);
    expect(names('job.failed', { customerId: C, resellerId: null })).toEqual([`customer:${C}:subject`]);
  });

  it("a reseller's own money (commission, payouts, commission invoices, its wallet) reaches the reseller alone", () => {
    expect(names('commission.earned', { customerId: C, resellerId: R })).toEqual([`reseller:${R}:subject`]);
    expect(names('payout.failed', { resellerId: R })).toEqual([`reseller:${R}:subject`]);
    expect(names('invoice.issued', { kind: 'commission', customerId: null, resellerId: R })).toEqual([`reseller:${R}:subject`]);
    expect(names('wallet.credited', { ownerType: 'reseller', customerId: null, resellerId: R })).toEqual([`reseller:${R}:subject`]);
  });

  it('a usage invoice reaches the customer billed and its reseller', () => {
    expect(names('invoice.issued', { kind: 'usage', customerId: C, resellerId: R })).toEqual([`customer:${C}:subject`, `reseller:${R}:reseller-copy`]);
  });

  it("runner.offline reaches the customer owning the runner, and nobody for a shared runner", () => {
    expect(names('runner.offline', { runnerId: R, customerId: C })).toEqual([`customer:${C}:subject`]);
    expect(names('runner.offline', { runnerId: R, customerId: null })).toEqual([]);
  });

  it("a webhook endpoint's warning reaches the account owning the endpoint", () => {
    expect(names('webhook.endpoint_failing', { accountType: 'reseller', accountId: R })).toEqual([`reseller:${R}:subject`]);
  });

  it('every delivered event has a kind, and its example reaches somebody', () => {
    for (const type of DELIVERED_EVENTS) {
      expect(NOTIFICATION_KINDS[type]).toBeDefined();
      expect(recipientsOf(type, EVENT_EXAMPLES[type] as Record<string, unknown>).length).toBeGreaterThan(0);
    }
  });
});
