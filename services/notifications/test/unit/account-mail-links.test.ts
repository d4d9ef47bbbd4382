// Account mail's links (issue 19): the sealed one-time token opens only for its user and under the
// contract's key, goes into the console link exactly (whatever characters it holds), and an expired
// one is not sent.
import { randomUUID } from 'node:crypto';
import { SealedBox, sealingKey } from '@runfleet/service-kit';
import { accountMailBox, AccountMailLinks } from '../../src/domain/account-mail';

const SECRET = 'unit-test-principal-secret-of-32-chars!';
const userId = randomUUID();
const later = () => new Date(Date.now() + 60_000).toISOString();
// sealed as the reseller service seals it: the contract's key, the user id as associated data
const seal = (token: string, forUser = userId, secret = SECRET) =>
  new SealedBox(sealingKey(secret, 'runfleet', 'account-mail-token')).seal(Buffer.from(token), forUser);

describe('account mail links', () => {
  const links = new AccountMailLinks(accountMailBox(SECRET), 'https://console.example.com/app/');

  it('puts the opened token into the page of each link kind, encoded so it reads back exactly', () => {
    const token = 'a+b/c=d&e?f#g h';
    for (const [type, page] of [
      ['user.email_verification_requested', 'verify'],
      ['user.password_reset_requested', 'reset'],
      ['user.invited', 'invite'],
    ] as const) {
      const result = links.linkFor(type, { userId, sealedToken: seal(token), expiresAt: later() }, new Date());
      if (!('link' in result) || !result.link) throw new Error(`no link for ${type}`);
      const url = new URL(result.link);
      expect(`${url.origin}${url.pathname}`).toBe(`https://console.example.com/app/${page}`);
      expect(url.searchParams.get('token')).toBe(token);
    }
  });

  it('gives the security mails no link', () => {
    expect(links.linkFor('user.password_changed', { userId, changedAt: later() }, new Date())).toEqual({ link: null });
    expect(links.linkFor('user.locked_out', { userId, lockedUntil: later() }, new Date())).toEqual({ link: null });
  });

  it('refuses a token sealed for another user or under another key, naming neither token nor seal', () => {
    for (const sealed of [seal('t0ken', randomUUID()), seal('t0ken', userId, 'another-principal-secret-of-32-chars!!')]) {
      expect(links.opens({ userId, sealedToken: sealed })).toBe(false);
      const result = links.linkFor('user.invited', { userId, sealedToken: sealed, expiresAt: later() }, new Date());
      expect(result).toEqual({ refused: 'the sealed token does not open', outcome: 'failed' });
    }
    expect(links.opens({ userId, sealedToken: seal('t0ken') })).toBe(true);
  });

  it('skips a link whose token expired before it could be sent', () => {
    const expiresAt = new Date(Date.now() - 1).toISOString();
    expect(links.linkFor('user.password_reset_requested', { userId, sealedToken: seal('t0ken'), expiresAt }, new Date())).toEqual({
      refused: 'the link expired before it could be sent',
      outcome: 'skipped',
    });
  });
});
