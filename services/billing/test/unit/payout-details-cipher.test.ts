// Sealed payout method details: they open for their own method under the configured key only, and
// the key is PAYOUT_DETAILS_ENCRYPTION_KEY when set, else derived from PRINCIPAL_SECRET.
import { parseConfig } from '@runfleet/service-kit';
import { configSchema, payoutDetailsKey } from '../../src/config';
import { PayoutDetailsCipher, payoutDetailsKeyFrom } from '../../src/domain/payout-details-cipher';

const PRINCIPAL_SECRET = 'test-principal-secret-of-at-least-32-chars';
const base = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/runfleet_billing', AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', PRINCIPAL_SECRET };
const details = { accountHolder: 'Acme GmbH', iban: 'DE89370400440532013000' };

describe('sealed payout method details', () => {
  const cipher = new PayoutDetailsCipher(payoutDetailsKeyFrom(PRINCIPAL_SECRET));

  it('hold no detail readable and open for their own method', () => {
    const sealed = cipher.seal(details, 'method-1');
    expect(sealed).not.toContain('DE89');
    expect(sealed).not.toContain('Acme');
    expect(cipher.open(sealed, 'method-1')).toEqual(details);
  });

  it('do not open for another method or under another key, and the error names no detail', () => {
    const sealed = cipher.seal(details, 'method-1');
    expect(() => cipher.open(sealed, 'method-2')).toThrow(/method-2/);
    expect(() => cipher.open(sealed, 'method-2')).not.toThrow(/DE89|Acme/);
    expect(() => new PayoutDetailsCipher(payoutDetailsKeyFrom('another-secret-of-at-least-32-characters')).open(sealed, 'method-1')).toThrow();
  });

  it('use PAYOUT_DETAILS_ENCRYPTION_KEY when it is set, else PRINCIPAL_SECRET', () => {
    const own = 'a-payout-details-key-of-32-characters!';
    expect(payoutDetailsKey(parseConfig(configSchema, base))).toEqual(payoutDetailsKeyFrom(PRINCIPAL_SECRET));
    expect(payoutDetailsKey(parseConfig(configSchema, { ...base, PAYOUT_DETAILS_ENCRYPTION_KEY: own }))).toEqual(payoutDetailsKeyFrom(own));
    expect(() => parseConfig(configSchema, { ...base, PAYOUT_DETAILS_ENCRYPTION_KEY: 'short' })).toThrow(/PAYOUT_DETAILS_ENCRYPTION_KEY/);
  });
});
