// Issue 19's account mail through the built services: a user.invited event, published on the stack's
// broker as the reseller service publishes it (its one-time token sealed under PRINCIPAL_SECRET),
// reaches the local SMTP catcher (scripts/mail-catcher.js) as a mail to the invited address whose
// link opens this stack's console with that token — read back with e2e/support/caught-mail.ts, the
// helper the console's browser test follows its mails with. The key is the one issue 19's contract
// names, not notifications' code. The token is in clear nowhere else.
import { randomBytes, randomUUID } from 'node:crypto';
import { createMessaging, type Messaging } from '@runfleet/messaging';
import { createLogger, SealedBox, sealingKey } from '@runfleet/service-kit';
import { queryRows } from '@runfleet/test-infra';
import { startMailCatcherFor, type SuiteMailCatcher } from '../support/caught-mail';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
let mail: SuiteMailCatcher;
let reseller: Messaging;

beforeAll(async () => {
  mail = await startMailCatcherFor('account_mail');
  stack = await startStack('account_mail', { env: { notifications: { SMTP_URL: mail.smtpUrl } } });
  reseller = createMessaging({ service: 'reseller', amqpUrl: stack.vhost.url, logger: createLogger({ service: 'e2e', level: 'silent' }) });
  await reseller.publisher.waitForConnect();
}, 90_000);

afterAll(async () => {
  await reseller?.close();
  await stack?.stop();
  await mail?.close();
}, 60_000);

it('mails an invited user the link to this stack\'s console with the token that was sealed, and keeps the token nowhere else', async () => {
  const userId = randomUUID();
  const email = `invited+${userId.slice(0, 8)}@people.example`;
  const token = randomBytes(32).toString('base64url');
  const sealedToken = new SealedBox(sealingKey(stack.secrets.principalSecret, 'runfleet', 'account-mail-token')).seal(Buffer.from(token), userId);
  await reseller.publisher.publish(
    reseller.envelope('user.invited', { userId, email, name: 'Grace Hopper', role: 'reseller', sealedToken, expiresAt: new Date(Date.now() + 30 * 60_000).toISOString() }),
  );

  const caught = await mail.waitForLink(email, { page: 'invite' });
  expect(caught.link).toBe(`${stack.gatewayUrl}/console/invite?token=${token}`);
  expect(caught.token).toBe(token);
  expect(caught.mail.subject).toBe('You are invited to Runfleet');
  expect(caught.mail.to).toEqual([email]);

  const rows = await queryRows<{ notification: unknown; to_address: string; status: string }>(
    stack.databases.notifications!.url,
    'SELECT notification::text AS notification, to_address, status FROM email_send',
  );
  expect(rows).toEqual([{ notification: expect.stringContaining(sealedToken), to_address: email, status: 'sent' }]);
  expect(JSON.stringify(rows)).not.toContain(token);
  expect(stack.allLines().filter((line) => line.includes(token))).toEqual([]);
}, 60_000);
