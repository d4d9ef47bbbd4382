// The fan-out views' plans (issue 18 item 6): who may read which view, which reads each caller's
// view makes, and how the answers become sections — without any service.
import { planCustomerOverview, planResellerDashboard, type ViewCaller, type ViewPlan } from '../../src/domain/fan-out-views';

const customerId = '4a2b8c6d-1e3f-4a5b-9c7d-2e4f6a8b0c1d';
const resellerId = '7d1f3c52-9e4b-4a7d-8c21-3f5e6a7b8c9d';
const customer: ViewCaller = { type: 'customer', id: customerId, resellerId };
const reseller: ViewCaller = { type: 'reseller', id: resellerId, resellerId };
const admin: ViewCaller = { type: 'admin', id: '0b5f5d7e-3c2a-4f8e-9a51-6d1c2b3a4e5f', resellerId: null };
const runner: ViewCaller = { type: 'runner', id: '8f7e6d5c-0000-4000-8000-000000000000', resellerId: null };

const section = (plan: ViewPlan, name: string) => plan.sections.find((s) => s.name === name)!;

describe('the customer overview plan', () => {
  it("reads the customer's own orders without the filter a customer may not send, and its own feed", () => {
    const plan = planCustomerOverview(customer, customerId);
    expect(plan.authority).toBe('profile');
    expect(section(plan, 'openOrders').reads.map((r) => r.query)).toEqual([
      { status: 'pending', limit: '10' },
      { status: 'paid', limit: '10' },
    ]);
    expect(section(plan, 'feed').reads).toEqual([{ service: 'notifications', path: '/v1/feed', query: { limit: '1' } }]);
  });

  it("narrows a reseller's and an admin's reads to the customer, and withholds the customer's feed from them", () => {
    for (const caller of [reseller, admin]) {
      const plan = planCustomerOverview(caller, customerId);
      expect(section(plan, 'openOrders').reads.every((r) => r.query?.customerId === customerId)).toBe(true);
      expect(section(plan, 'recentJobs').reads[0]!.query).toMatchObject({ customerId });
      expect(section(plan, 'wallet').reads[0]!.query).toMatchObject({ ownerType: 'customer', ownerId: customerId });
      expect(section(plan, 'feed')).toMatchObject({ reads: [], withheld: { code: 'FEED_OWNER_ONLY' } });
    }
  });

  it('refuses another customer (404, as the reseller service would), a runner (403) and a malformed id (400 naming it)', () => {
    expect(() => planCustomerOverview(customer, resellerId)).toThrow(expect.objectContaining({ status: 404, code: 'CUSTOMER_NOT_FOUND' }));
    expect(() => planCustomerOverview(runner, customerId)).toThrow(expect.objectContaining({ status: 403, code: 'AUTH_FORBIDDEN' }));
    expect(() => planCustomerOverview(admin, 'nope')).toThrow(expect.objectContaining({ status: 400, errors: [expect.objectContaining({ field: 'params.customerId' })] }));
  });

  it('lists open orders newest first across both statuses, at most 10, and says when there are more', () => {
    const order = (id: number, status: string) => ({ id: String(id), status, createdAt: `2026-12-05T10:00:${String(id).padStart(2, '0')}.000Z` });
    const compose = section(planCustomerOverview(customer, customerId), 'openOrders').compose;
    const few = compose([
      { items: [order(3, 'pending'), order(1, 'pending')], nextCursor: null },
      { items: [order(2, 'paid')], nextCursor: null },
    ]) as { items: { id: string }[]; more: boolean };
    expect(few.items.map((o) => o.id)).toEqual(['3', '2', '1']);
    expect(few.more).toBe(false);
    const many = compose([
      { items: Array.from({ length: 6 }, (_, i) => order(i + 10, 'pending')), nextCursor: null },
      { items: Array.from({ length: 6 }, (_, i) => order(i + 30, 'paid')), nextCursor: null },
    ]) as { items: { id: string }[]; more: boolean };
    expect(many.items).toHaveLength(10);
    expect(many.items[0]!.id).toBe('35');
    expect(many.more).toBe(true);
  });
});

describe('the reseller dashboard plan', () => {
  it('is for resellers only', () => {
    for (const caller of [customer, admin, runner]) expect(() => planResellerDashboard(caller)).toThrow(expect.objectContaining({ status: 403 }));
  });

  it("reads the reseller's own tier, and takes this month's row of its earnings as billing wrote it (zeros when it earned nothing yet)", () => {
    const plan = planResellerDashboard(reseller);
    expect(section(plan, 'tier').reads).toEqual([{ service: 'reseller', path: `/v1/resellers/${resellerId}/tier` }]);
    const thisMonth = section(plan, 'thisMonth').compose;
    const row = { pending: '1.000001', approved: '2.000000', paid: '0.000000', clawedBack: '0.500000' };
    expect(thisMonth([{ currency: 'EUR', byMonth: [{ month: '2026-11', ...row }, { month: '2026-12', ...row }], thisMonth: { month: '2026-12', sales: '12.500000' } }])).toEqual({
      month: '2026-12',
      currency: 'EUR',
      sales: '12.500000',
      earnings: row,
    });
    expect(thisMonth([{ currency: 'EUR', byMonth: [{ month: '2026-11', ...row }], thisMonth: { month: '2026-12', sales: '0.000000' } }])).toMatchObject({
      earnings: { pending: '0.000000', approved: '0.000000', paid: '0.000000', clawedBack: '0.000000' },
    });
  });
});
