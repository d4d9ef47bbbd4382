// Webhook endpoints (issue 17 item 1; DESIGN.md §2 "notifications"): an account creates, lists,
// changes, rotates and deletes its own. The secret (`whsec_…`) is returned at creation and rotation
// only and kept sealed; after a rotation the previous secret still signs (both signatures sent) for
// the configured overlap. Disabling (by the owner) fails the pending deliveries, which a replay
// sends again once the endpoint is enabled; enabling ends any run of failures.
import { randomUUID } from 'node:crypto';
import type { Page } from '@runfleet/contracts';
import { prismaExecutor } from '@runfleet/messaging';
import { AppError } from '@runfleet/service-kit';
import { failPendingOf } from '../data/dispatch.repository';
import { insertDelivery, type DeliveryRecord } from '../data/webhook-delivery.repository';
import {
  deleteEndpoint as removeEndpoint,
  findEndpoint,
  insertEndpoint,
  listEndpoints as queryEndpoints,
  lockEndpoint,
  updateEndpoint as writeEndpoint,
  type EndpointChanges,
  type EndpointListFilters,
  type EndpointRecord,
  type Owner,
} from '../data/webhook-endpoint.repository';
import { checkEndpointUrl } from './endpoint-url';
import { webhookBody } from './webhook-channel';
import { generateSecret } from './webhook-secret';
import type { WebhookDeps } from './use-case-deps';

export const TEST_EVENT_TYPE = 'webhook.test';

export const endpointNotFound = () => AppError.notFound('WEBHOOK_ENDPOINT_NOT_FOUND', 'No such webhook endpoint.');

export interface EndpointInput {
  url: string;
  eventTypes: string[];
  description?: string;
  enabled?: boolean;
}

export interface EndpointWithSecret {
  endpoint: EndpointRecord;
  /** shown this once */
  secret: string;
}

export async function createEndpoint(deps: WebhookDeps, owner: Owner, input: EndpointInput): Promise<EndpointWithSecret> {
  const url = checkEndpointUrl(input.url, deps.allowInsecureLoopback);
  const id = randomUUID();
  const secret = generateSecret();
  const endpoint = await insertEndpoint(deps.prisma, {
    id,
    ...owner,
    url,
    description: input.description ?? '',
    eventTypes: dedupe(input.eventTypes),
    enabled: input.enabled ?? true,
    secretSealed: deps.cipher.seal(secret, id),
  });
  return { endpoint, secret };
}

export async function getEndpoint(deps: WebhookDeps, owner: Owner, id: string): Promise<EndpointRecord> {
  const endpoint = await findEndpoint(deps.prisma, owner, id);
  if (!endpoint) throw endpointNotFound();
  return endpoint;
}

export function listEndpoints(deps: WebhookDeps, owner: Owner, filters: EndpointListFilters): Promise<Page<EndpointRecord>> {
  return queryEndpoints(deps.prisma, owner, filters);
}

export async function updateEndpoint(deps: WebhookDeps, owner: Owner, id: string, input: Partial<EndpointInput>): Promise<EndpointRecord> {
  const url = input.url === undefined ? undefined : checkEndpointUrl(input.url, deps.allowInsecureLoopback);
  return deps.prisma.$transaction(async (tx) => {
    const endpoint = await lockEndpoint(tx, owner, id);
    if (!endpoint) throw endpointNotFound();
    const now = deps.now();
    const changes: EndpointChanges = {};
    if (url !== undefined) changes.url = url;
    if (input.description !== undefined) changes.description = input.description;
    if (input.eventTypes !== undefined) changes.eventTypes = dedupe(input.eventTypes);
    if (input.enabled === true && !endpoint.enabled) {
      Object.assign(changes, { enabled: true, disabledReason: null, disabledAt: null, failingSince: null, warnedAt: null });
    } else if (input.enabled === false && endpoint.enabled) {
      Object.assign(changes, { enabled: false, disabledReason: 'owner', disabledAt: now });
      await failPendingOf(prismaExecutor(tx), id, now);
    }
    return writeEndpoint(tx, id, changes, now);
  });
}

export async function deleteEndpoint(deps: WebhookDeps, owner: Owner, id: string): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    if (!(await lockEndpoint(tx, owner, id))) throw endpointNotFound();
    await removeEndpoint(tx, id);
  });
}

/** A new secret; the current one keeps signing alongside it until the overlap ends. */
export async function rotateSecret(deps: WebhookDeps, owner: Owner, id: string): Promise<EndpointWithSecret> {
  return deps.prisma.$transaction(async (tx) => {
    const endpoint = await lockEndpoint(tx, owner, id);
    if (!endpoint) throw endpointNotFound();
    const current = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id }, select: { secretSealed: true } });
    const now = deps.now();
    const secret = generateSecret();
    const rotated = await writeEndpoint(
      tx,
      id,
      {
        secretSealed: deps.cipher.seal(secret, id),
        previousSecretSealed: current.secretSealed,
        previousSecretExpiresAt: new Date(now.getTime() + deps.policy.secretOverlapMs),
      },
      now,
    );
    return { endpoint: rotated, secret };
  });
}

/** Records a `webhook.test` delivery to the endpoint, whatever its filter, due now. */
export async function sendTestEvent(deps: WebhookDeps, owner: Owner, id: string): Promise<DeliveryRecord> {
  const delivery = await deps.prisma.$transaction(async (tx) => {
    const endpoint = await lockEndpoint(tx, owner, id);
    if (!endpoint) throw endpointNotFound();
    if (!endpoint.enabled) throw endpointDisabled(endpoint);
    const now = deps.now();
    const eventId = randomUUID();
    const body = webhookBody(TEST_EVENT_TYPE, now.toISOString(), { endpointId: id, message: 'A test event from Runfleet.' });
    return insertDelivery(tx, { endpointId: id, messageId: `msg_${eventId}`, eventType: TEST_EVENT_TYPE, body }, now);
  });
  deps.deliveriesDue?.();
  return delivery;
}

export function endpointDisabled(endpoint: Pick<EndpointRecord, 'disabledReason'>): AppError {
  return AppError.conflict(
    'WEBHOOK_ENDPOINT_DISABLED',
    `The endpoint is disabled (${endpoint.disabledReason ?? 'owner'}); enable it first (PATCH enabled: true).`,
  );
}

const dedupe = (types: string[]) => [...new Set(types)];
