// Envelopes: built from the context and validated against the contracts on publish; checked on
// arrival so invalid content is recognised (and dead-lettered) with a readable reason.
import { randomUUID } from 'node:crypto';
import { runWithContext } from '@runfleet/service-kit';
import { buildEnvelope, checkIncoming } from '../../src';

const customer = {
  customerId: randomUUID(),
  resellerId: null,
  email: 'ada@example.com',
  name: 'Ada',
  currency: 'EUR',
};

test('an envelope takes its correlation id from the context and names the message being handled as its cause', () => {
  const envelope = runWithContext({ correlationId: 'req-7', causationId: '11111111-1111-4111-8111-111111111111' }, () =>
    buildEnvelope('customer.created', customer, { producer: 'reseller' }),
  );
  expect(envelope).toMatchObject({
    type: 'customer.created',
    version: 1,
    producer: 'reseller',
    correlationId: 'req-7',
    causationId: '11111111-1111-4111-8111-111111111111',
    data: customer,
  });
});

test('outside any request an envelope starts a new correlation and has no cause', () => {
  const envelope = buildEnvelope('customer.created', customer, { producer: 'reseller' });
  expect(envelope.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  expect(envelope.causationId).toBeNull();
});

test('data that breaks its event contract is refused before it can reach the outbox', () => {
  expect(() => buildEnvelope('customer.created', { ...customer, email: 'not-an-email' } as never, { producer: 'reseller' })).toThrow(/email/);
  expect(() => buildEnvelope('no.such_event', {}, { producer: 'reseller' })).toThrow(/unknown event/);
});

test('on arrival, non-JSON, non-envelopes, wrong versions and invalid data each get their own reason', () => {
  const good = buildEnvelope('customer.created', customer, { producer: 'reseller' });
  const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  expect(checkIncoming(body(good))).toEqual({ ok: true, envelope: good });
  expect(checkIncoming(body('{oops'))).toMatchObject({ ok: false, reason: 'INVALID_JSON' });
  expect(checkIncoming(body({ hello: 'world' }))).toMatchObject({ ok: false, reason: 'INVALID_ENVELOPE' });
  expect(checkIncoming(body({ ...good, version: 2 }))).toMatchObject({ ok: false, reason: 'INVALID_DATA', error: expect.stringMatching(/version 2/) });
  expect(checkIncoming(body({ ...good, data: { ...customer, currency: 'euro' } }))).toMatchObject({
    ok: false,
    reason: 'INVALID_DATA',
    error: expect.stringMatching(/currency/),
  });
});

test('text no database can store (a NUL, a lone surrogate) is refused on publish and dead-lettered on arrival at once, naming where it is', () => {
  expect(() => buildEnvelope('customer.created', { ...customer, name: 'Ada\u0000' }, { producer: 'reseller' })).toThrow(/data\.name .*NUL/);
  const valid = buildEnvelope('customer.created', customer, { producer: 'reseller' });
  const nul = checkIncoming(Buffer.from(JSON.stringify({ ...valid, data: { ...customer, name: 'Ada\u0000' } })));
  expect(nul).toMatchObject({ ok: false, reason: 'INVALID_DATA', partial: { id: valid.id } });
  expect(nul.ok === false && nul.error).toMatch(/data\.name .*NUL/);
  const surrogate = checkIncoming(Buffer.from(JSON.stringify({ ...valid, correlationId: 'req-\ud800' })));
  expect(surrogate).toMatchObject({ ok: false, reason: 'INVALID_DATA' });
  expect(surrogate.ok === false && surrogate.error).toMatch(/correlationId .*surrogate/);
});
