// An outage must not burn a message's retries; a handler's own error must.
import { isDatabaseUnavailable, isRetryableTransactionError } from '../../src';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('terminated connections, refused connections and shutdowns count as the database being unavailable', () => {
  expect(isDatabaseUnavailable(withCode('57P01', 'terminating connection due to administrator command'))).toBe(true);
  expect(isDatabaseUnavailable(withCode('ECONNREFUSED'))).toBe(true);
  expect(isDatabaseUnavailable(withCode('08006'))).toBe(true);
  expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  expect(isDatabaseUnavailable(withCode('P1001'))).toBe(true);
  expect(isDatabaseUnavailable(new Error('wrapped', { cause: withCode('ECONNRESET') }))).toBe(true);
});

test('constraint violations and handler bugs are not an outage', () => {
  expect(isDatabaseUnavailable(withCode('23505', 'duplicate key value'))).toBe(false);
  expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
  expect(isRetryableTransactionError(withCode('40001'))).toBe(true);
  expect(isRetryableTransactionError(withCode('23505'))).toBe(false);
});
