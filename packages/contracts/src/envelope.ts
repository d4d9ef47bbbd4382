// The envelope every event travels in (DESIGN.md §3). `data` is validated per event type
// against the schema in events.ts, on publish and on consume.
import { z } from 'zod';

export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z_]+\.[a-z_]+$/),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  data: z.unknown(),
});
export type Envelope<TType extends string = string, TData = unknown> = Omit<
  z.infer<typeof envelopeSchema>,
  'type' | 'data'
> & { type: TType; data: TData };
