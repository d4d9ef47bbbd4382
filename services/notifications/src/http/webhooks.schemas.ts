// Request and response schemas of /v1/webhook-endpoints and /v1/webhook-deliveries (issue 17).
// `.meta` examples feed the OpenAPI document (GET /openapi.json).
import { z } from 'zod';
import { idParams, listQuery, queryBoolean } from '@runfleet/service-kit';
import type { AttemptRecord, DeliveryRecord, DeliveryWithBody } from '../data/webhook-delivery.repository';
import type { EndpointRecord } from '../data/webhook-endpoint.repository';
import { EVENT_TYPE_PATTERN } from '../domain/event-filter';
import { MAX_URL_LENGTH } from '../domain/endpoint-url';

export const EXAMPLE_TIME = '2026-11-22T10:15:00.000Z';
const EXAMPLE_ENDPOINT_ID = '8c1d6f0e-4b7a-4e55-9d1e-2f3a4b5c6d7e';
const EXAMPLE_DELIVERY_ID = '5b2e7d90-1c3f-4a8e-b6d5-9f0a1b2c3d4e';
const EXAMPLE_ACCOUNT_ID = '3f9a2c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => d?.toISOString() ?? null;
const timestamp = z.iso.datetime().meta({ example: EXAMPLE_TIME });
const nullableTimestamp = z.iso.datetime().nullable().meta({ example: null });

const urlField = z.string().trim().min(1).max(MAX_URL_LENGTH).meta({
  description: 'https URL the deliveries are POSTed to (http on loopback only with the dev flag WEBHOOKS_ALLOW_INSECURE_LOOPBACK)',
  example: 'https://hooks.example.com/runfleet',
});
const eventTypesField = z
  .array(z.string().regex(EVENT_TYPE_PATTERN, 'must be an event name, a `namespace.*` wildcard or `*`'))
  .min(1)
  .max(100)
  .meta({ description: 'event names to receive; `job.*` matches every job event, `*` everything', example: ['job.*', 'wallet.low_balance'] });
const descriptionField = z.string().trim().max(500).meta({ example: 'production receiver' });

export const createEndpointBody = z
  .strictObject({ url: urlField, eventTypes: eventTypesField, description: descriptionField.optional(), enabled: z.boolean().optional() })
  .meta({ example: { url: 'https://hooks.example.com/runfleet', eventTypes: ['job.*'], description: 'production receiver' } });

export const updateEndpointBody = z
  .strictObject({
    url: urlField.optional(),
    eventTypes: eventTypesField.optional(),
    description: descriptionField.optional(),
    enabled: z.boolean().optional().meta({ description: 'false disables (pending deliveries fail, replayable); true re-enables' }),
  })
  .meta({ example: { enabled: true } });

export const endpointParams = idParams('endpointId', EXAMPLE_ENDPOINT_ID);
export const deliveryParams = idParams('deliveryId', EXAMPLE_DELIVERY_ID);
export const endpointListQuery = listQuery({ enabled: queryBoolean('only enabled (true) or disabled (false) endpoints').optional() });

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const deliveryListQuery = listQuery({
  endpointId: z.uuid().optional().meta({ description: 'only this endpoint’s deliveries', example: EXAMPLE_ENDPOINT_ID }),
  status: z.enum(DELIVERY_STATUSES).optional().meta({ example: 'failed' }),
});

export const replayFailedBody = z
  .strictObject({
    endpointId: z.uuid().meta({ example: EXAMPLE_ENDPOINT_ID }),
    since: z.iso.datetime().meta({ description: 'replay the failed deliveries created at or after this time', example: EXAMPLE_TIME }),
  })
  .meta({ example: { endpointId: EXAMPLE_ENDPOINT_ID, since: EXAMPLE_TIME } });

export const endpointSchema = z
  .object({
    id: z.uuid(),
    accountType: z.enum(['reseller', 'customer']),
    accountId: z.uuid(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.enum(['gone', 'failing', 'owner']).nullable().meta({ description: '410 Gone, sustained failure, or its owner' }),
    disabledAt: nullableTimestamp,
    failingSince: nullableTimestamp.meta({ description: 'first failed attempt of the current run of failures' }),
    previousSecretExpiresAt: nullableTimestamp.meta({ description: 'until then the secret before the last rotation also signs' }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({
    example: {
      id: EXAMPLE_ENDPOINT_ID,
      accountType: 'customer',
      accountId: EXAMPLE_ACCOUNT_ID,
      url: 'https://hooks.example.com/runfleet',
      description: 'production receiver',
      eventTypes: ['job.*'],
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      failingSince: null,
      previousSecretExpiresAt: null,
      createdAt: EXAMPLE_TIME,
      updatedAt: EXAMPLE_TIME,
    },
  });

export const endpointWithSecretSchema = endpointSchema.extend({
  secret: z.string().meta({ description: 'the signing secret (`whsec_` + base64); shown only in this response', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
});

export const endpointJson = (e: EndpointRecord): z.infer<typeof endpointSchema> => ({
  id: e.id,
  accountType: e.accountType as 'reseller' | 'customer',
  accountId: e.accountId,
  url: e.url,
  description: e.description,
  eventTypes: e.eventTypes,
  enabled: e.enabled,
  disabledReason: e.disabledReason as 'gone' | 'failing' | 'owner' | null,
  disabledAt: isoOrNull(e.disabledAt),
  failingSince: isoOrNull(e.failingSince),
  previousSecretExpiresAt: isoOrNull(e.previousSecretExpiresAt),
  createdAt: iso(e.createdAt),
  updatedAt: iso(e.updatedAt),
});

export const deliverySchema = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    messageId: z.string().meta({ description: 'the `webhook-id` header: the same on every attempt and replay' }),
    eventType: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attemptCount: z.number().int(),
    nextAttemptAt: nullableTimestamp.meta({ description: 'when the next attempt is due (pending only)' }),
    lastAttemptAt: nullableTimestamp,
    createdAt: timestamp,
  })
  .meta({
    example: {
      id: EXAMPLE_DELIVERY_ID,
      endpointId: EXAMPLE_ENDPOINT_ID,
      messageId: 'msg_0f8e2c4a-7b1d-4e3f-9a5c-6d2b8e1f0a93',
      eventType: 'job.completed',
      status: 'pending',
      attemptCount: 1,
      nextAttemptAt: EXAMPLE_TIME,
      lastAttemptAt: EXAMPLE_TIME,
      createdAt: EXAMPLE_TIME,
    },
  });

export const attemptSchema = z.object({
  id: z.uuid(),
  outcome: z.enum(['succeeded', 'failed', 'timeout', 'refused', 'error']),
  responseStatus: z.number().int().nullable(),
  durationMs: z.number().int(),
  responseBody: z.string().nullable().meta({ description: 'the response body, cut at 4 KB' }),
  error: z.string().nullable().meta({ description: 'why there was no usable response (refused address, timeout, network error)' }),
  attemptedAt: timestamp,
});

export const deliveryDetailSchema = deliverySchema.extend({
  payload: z.record(z.string(), z.unknown()).meta({ description: 'the body sent: {type, timestamp, data}' }),
  attempts: z.array(attemptSchema),
});

export const deliveryJson = (d: DeliveryRecord): z.infer<typeof deliverySchema> => ({
  id: d.id,
  endpointId: d.endpointId,
  messageId: d.messageId,
  eventType: d.eventType,
  status: d.status,
  attemptCount: d.attemptCount,
  nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
  lastAttemptAt: isoOrNull(d.lastAttemptAt),
  createdAt: iso(d.createdAt),
});

const attemptJson = (a: AttemptRecord): z.infer<typeof attemptSchema> => ({
  id: a.id,
  outcome: a.outcome as z.infer<typeof attemptSchema>['outcome'],
  responseStatus: a.responseStatus,
  durationMs: a.durationMs,
  responseBody: a.responseBody,
  error: a.error,
  attemptedAt: iso(a.attemptedAt),
});

export const deliveryDetailJson = (d: DeliveryWithBody): z.infer<typeof deliveryDetailSchema> => ({
  ...deliveryJson(d),
  payload: JSON.parse(d.body) as Record<string, unknown>,
  attempts: d.attempts.map(attemptJson),
});
