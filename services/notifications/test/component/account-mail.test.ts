// Account mail (issue 19) on a real broker, database and SMTP server: the reseller service's five
// user.* mail events become mail to the address each names — the verification, reset and invitation
// links into the console carrying the token that was sealed, the two security mails — once per
// event however often it arrives; the token is never in clear in notifications' database or logs,
// and a token that does not open is dead-lettered at once.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Envelope, EventData } from '@runfleet/contracts';
import { createMessaging, listDeadLetters, type DataOf, type Messaging } from '@runfleet/messaging';
import { createLogger, createMetrics } from '@runfleet/service-kit';
import { createTestVhost, linksIn, readMail, type ReadMail, type TestVhost } from '@runfleet/test-infra';
import { accountMailBox, AccountMailLinks, type AccountMailEvent } from '../../src/domain/account-mail';
import { sendDueEmails, type SendEmailsDeps } from '../../src/domain/send-emails';
import { smtpMailer, type SmtpMailer } from '../../src/email/smtp-mailer';
import { consumeAccountMail } from '../../src/messaging/account-mail.consumer';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/wait-for';
import { createWorld, PRINCIPAL_SECRET, type World } from '../support/world';

jest.setTimeout(60_000);

const CONSOLE_URL = 'http://console.runfleet.test:8080/console';
const QUEUE = 'notifications.account-mail';
const box = accountMailBox(PRINCIPAL_SECRET);
/** every log line notifications wrote in this suite (debug and up) */
const logLines: string[] = [];
/** every raw token this suite sealed */
const rawTokens: string[] = [];

let world: World;
let vhost: TestVhost;
let notifications: Messaging;
let reseller: Messaging;
let sink: SmtpSink;
let mailer: SmtpMailer;
let deps: SendEmailsDeps;
const metrics = createMetrics('notifications').registry;

beforeAll(async () => {
  world = await createWorld('notifications_account_mail');
  vhost = await createTestVhost('notifications_account_mail');
  const logger = createLogger({ service: 'notifications', level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
  const links = new AccountMailLinks(box, CONSOLE_URL);
  notifications = createMessaging({ service: 'notifications', amqpUrl: vhost.url, databaseUrl: world.db.url, logger, registry: metrics });
  await consumeAccountMail(notifications, { prisma: world.prisma, links });
  reseller = createMessaging({ service: 'reseller', amqpUrl: vhost.url, logger: createLogger({ service: 'reseller', level: 'silent' }), registry: createMetrics('reseller').registry });
  await reseller.publisher.waitForConnect();
  sink = await startSmtpSink();
  mailer = smtpMailer(sink.url);
  deps = {
    prisma: world.prisma,
    mailer,
    invoicePdfs: { fetch: () => Promise.reject(new Error('no billing in this suite')) },
    accountLinks: links,
    from: 'Runfleet <notifications@runfleet.test>',
    now: () => new Date(),
    logger,
    leaseMs: 60_000,
    maxAttempts: 3,
    retryBaseMs: 60_000,
    batchSize: 20,
    concurrency: 2,
  };
});

afterAll(async () => {
  await notifications?.close();
  await reseller?.close();
  mailer?.close();
  await sink?.close();
  await vhost?.drop();
  await world?.close();
});

/** A fresh one-time token, as the reseller service makes one, and its seal for `userId`. */
function sealedToken(userId: string): { raw: string; sealed: string } {
  const raw = randomBytes(32).toString('base64url');
  rawTokens.push(raw);
  return { raw, sealed: box.seal(Buffer.from(raw, 'utf8'), userId) };
}

const person = () => {
  const userId = randomUUID();
  return { userId, email: `ada+${userId.slice(0, 8)}@people.example`, name: 'Ada Lovelace' };
};
const inHalfAnHour = () => new Date(Date.now() + 30 * 60_000).toISOString();

async function consumed(outcome: string): Promise<number> {
  const metric = await metrics.getSingleMetric('runfleet_consumer_messages_total')?.get();
  return metric?.values.find((v) => v.labels.queue === QUEUE && v.labels.outcome === outcome)?.value ?? 0;
}

/** Publishes as the reseller service does, waits until the send row is recorded, sends, and reads the one mail. */
async function mailOf<N extends AccountMailEvent>(type: N, data: EventData<N>): Promise<ReadMail> {
  const envelope: Envelope = reseller.envelope<AccountMailEvent>(type, data as DataOf<AccountMailEvent>);
  await reseller.publisher.publish(envelope);
  await waitFor(async () => (await world.prisma.emailSend.count({ where: { eventId: envelope.id } })) === 1, `the ${type} mail is recorded`);
  await sendDueEmails(deps);
  const caught = sink.mails.filter((m) => m.eventId === envelope.id);
  expect(caught).toHaveLength(1);
  return readMail(caught[0]!.raw);
}

function consoleLinks(mail: ReadMail): URL[] {
  return linksIn(mail.text)
    .filter((link) => link.startsWith(CONSOLE_URL))
    .map((link) => new URL(link));
}

describe('account mail', () => {
  it.each([
    ['user.email_verification_requested', '/console/verify', 'Confirm your email address'],
    ['user.password_reset_requested', '/console/reset', 'Reset your Runfleet password'],
    ['user.invited', '/console/invite', 'You are invited to Runfleet'],
  ] as const)('mails %s to the address the event names, linking to %s with the token that was sealed', async (type, page, subject) => {
    const to = person();
    const token = sealedToken(to.userId);
    const base = { ...to, sealedToken: token.sealed, expiresAt: inHalfAnHour() };
    const mail = await mailOf(type, type === 'user.invited' ? { ...base, role: 'customer' } : base);
    expect(mail.to).toEqual([to.email]);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain('Hello Ada Lovelace,');
    const links = consoleLinks(mail);
    expect(links).toHaveLength(1);
    expect(links[0]!.pathname).toBe(page);
    expect(links[0]!.searchParams.get('token')).toBe(token.raw);
    // the HTML part links it too; neither part offers to unsubscribe from it
    expect(mail.html).toMatch(/<a href="http:\/\/console\.runfleet\.test:8080\/console/);
    expect(mail.text).not.toContain('notification-preferences');
    expect(mail.text).not.toContain(token.sealed);
  });

  it.each([
    ['user.password_changed', 'Your Runfleet password was changed'],
    ['user.locked_out', 'Your Runfleet account is locked'],
  ] as const)('sends the %s security mail, with no link and no way to turn it off', async (type, subject) => {
    const to = person();
    const at = new Date(Date.now() + 30 * 60_000).toISOString();
    const mail = await mailOf(type, type === 'user.password_changed' ? { ...to, changedAt: at } : { ...to, lockedUntil: at });
    expect(mail.to).toEqual([to.email]);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(at);
    expect(consoleLinks(mail)).toEqual([]);
    expect(mail.text).not.toContain('notification-preferences');
  });

  it('sends one mail for an event delivered twice', async () => {
    const to = person();
    const envelope: Envelope = reseller.envelope('user.password_reset_requested', { ...to, sealedToken: sealedToken(to.userId).sealed, expiresAt: inHalfAnHour() });
    const duplicatesBefore = await consumed('duplicate');
    await reseller.publisher.publish(envelope);
    await reseller.publisher.publish(envelope);
    await waitFor(async () => (await consumed('duplicate')) === duplicatesBefore + 1, 'the second copy is recognised as a duplicate');
    await sendDueEmails(deps);
    expect(await sendDueEmails(deps)).toBe(0);
    expect(sink.mails.filter((m) => m.eventId === envelope.id)).toHaveLength(1);
  });

  it('does not send a link that expired while the mail waited', async () => {
    const to = person();
    const envelope: Envelope = reseller.envelope('user.email_verification_requested', {
      ...to,
      sealedToken: sealedToken(to.userId).sealed,
      expiresAt: new Date(Date.now() + 1_000).toISOString(),
    });
    await reseller.publisher.publish(envelope);
    await waitFor(async () => (await world.prisma.emailSend.count({ where: { eventId: envelope.id } })) === 1, 'the mail is recorded');
    await sendDueEmails({ ...deps, now: () => new Date(Date.now() + 60_000) });
    expect(await world.prisma.emailSend.findFirstOrThrow({ where: { eventId: envelope.id }, select: { status: true, lastError: true } })).toEqual({
      status: 'skipped',
      lastError: 'the link expired before it could be sent',
    });
    expect(sink.mails.some((m) => m.eventId === envelope.id)).toBe(false);
  });

  it.each([
    ['altered', (userId: string) => alter(sealedToken(userId).sealed)],
    ['sealed for another user', () => sealedToken(randomUUID()).sealed],
  ])('dead-letters at once an event whose sealed token was %s, and records and mails nothing', async (_how, seal) => {
    const to = person();
    const sealed = seal(to.userId);
    const envelope: Envelope = reseller.envelope('user.invited', { ...to, role: 'reseller', sealedToken: sealed, expiresAt: inHalfAnHour() });
    await reseller.publisher.publish(envelope);
    let dead: Awaited<ReturnType<typeof listDeadLetters>> = [];
    await waitFor(async () => {
      dead = (await listDeadLetters(vhost.url, QUEUE)).filter((d) => d.messageId === envelope.id);
      return dead.length === 1;
    }, 'the event is dead-lettered');
    expect(dead[0]).toMatchObject({ reason: 'INVALID_DATA', attempts: 1, originalQueue: QUEUE });
    expect(dead[0]!.error).toContain('sealedToken does not open');
    expect(dead[0]!.error).not.toContain(sealed);
    expect(await world.prisma.emailSend.count({ where: { eventId: envelope.id } })).toBe(0);
    await sendDueEmails(deps);
    expect(sink.mails.some((m) => m.eventId === envelope.id)).toBe(false);
    // logged, with the event's id and without its token
    const logged = logLines.filter((line) => line.includes(envelope.id));
    expect(logged.some((line) => line.includes('message dead-lettered'))).toBe(true);
    expect(logged.filter((line) => line.includes(sealed))).toEqual([]);
  });

  it('holds no raw token in any text column of its database, and writes none to its logs or dead letters', async () => {
    expect(rawTokens.length).toBeGreaterThanOrEqual(6);
    const columns = await world.prisma.$queryRaw<{ table_name: string; column_name: string }[]>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`;
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(expect.arrayContaining(['email_send.notification', 'email_send.to_address', 'email_send.last_error']));
    const found = async (needle: string) => {
      const hits: string[] = [];
      for (const { table_name: table, column_name: column } of columns) {
        const [row] = await world.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" WHERE strpos("${column}"::text, $1) > 0`, needle);
        if (Number(row!.n) > 0) hits.push(`${table}.${column}`);
      }
      return hits;
    };
    // the search finds what is there: the sealed token, kept in the send row
    const kept = await world.prisma.emailSend.findFirstOrThrow({ where: { kind: 'user.invited', status: 'sent' }, select: { notification: true } });
    expect(await found((kept.notification as { data: { sealedToken: string } }).data.sealedToken)).toEqual(['email_send.notification']);
    for (const raw of rawTokens) expect({ raw, columns: await found(raw) }).toEqual({ raw, columns: [] });
    expect(logLines.length).toBeGreaterThan(0);
    for (const raw of rawTokens) expect(logLines.filter((line) => line.includes(raw))).toEqual([]);
    const dead = await listDeadLetters(vhost.url, QUEUE);
    expect(dead.length).toBe(2);
    for (const raw of rawTokens) expect(dead.filter((d) => d.body.includes(raw) || (d.error ?? '').includes(raw))).toEqual([]);
  });
});

/** The seal with the first character of its ciphertext changed (a last one may only carry padding bits). */
function alter(sealed: string): string {
  const parts = sealed.split('.');
  const ciphertext = parts[3]!;
  parts[3] = `${ciphertext[0] === 'A' ? 'B' : 'A'}${ciphertext.slice(1)}`;
  return parts.join('.');
}
