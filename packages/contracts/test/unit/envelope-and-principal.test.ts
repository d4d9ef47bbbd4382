import { randomUUID } from 'node:crypto';
import { envelopeSchema, principalSchema } from '@runfleet/contracts';

describe('envelopeSchema', () => {
  const envelope = {
    id: randomUUID(),
    type: 'job.completed',
    version: 1,
    occurredAt: '2025-03-01T10:00:00.000+01:00',
    producer: 'runner-registry',
    correlationId: 'req-1',
    causationId: null,
    data: {},
  };

  it('accepts a well-formed envelope', () => {
    expect(envelopeSchema.safeParse(envelope).success).toBe(true);
  });

  it('rejects an id that is not a uuid', () => {
    const result = envelopeSchema.safeParse({ ...envelope, id: 'msg-1' });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['id']);
  });

  it.each(['JobCompleted', 'job', 'job.completed.v1', 'job-completed'])('rejects the type %j', (type) => {
    const result = envelopeSchema.safeParse({ ...envelope, type });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['type']);
  });

  it('rejects a timestamp that is not ISO 8601', () => {
    expect(envelopeSchema.safeParse({ ...envelope, occurredAt: 'yesterday' }).success).toBe(false);
  });
});

describe('principalSchema', () => {
  const principal = { type: 'customer', id: 'c1', resellerId: null, scopes: ['jobs:write'], exp: 1_900_000_000 };

  it('accepts a customer principal', () => {
    expect(principalSchema.safeParse(principal).success).toBe(true);
  });

  it('rejects an unknown principal type', () => {
    const result = principalSchema.safeParse({ ...principal, type: 'superuser' });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['type']);
  });
});
