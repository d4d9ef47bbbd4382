// Webhook deliveries as their owner sees them (issue 17 item 3): listed by endpoint and status,
// read with every attempt, replayed one by one or all failed since a time for one endpoint
// (DESIGN.md §10: "replay of everything missed once it is fixed"). A replay sends the same
// delivery again (same webhook-id, so a receiver that had it de-duplicates), due now, with the
// retry schedule starting over.
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import {
  findDelivery,
  listDeliveries as queryDeliveries,
  requeueDelivery,
  requeueFailedSince,
  type DeliveryListFilters,
  type DeliveryRecord,
  type DeliveryWithBody,
} from '../data/webhook-delivery.repository';
import { lockEndpoint, type Owner } from '../data/webhook-endpoint.repository';
import { endpointDisabled, endpointNotFound } from './manage-endpoints';
import type { WebhookDeps } from './use-case-deps';

const deliveryNotFound = () => AppError.notFound('WEBHOOK_DELIVERY_NOT_FOUND', 'No such webhook delivery.');

export function listDeliveries(deps: WebhookDeps, owner: Owner, filters: DeliveryListFilters): Promise<Page<DeliveryRecord>> {
  return queryDeliveries(deps.prisma, owner, filters);
}

export async function getDelivery(deps: WebhookDeps, owner: Owner, id: string): Promise<DeliveryWithBody> {
  const delivery = await findDelivery(deps.prisma, owner, id);
  if (!delivery) throw deliveryNotFound();
  return delivery;
}

export async function replayDelivery(deps: WebhookDeps, owner: Owner, id: string): Promise<DeliveryWithBody> {
  await deps.prisma.$transaction(async (tx) => {
    const delivery = await findDelivery(tx, owner, id);
    if (!delivery) throw deliveryNotFound();
    const endpoint = await lockEndpoint(tx, owner, delivery.endpointId);
    if (!endpoint) throw deliveryNotFound();
    if (!endpoint.enabled) throw endpointDisabled(endpoint);
    await requeueDelivery(tx, id, deps.now());
  });
  deps.deliveriesDue?.();
  return getDelivery(deps, owner, id);
}

export async function replayFailedSince(deps: WebhookDeps, owner: Owner, endpointId: string, since: Date): Promise<number> {
  const replayed = await deps.prisma.$transaction(async (tx) => {
    const endpoint = await lockEndpoint(tx, owner, endpointId);
    if (!endpoint) throw endpointNotFound();
    if (!endpoint.enabled) throw endpointDisabled(endpoint);
    return requeueFailedSince(tx, endpointId, since, deps.now());
  });
  if (replayed > 0) deps.deliveriesDue?.();
  return replayed;
}
