// Request and response schemas of /v1/feed; `.meta` examples feed the OpenAPI document.
import { z } from 'zod';
import { idParams, listQuery, queryBoolean } from '@runfleet/service-kit';
import type { FeedItemRecord } from '../data/feed.repository';
import { CATEGORIES } from '../domain/notification-kinds';

const EXAMPLE_ITEM_ID = '5b3c1d2e-4f6a-4b8c-9d0e-1f2a3b4c5d6e';
const EXAMPLE_TIME = '2026-12-05T10:15:00.000Z';

export const feedQuery = listQuery({ unread: queryBoolean('only unread items').optional() });
export const feedItemParams = idParams('itemId', EXAMPLE_ITEM_ID);

export const feedItemSchema = z
  .object({
    id: z.uuid(),
    eventId: z.uuid().meta({ description: 'id of the event this item tells about (the webhook-id of the same event)' }),
    type: z.string().meta({ description: 'event type, e.g. job.completed' }),
    category: z.enum(CATEGORIES),
    title: z.string().meta({ description: 'one line for people (the email subject)' }),
    data: z.record(z.string(), z.unknown()).meta({ description: "the event's data as published (docs/events.md)" }),
    occurredAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    read: z.boolean(),
    readAt: z.iso.datetime().nullable(),
  })
  .meta({
    example: {
      id: EXAMPLE_ITEM_ID,
      eventId: '8e7d6c5b-4a39-4281-9706-f5e4d3c2b1a0',
      type: 'job.completed',
      category: 'jobs',
      title: 'Job render completed',
      data: { jobId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', type: 'render' },
      occurredAt: EXAMPLE_TIME,
      createdAt: EXAMPLE_TIME,
      read: false,
      readAt: null,
    },
  });

export const feedPageSchema = z.object({
  items: z.array(feedItemSchema),
  nextCursor: z.string().nullable(),
  unreadCount: z.number().int().min(0).meta({ description: "the account's unread items, whatever the page" }),
});

export const markedReadSchema = z.object({ item: feedItemSchema, unreadCount: z.number().int().min(0) });
export const markedAllReadSchema = z.object({
  marked: z.number().int().min(0).meta({ description: 'items this call marked read' }),
  unreadCount: z.number().int().min(0),
});

export const feedItemJson = (i: FeedItemRecord): z.infer<typeof feedItemSchema> => ({
  id: i.id,
  eventId: i.eventId,
  type: i.type,
  category: i.category as z.infer<typeof feedItemSchema>['category'],
  title: i.title,
  data: i.data as Record<string, unknown>,
  occurredAt: i.occurredAt.toISOString(),
  createdAt: i.createdAt.toISOString(),
  read: i.readAt !== null,
  readAt: i.readAt?.toISOString() ?? null,
});
