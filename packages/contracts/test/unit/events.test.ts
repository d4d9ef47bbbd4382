import { randomUUID } from 'node:crypto';
import {
  EVENT_EXAMPLES,
  EVENT_NAMES,
  EventValidationError,
  eventSchemas,
  isEventName,
  parseEventData,
  parseEventEnvelope,
  SERVICE_NAMES,
  type EventName,
} from '@runfleet/contracts';

const REQUIRED_EVENTS = [
  'customer.created', 'customer.updated', 'reseller.created', 'reseller.updated', 'reseller.tier_changed',
  'project.created', 'project.archived', 'apikey.revoked', 'apikey.rotated', 'runner.registered', 'runner.revoked', 'runner.stale', 'runner.offline',
  'runner.recovered', 'job.submitted', 'job.queued', 'job.rejected', 'job.assigned', 'job.started', 'job.completed',
  'job.failed', 'job.cancelled', 'job.requeued', 'wallet.hold_placed', 'wallet.hold_rejected', 'wallet.hold_released',
  'wallet.charged', 'wallet.credited', 'wallet.refunded', 'wallet.low_balance', 'wallet.credit_changed', 'wallet.overdue_reminder', 'order.created', 'order.paid',
  'order.payment_failed', 'order.fulfilled', 'order.failed', 'order.cancelled', 'order.refund_requested', 'commission.earned', 'invoice.issued',
  'payout.requested', 'payout.completed', 'payout.failed',
  'webhook.endpoint_failing', 'webhook.endpoint_disabled',
  // people's accounts and sessions (issue 19)
  'session.revoked', 'user.registered', 'user.email_verification_requested', 'user.password_reset_requested',
  'user.invited', 'user.password_changed', 'user.locked_out',
];

function validationError(run: () => unknown): EventValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof EventValidationError) return error;
    throw error;
  }
  throw new Error('expected an EventValidationError');
}

function requiredFields(name: EventName): string[] {
  const example = EVENT_EXAMPLES[name] as Record<string, unknown>;
  const shape = eventSchemas[name].schema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  // A field is required when its schema refuses `undefined`.
  return Object.keys(example).filter((key) => !shape[key]?.safeParse(undefined).success);
}

describe('the event catalogue', () => {
  it('covers every event of the design, and nothing else', () => {
    expect([...EVENT_NAMES].sort()).toEqual([...REQUIRED_EVENTS].sort());
  });

  it('names every event noun.past_verb and gives it a version, a description and known services', () => {
    for (const name of EVENT_NAMES) {
      const def = eventSchemas[name];
      expect(name).toMatch(/^[a-z]+\.[a-z_]+$/);
      expect(def.version).toBeGreaterThanOrEqual(1);
      expect(def.description.length).toBeGreaterThan(10);
      expect(SERVICE_NAMES).toContain(def.producer);
    }
  });

  it('recognises event names and nothing else', () => {
    expect(isEventName('job.completed')).toBe(true);
    expect(isEventName('job.exploded')).toBe(false);
    expect(isEventName('toString')).toBe(false);
    expect(isEventName(42)).toBe(false);
  });
});

describe.each(EVENT_NAMES.map((name) => [name]))('%s', (name) => {
  it('accepts its example payload', () => {
    expect(parseEventData(name, EVENT_EXAMPLES[name])).toEqual(EVENT_EXAMPLES[name]);
  });

  it.each(requiredFields(name).map((field) => [field]))('rejects a payload missing %s, naming it', (field) => {
    const data: Record<string, unknown> = { ...EVENT_EXAMPLES[name] };
    delete data[field];
    const error = validationError(() => parseEventData(name, data));
    expect(error.eventName).toBe(name);
    expect(error.errors.map((e) => e.field)).toContain(field);
  });

  it('rejects a payload with a field the contract does not declare', () => {
    const error = validationError(() => parseEventData(name, { ...EVENT_EXAMPLES[name], secret: 'sk_live_x' }));
    expect(error.message).toContain('secret');
  });
});

describe('event payload rules', () => {
  it('rejects money given as a float', () => {
    const error = validationError(() => parseEventData('wallet.charged', { ...EVENT_EXAMPLES['wallet.charged'], amount: 1.87 }));
    expect(error.errors).toEqual([expect.objectContaining({ field: 'amount' })]);
  });

  it('reports the path of a bad nested field', () => {
    const data = { ...EVENT_EXAMPLES['job.completed'], usage: { units: '1e3', durationMs: 5 } };
    const error = validationError(() => parseEventData('job.completed', data));
    expect(error.errors.map((e) => e.field)).toEqual(['usage.units']);
  });

  it('refuses a customer wallet credit that names no customer', () => {
    const data = { ...EVENT_EXAMPLES['wallet.credited'], customerId: null };
    expect(() => parseEventData('wallet.credited', data)).toThrow(EventValidationError);
  });

  it('accepts a reseller commission-wallet credit without a customer', () => {
    const data = { ...EVENT_EXAMPLES['wallet.credited'], ownerType: 'reseller', customerId: null, source: 'commission' };
    expect(parseEventData('wallet.credited', data).ownerType).toBe('reseller');
  });

  it('refuses to validate data for an unknown event', () => {
    expect(() => parseEventData('job.exploded' as EventName, {})).toThrow(EventValidationError);
  });
});

describe('parseEventEnvelope', () => {
  const envelope = {
    id: randomUUID(),
    type: 'job.completed',
    version: 1,
    occurredAt: '2025-03-01T10:00:00.000Z',
    producer: 'runner-registry',
    correlationId: 'req-1',
    causationId: null,
    data: EVENT_EXAMPLES['job.completed'],
  };

  it('returns a typed envelope for a valid message', () => {
    const parsed = parseEventEnvelope(envelope);
    expect(parsed.type).toBe('job.completed');
    if (parsed.type === 'job.completed') expect(parsed.data.usage.units).toBe('93.5');
  });

  it('prefixes payload errors with data.', () => {
    const error = validationError(() => parseEventEnvelope({ ...envelope, data: { ...envelope.data, runnerId: 'r1' } }));
    expect(error.errors.map((e) => e.field)).toEqual(['data.runnerId']);
  });

  it('rejects a version this build does not understand', () => {
    const error = validationError(() => parseEventEnvelope({ ...envelope, version: 2 }));
    expect(error.errors[0]?.field).toBe('version');
  });

  it('rejects an unknown event type', () => {
    const error = validationError(() => parseEventEnvelope({ ...envelope, type: 'job.exploded' }));
    expect(error.errors[0]?.field).toBe('type');
  });
});
