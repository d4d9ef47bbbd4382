// The email sender (issue 17 item 5) against a local SMTP server: a recorded email is mailed once to
// the account's address and marked sent; an account not known yet is retried; an inactive one is
// skipped; a row left 'sending' by a sender that died is taken over after its lease and counted.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@runfleet/service-kit';
import { Registry } from 'prom-client';
import { accountMailBox, AccountMailLinks } from '../../src/domain/account-mail';
import { applyAccountEvent } from '../../src/domain/apply-account-event';
import { sendDueEmails, type SendEmailsDeps } from '../../src/domain/send-emails';
import { emailMetrics } from '../../src/email/email-metrics';
import { smtpMailer, type SmtpMailer } from '../../src/email/smtp-mailer';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createWorld, jobCompleted, PRINCIPAL_SECRET, type World } from '../support/world';

jest.setTimeout(30_000);

let world: World;
let sink: SmtpSink;
let mailer: SmtpMailer;
let registry: Registry;
let deps: SendEmailsDeps;

beforeAll(async () => {
  world = await createWorld('notifications_email');
  sink = await startSmtpSink();
  mailer = smtpMailer(sink.url);
  registry = new Registry();
  const metrics = emailMetrics(registry, world.prisma);
  deps = {
    prisma: world.prisma,
    mailer,
    // no invoice.issued here: test/component/invoice-email.test.ts mails those with billing's PDFs
    invoicePdfs: { fetch: () => Promise.reject(new Error('no billing in this suite')) },
    accountLinks: new AccountMailLinks(accountMailBox(PRINCIPAL_SECRET), 'http://127.0.0.1:8080/console'),
    from: 'Runfleet <notifications@runfleet.test>',
    now: () => new Date(),
    logger: createLogger({ service: 'notifications', level: 'silent' }),
    leaseMs: 60_000,
    maxAttempts: 3,
    retryBaseMs: 60_000,
    batchSize: 20,
    concurrency: 2,
    onOutcome: metrics.outcome,
    onResend: metrics.resent,
  };
});

afterAll(async () => {
  mailer?.close();
  await sink?.close();
  await world?.close();
});

const statusOf = async (eventId: string) => (await world.prisma.emailSend.findFirstOrThrow({ where: { eventId } })).status;
const metric = async (name: string) => (await registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#')).join('\n');

describe('the email sender', () => {
  it("mails a recorded email once to the account's address, in English, and marks it sent", async () => {
    const eventId = await world.deliver('job.completed', jobCompleted(world.ids.direct, null));
    expect(await sendDueEmails(deps)).toBe(1);
    expect(await sendDueEmails(deps)).toBe(0);
    const mails = sink.mails.filter((m) => m.eventId === eventId);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['direct@customers.example']);
    expect(mails[0]!.subject).toBe('Job render completed');
    expect(mails[0]!.raw).toContain('Hello direct,');
    expect(mails[0]!.raw).toMatch(/Content-Type: text\/html/i);
    expect(await statusOf(eventId)).toBe('sent');
    expect(await metric('runfleet_email_sends_total')).toContain('outcome="sent"} 1');
  });

  it('waits for an account the read model does not know yet, then mails it', async () => {
    const customerId = randomUUID();
    const eventId = await world.deliver('job.completed', jobCompleted(customerId, null));
    await sendDueEmails(deps);
    expect(await statusOf(eventId)).toBe('pending');
    await applyAccountEvent(world.prisma, { type: 'customer.created', data: { customerId, resellerId: null, name: 'Late', email: 'late@customers.example', currency: 'EUR' } }, new Date());
    await world.prisma.emailSend.updateMany({ where: { eventId }, data: { nextAttemptAt: new Date() } });
    await sendDueEmails(deps);
    expect(await statusOf(eventId)).toBe('sent');
    expect(sink.mails.filter((m) => m.eventId === eventId).map((m) => m.to)).toEqual([['late@customers.example']]);
  });

  it('skips an inactive account', async () => {
    const customerId = randomUUID();
    await applyAccountEvent(world.prisma, { type: 'customer.updated', data: { customerId, resellerId: null, name: 'Gone', email: 'gone@customers.example', active: false, changedFields: ['active'] } }, new Date());
    const eventId = await world.deliver('job.completed', jobCompleted(customerId, null));
    await sendDueEmails(deps);
    expect(await statusOf(eventId)).toBe('skipped');
    expect(sink.mails.some((m) => m.eventId === eventId)).toBe(false);
  });

  it('takes over a row another sender claimed and never marked, after its lease, and counts it as a resend', async () => {
    const eventId = await world.deliver('job.completed', jobCompleted(world.ids.customerA, world.ids.resellerA));
    // a sender that claimed the row and died: 'sending', lease already over
    await world.prisma.emailSend.updateMany({ where: { eventId }, data: { status: 'sending', attempts: 1, nextAttemptAt: new Date(Date.now() - 1) } });
    await sendDueEmails(deps);
    expect(await statusOf(eventId)).toBe('sent');
    expect(await metric('runfleet_email_resent_total')).toMatch(/runfleet_email_resent_total 1$/m);
  });

  it('leaves a row claimed by a live sender alone until its lease ends', async () => {
    const eventId = await world.deliver('job.completed', jobCompleted(world.ids.customerA, world.ids.resellerA));
    await world.prisma.emailSend.updateMany({ where: { eventId }, data: { status: 'sending', attempts: 1, nextAttemptAt: new Date(Date.now() + 60_000) } });
    expect(await sendDueEmails(deps)).toBe(0);
    expect(sink.mails.some((m) => m.eventId === eventId)).toBe(false);
  });

  it('reports the backlog', async () => {
    expect(await metric('runfleet_email_backlog')).toMatch(/runfleet_email_backlog 1$/m);
  });
});
