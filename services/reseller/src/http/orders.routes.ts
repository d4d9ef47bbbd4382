// /v1/orders: a customer orders an offering from its marketplace → pending (order.created; billing
// charges the total) → paid or failed (billing's order.paid / order.payment_failed) → its reseller
// fulfils it (order.fulfilled) or fails it (order.failed, billing refunds). A pending order can be
// cancelled (order.cancelled). A transition from any other status is 409 naming the current one.
import { z } from 'zod';
import { formatMoney, pageSchema } from '@runfleet/contracts';
import { idempotencyKeyFrom, REPLAYED_HEADER } from '@runfleet/idempotency';
import { principalFromRequest, type ApiRoutes } from '@runfleet/service-kit';
import type { Request } from 'express';
import type { OrderRecord } from '../data/order.repository';
import { actorOf } from '../domain/actor';
import { cancelOrder, failOrder, fulfilOrder } from '../domain/change-order-status';
import { ORDER_STATUSES } from '../domain/order-status';
import { placeOrder } from '../domain/place-order';
import { getOrder, listOrders } from '../domain/read-orders';
import type { UseCaseDeps } from '../domain/use-case-deps';
import { COMMERCE_EXAMPLE_IDS, moneyOut } from './commerce.schemas';
import { EXAMPLE_IDS, EXAMPLE_TIME, idParams, iso, isoOrNull, listQuery, nullableTimestampSchema, timestampSchema } from './common.schemas';

/** Fulfilment details are stored and carried in order.fulfilled; a bound keeps events and rows small. */
export const MAX_DETAILS_BYTES = 16 * 1024;
const MAX_QUANTITY = 10_000;

const statusSchema = z.enum(ORDER_STATUSES);

export const orderSchema = z
  .object({
    id: z.uuid(),
    customerId: z.uuid(),
    resellerId: z.uuid().nullable().meta({ description: 'null when a direct customer bought at base price' }),
    offeringId: z.uuid(),
    providerId: z.uuid(),
    offeringName: z.string().meta({ description: 'at the time of the order' }),
    unit: z.string(),
    quantity: z.number().int(),
    commissionBps: z.number().int().meta({ description: 'the commission rate the order was priced with' }),
    basePrice: moneyOut('base price of the whole quantity, frozen at order time', '100.000000'),
    commission: moneyOut('the reseller’s commission on the whole quantity', '12.500000'),
    total: moneyOut('what the customer pays: basePrice + commission = quantity × the marketplace price', '112.500000'),
    currency: z.string(),
    status: statusSchema,
    reason: z.string().nullable().meta({ description: 'why it failed or was cancelled' }),
    externalOrderId: z.string().nullable().meta({ description: 'the provider’s order id, set at fulfilment' }),
    details: z.record(z.string(), z.unknown()).nullable().meta({ description: 'fulfilment details (JSON), set at fulfilment' }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    paidAt: nullableTimestampSchema,
    fulfilledAt: nullableTimestampSchema,
    failedAt: nullableTimestampSchema,
    cancelledAt: nullableTimestampSchema,
  })
  .meta({
    example: {
      id: COMMERCE_EXAMPLE_IDS.order,
      customerId: EXAMPLE_IDS.customer,
      resellerId: EXAMPLE_IDS.reseller,
      offeringId: COMMERCE_EXAMPLE_IDS.offering,
      providerId: COMMERCE_EXAMPLE_IDS.provider,
      offeringName: 'Postgres S',
      unit: 'month',
      quantity: 1,
      commissionBps: 1250,
      basePrice: '100.000000',
      commission: '12.500000',
      total: '112.500000',
      currency: 'EUR',
      status: 'fulfilled',
      reason: null,
      externalOrderId: 'prov-88231',
      details: { host: 'pg-88231.provider.example', port: 5432 },
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
      paidAt: EXAMPLE_TIME,
      fulfilledAt: EXAMPLE_TIME,
      failedAt: null,
      cancelledAt: null,
    },
  });

export const orderJson = (o: OrderRecord): z.infer<typeof orderSchema> => ({
  id: o.id,
  customerId: o.customerId,
  resellerId: o.resellerId,
  offeringId: o.offeringId,
  providerId: o.providerId,
  offeringName: o.offeringName,
  unit: o.unit,
  quantity: o.quantity,
  commissionBps: o.commissionBps,
  basePrice: formatMoney(o.basePriceMicros),
  commission: formatMoney(o.commissionMicros),
  total: formatMoney(o.totalMicros),
  currency: o.currency,
  status: o.status,
  reason: o.failureReason,
  externalOrderId: o.externalOrderId,
  details: o.details,
  createdAt: iso(o.createdAt),
  updatedAt: iso(o.updatedAt),
  paidAt: isoOrNull(o.paidAt),
  fulfilledAt: isoOrNull(o.fulfilledAt),
  failedAt: isoOrNull(o.failedAt),
  cancelledAt: isoOrNull(o.cancelledAt),
});

const placeBody = z
  .strictObject({
    offeringId: z.uuid().meta({ description: 'an offering of the caller’s marketplace', example: COMMERCE_EXAMPLE_IDS.offering }),
    quantity: z.number().int().min(1).max(MAX_QUANTITY).default(1).meta({ description: `units to buy, 1–${MAX_QUANTITY} (default 1)`, example: 1 }),
  })
  .meta({ example: { offeringId: COMMERCE_EXAMPLE_IDS.offering, quantity: 1 } });

const detailsSchema = z
  .record(z.string(), z.unknown())
  .refine((d) => Buffer.byteLength(JSON.stringify(d), 'utf8') <= MAX_DETAILS_BYTES, {
    message: `must be at most ${MAX_DETAILS_BYTES / 1024} KB of JSON`,
  })
  .meta({ description: `a JSON object from the provider (at most ${MAX_DETAILS_BYTES / 1024} KB)`, example: { host: 'pg-88231.provider.example', port: 5432 } });

const fulfilBody = z
  .strictObject({
    externalOrderId: z.string().trim().min(1).max(200).meta({ description: 'the provider’s order id', example: 'prov-88231' }),
    details: detailsSchema,
  })
  .meta({ example: { externalOrderId: 'prov-88231', details: { host: 'pg-88231.provider.example', port: 5432 } } });

const reasonSchema = z.string().trim().min(1).max(500);
const failBody = z
  .strictObject({ reason: reasonSchema.meta({ description: 'why it could not be fulfilled', example: 'provider out of capacity' }) })
  .meta({ example: { reason: 'provider out of capacity' } });
const cancelBody = z
  .strictObject({ reason: reasonSchema.optional().meta({ description: 'default: "cancelled by the <caller type>"', example: 'ordered by mistake' }) })
  .optional()
  .meta({ example: { reason: 'ordered by mistake' } });

const orderParams = idParams('orderId', COMMERCE_EXAMPLE_IDS.order);
const TRANSITION_409 = '409 ORDER_INVALID_TRANSITION when the order is in another status; `detail` starts with "The order is <status>".';

export function registerOrderRoutes(api: ApiRoutes, deps: UseCaseDeps): void {
  const actor = (req: Request) => actorOf(principalFromRequest(req));

  api.route(
    {
      method: 'post',
      path: '/v1/orders',
      summary: 'Order an offering',
      description:
        'Customers only. The offering must be in the caller’s marketplace (else 404) and priced in its currency (else 409 ' +
        'ORDER_CURRENCY_MISMATCH). The order starts `pending` with basePrice, commission and total frozen at the ' +
        'marketplace price; emits order.created, on which billing charges the total. Idempotency-Key is required and ' +
        'kept by this service for 30 days per caller: a retry with the same key and body answers 201 with the first ' +
        'order as it is now (`Idempotent-Replayed: true`), whatever happened to the first answer; the same key with ' +
        'another body is 422 IDEMPOTENCY_KEY_REUSED.',
      tags: ['orders'],
      request: { body: placeBody },
      responses: { 201: { description: 'The pending order', schema: orderSchema } },
      errors: [403, 404, 409, 422],
      idempotencyKey: 'required',
    },
    async ({ body }, req, res) => {
      const key = idempotencyKeyFrom(req.headers, { required: true }) as string;
      const placed = await placeOrder(deps, actor(req), body, key);
      if (placed.replayed) res.setHeader(REPLAYED_HEADER, 'true');
      res.status(201).json(orderJson(placed.order));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/orders',
      summary: 'List orders',
      description: 'Admins all; a reseller its customers’ orders; a customer its own. Newest first.',
      tags: ['orders'],
      request: {
        query: listQuery({
          status: statusSchema.optional(),
          customerId: z.uuid().optional().meta({ description: 'admins and resellers', example: EXAMPLE_IDS.customer }),
          resellerId: z.uuid().optional().meta({ description: 'admins only', example: EXAMPLE_IDS.reseller }),
        }),
      },
      responses: { 200: { description: 'A page of orders', schema: pageSchema(orderSchema) } },
      errors: [403],
    },
    async ({ query }, req, res) => {
      const page = await listOrders(deps, actor(req), query);
      res.json({ items: page.items.map(orderJson), nextCursor: page.nextCursor });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/v1/orders/:orderId',
      summary: 'Get an order',
      description: 'Admins any; a reseller its customers’; a customer its own. Anything else is 404.',
      tags: ['orders'],
      request: { params: orderParams },
      responses: { 200: { description: 'The order', schema: orderSchema } },
      errors: [403, 404],
    },
    async ({ params }, req, res) => {
      res.json(orderJson(await getOrder(deps, actor(req), params.orderId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/orders/:orderId/fulfil',
      summary: 'Fulfil a paid order',
      description: `The order’s reseller or an admin: paid → fulfilled with the provider’s order id and details. Emits order.fulfilled (commission is earned). Audited. ${TRANSITION_409}`,
      tags: ['orders'],
      request: { params: orderParams, body: fulfilBody },
      responses: { 200: { description: 'The fulfilled order', schema: orderSchema } },
      errors: [403, 404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(orderJson(await fulfilOrder(deps, actor(req), params.orderId, body)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/orders/:orderId/fail',
      summary: 'Fail a paid order (billing refunds it)',
      description: `The order’s reseller or an admin: paid → failed. Emits order.failed, on which billing refunds the customer. Audited. ${TRANSITION_409}`,
      tags: ['orders'],
      request: { params: orderParams, body: failBody },
      responses: { 200: { description: 'The failed order', schema: orderSchema } },
      errors: [403, 404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(orderJson(await failOrder(deps, actor(req), params.orderId, body.reason)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/v1/orders/:orderId/cancel',
      summary: 'Cancel a pending order',
      description: `The customer, its reseller or an admin: pending → cancelled. Emits order.cancelled. Audited. ${TRANSITION_409}`,
      tags: ['orders'],
      request: { params: orderParams, body: cancelBody },
      responses: { 200: { description: 'The cancelled order', schema: orderSchema } },
      errors: [404, 409],
    },
    async ({ params, body }, req, res) => {
      res.json(orderJson(await cancelOrder(deps, actor(req), params.orderId, body?.reason)));
    },
  );
}
