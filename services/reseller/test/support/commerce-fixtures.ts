// Catalog, relationships and orders made through the API for commerce tests, plus a paid order
// without a broker (the payment use case applied directly, as the consumer would).
import { randomUUID } from 'node:crypto';
import { createLogger } from '@runfleet/service-kit';
import { applyOrderPaid } from '../../src/domain/apply-order-payment';
import type { ActorName, World } from './world';

const silent = createLogger({ service: 'reseller', level: 'silent' });

function ok<T>(res: { status: number; body: T }, status: number, what: string): T {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function seedProvider(world: World, fields: { name?: string; active?: boolean } = {}): Promise<string> {
  const res = await world.as('admin').post('/v1/providers', { name: fields.name ?? `Provider ${randomUUID().slice(0, 8)}`, ...fields });
  return ok(res, 201, 'create provider').id as string;
}

export async function seedOffering(
  world: World,
  providerId: string,
  fields: { name?: string; basePrice?: string; currency?: string; unit?: string; active?: boolean } = {},
): Promise<string> {
  const res = await world.as('admin').post(`/v1/providers/${providerId}/offerings`, {
    name: `Offering ${randomUUID().slice(0, 8)}`,
    basePrice: '100.00',
    currency: 'EUR',
    unit: 'month',
    ...fields,
  });
  return ok(res, 201, 'create offering').id as string;
}

export async function seedRelationship(world: World, reseller: 'resellerA' | 'resellerB', providerId: string, commissionBps: number): Promise<string> {
  const res = await world.as(reseller).post('/v1/relationships', { providerId, commissionBps });
  return ok(res, 201, 'create relationship').id as string;
}

/** A provider with one offering that reseller A resells at `commissionBps` (and B does not). */
export async function seedResoldOffering(world: World, commissionBps = 1250, basePrice = '100.00'): Promise<{ providerId: string; offeringId: string }> {
  const providerId = await seedProvider(world);
  const offeringId = await seedOffering(world, providerId, { basePrice });
  await seedRelationship(world, 'resellerA', providerId, commissionBps);
  return { providerId, offeringId };
}

export async function placeOrderAs(world: World, customer: ActorName, offeringId: string, quantity?: number): Promise<Record<string, unknown>> {
  const res = await world.as(customer).post('/v1/orders', { offeringId, ...(quantity !== undefined ? { quantity } : {}) });
  return ok(res, 201, 'place order') as Record<string, unknown>;
}

/** Applies billing's order.paid for the order, as the consumer does (no broker involved). */
export async function markPaid(world: World, orderId: string): Promise<void> {
  const order = await world.prisma.resellerOrder.findUniqueOrThrow({ where: { id: orderId } });
  await world.prisma.$transaction((tx) =>
    applyOrderPaid(
      tx,
      {
        id: randomUUID(),
        data: {
          orderId,
          customerId: order.customerId,
          resellerId: order.resellerId,
          offeringId: order.offeringId,
          offeringName: order.offeringName,
          providerId: order.providerId,
          basePrice: '0',
          commission: '0',
          total: '0',
          currency: order.currency,
          transactionId: randomUUID(),
        },
      },
      world.clock.now(),
      silent,
    ),
  );
}
