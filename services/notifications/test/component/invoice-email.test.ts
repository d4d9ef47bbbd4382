// invoice.issued email carries the invoice's PDF (issue 17 item 5), read at send time from the real
// billing app (in-process, on its own database) and mailed to a local SMTP server: the caught mail
// has an application/pdf attachment whose text shows the invoice number. Billing unreachable → the
// email waits and is sent with its PDF once billing answers; a recipient the invoice is not
// addressed to gets nothing; a hanging billing trips the breaker; billing's internal route serves
// only the notifications service.
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { EventData } from '@runfleet/contracts';
import { createLogger } from '@runfleet/service-kit';
import { insertCommission, pdfText } from '../../../billing/test/support/invoices';
import { createWorld as createBillingWorld, outboxEvents, UNIT, type World as BillingWorld } from '../../../billing/test/support/world';
import { accountMailBox, AccountMailLinks } from '../../src/domain/account-mail';
import { applyAccountEvent } from '../../src/domain/apply-account-event';
import { sendDueEmails, type SendEmailsDeps } from '../../src/domain/send-emails';
import { billingInvoicePdfs, type BillingInvoicePdfs } from '../../src/email/billing-invoices';
import { smtpMailer, type SmtpMailer } from '../../src/email/smtp-mailer';
import { startSmtpSink, type CaughtMail, type SmtpSink } from '../support/smtp-sink';
import { createWorld, PRINCIPAL_SECRET, type World } from '../support/world';

jest.setTimeout(60_000);

let billing: BillingWorld;
let billingServer: Server;
let billingUrl: string;
let world: World;
let sink: SmtpSink;
let mailer: SmtpMailer;
let pdfs: BillingInvoicePdfs;
let unreachable: BillingInvoicePdfs;
let issued: EventData<'invoice.issued'>;

const depsWith = (invoicePdfs: SendEmailsDeps['invoicePdfs']): SendEmailsDeps => ({
  prisma: world.prisma,
  mailer,
  invoicePdfs,
  accountLinks: new AccountMailLinks(accountMailBox(PRINCIPAL_SECRET), 'http://127.0.0.1:8080/console'),
  from: 'Runfleet <notifications@runfleet.test>',
  now: () => new Date(),
  logger: createLogger({ service: 'notifications', level: 'silent' }),
  leaseMs: 60_000,
  maxAttempts: 5,
  retryBaseMs: 60_000,
  batchSize: 20,
  concurrency: 2,
});

/** The decoded attachments of a caught mail (nodemailer writes them base64 in their own MIME part). */
function attachmentsOf(mail: CaughtMail): { contentType: string; filename: string | null; content: Buffer }[] {
  const boundaries = [...mail.raw.matchAll(/boundary="?([^"\r\n;]+)"?/gi)].map((m) => m[1]!);
  const parts = boundaries.flatMap((b) => mail.raw.split(`--${b}`));
  return parts
    .map((part) => {
      const [head = '', ...body] = part.split(/\r?\n\r?\n/);
      const type = /^Content-Type:\s*([^;\r\n]+)/im.exec(head)?.[1]?.trim().toLowerCase();
      if (!type || !/^Content-Disposition:\s*attachment/im.test(head)) return null;
      const filename = /filename="?([^"\r\n;]+)"?/i.exec(head)?.[1] ?? null;
      return { contentType: type, filename, content: Buffer.from(body.join('\n').replace(/\s+/g, ''), 'base64') };
    })
    .filter((a): a is NonNullable<typeof a> => a !== null);
}

const sendRow = (eventId: string) => world.prisma.emailSend.findFirstOrThrow({ where: { eventId } });
const due = (eventId: string) => world.prisma.emailSend.updateMany({ where: { eventId }, data: { nextAttemptAt: new Date() } });

beforeAll(async () => {
  billing = await createBillingWorld('notifications_invoice_billing');
  billingServer = createServer(billing.app);
  await new Promise<void>((resolve) => billingServer.listen(0, '127.0.0.1', resolve));
  billingUrl = `http://127.0.0.1:${(billingServer.address() as AddressInfo).port}`;
  world = await createWorld('notifications_invoice_mail');
  sink = await startSmtpSink();
  mailer = smtpMailer(sink.url);
  pdfs = billingInvoicePdfs({ billingUrls: [billingUrl], principalSecret: PRINCIPAL_SECRET, timeoutMs: 5_000 });
  // a port nothing listens on: taken, then released
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  unreachable = billingInvoicePdfs({ billingUrls: [`http://127.0.0.1:${closedPort}`], principalSecret: PRINCIPAL_SECRET, timeoutMs: 1_000 });

  // reseller A, known to both services, invoices its approved commission
  const resellerId = billing.ids.resellerA;
  await applyAccountEvent(world.prisma, { type: 'reseller.created', data: { resellerId, name: 'Reseller A', email: 'a@resellers.example', commissionRateBps: 1000, tier: 'bronze', currency: 'EUR' } }, new Date());
  await insertCommission(billing.prisma, { resellerId, customerId: billing.ids.customerA, amount: 3n * UNIT });
  const draft = await billing.as('resellerA').post('/v1/invoices', { kind: 'commission' });
  expect(draft.status).toBe(201);
  expect((await billing.as('resellerA').post(`/v1/invoices/${draft.body.id}/issue`)).status).toBe(200);
  const [event] = await outboxEvents(billing.prisma, 'invoice.issued');
  issued = event as EventData<'invoice.issued'>;
});

afterAll(async () => {
  mailer?.close();
  await pdfs?.close();
  await unreachable?.close();
  await sink?.close();
  await world?.close();
  await new Promise<void>((resolve) => (billingServer ? billingServer.close(() => resolve()) : resolve()));
  await billing?.close();
});

describe('the invoice.issued email', () => {
  it('carries the invoice PDF from billing, whose text shows the invoice number, to the reseller it is addressed to', async () => {
    const eventId = await world.deliver('invoice.issued', issued);
    await sendDueEmails(depsWith(pdfs));
    const mails = sink.mails.filter((m) => m.eventId === eventId);
    expect(mails.map((m) => m.to)).toEqual([['a@resellers.example']]);
    const attachments = attachmentsOf(mails[0]!);
    expect(attachments.map((a) => [a.contentType, a.filename])).toEqual([['application/pdf', `${issued.number}.pdf`]]);
    expect(pdfText(attachments[0]!.content)).toContain(issued.number);
    expect((await sendRow(eventId)).status).toBe('sent');
  });

  it('waits while billing is unreachable, past the attempts a failing send gets, is not sent without its PDF, and goes out with it once billing answers', async () => {
    const eventId = await world.deliver('invoice.issued', issued, { id: randomUUID() });
    // a long outage: every attempt a failing send gets (maxAttempts 5) is used up
    await world.prisma.emailSend.updateMany({ where: { eventId }, data: { attempts: 5 } });
    await sendDueEmails(depsWith(unreachable));
    const waiting = await sendRow(eventId);
    expect(waiting.status).toBe('pending');
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect(waiting.lastError).toMatch(/^BILLING_UNAVAILABLE: billing unreachable/);
    expect(sink.mails.some((m) => m.eventId === eventId)).toBe(false);

    await due(eventId);
    await sendDueEmails(depsWith(pdfs));
    const mails = sink.mails.filter((m) => m.eventId === eventId);
    expect(mails).toHaveLength(1);
    expect(attachmentsOf(mails[0]!).map((a) => a.contentType)).toEqual(['application/pdf']);
    expect((await sendRow(eventId)).status).toBe('sent');
  });

  it('is not mailed to an account the invoice is not addressed to, even when the event names it', async () => {
    const other = randomUUID();
    await applyAccountEvent(world.prisma, { type: 'reseller.created', data: { resellerId: other, name: 'Other', email: 'other@resellers.example', commissionRateBps: 1000, tier: 'bronze', currency: 'EUR' } }, new Date());
    const eventId = await world.deliver('invoice.issued', { ...issued, resellerId: other });
    await sendDueEmails(depsWith(pdfs));
    expect(sink.mails.some((m) => m.eventId === eventId)).toBe(false);
    expect(await sendRow(eventId)).toMatchObject({ status: 'skipped' });
  });
});

describe('reading from a billing that hangs', () => {
  it('gives up each read after the timeout, then fails at once while the breaker is open', async () => {
    const sockets = new Set<Socket>();
    const hanging = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const client = billingInvoicePdfs({
      billingUrls: [`http://127.0.0.1:${(hanging.address() as AddressInfo).port}`],
      principalSecret: PRINCIPAL_SECRET,
      timeoutMs: 300,
    });
    try {
      for (let i = 0; i < 3; i++) await expect(client.fetch(issued.invoiceId)).rejects.toMatchObject({ code: 'BILLING_UNAVAILABLE', message: expect.stringMatching(/timeout/i) });
      const started = Date.now();
      await expect(client.fetch(issued.invoiceId)).rejects.toMatchObject({ code: 'BILLING_UNAVAILABLE', message: expect.stringMatching(/EOPENBREAKER/) });
      expect(Date.now() - started).toBeLessThan(100);
    } finally {
      await client.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });
});

describe("billing's internal invoice PDF route", () => {
  const service = (id: string) => ({ type: 'service' as const, id, resellerId: null, scopes: [] });

  it('serves the notifications service any issued invoice, with its owner in headers', async () => {
    const res = await billing.as(service('notifications')).get(`/internal/invoices/${issued.invoiceId}.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-runfleet-invoice-kind']).toBe('commission');
    expect(res.headers['x-runfleet-invoice-reseller-id']).toBe(billing.ids.resellerA);
  });

  it('refuses every other caller, and answers a draft like a missing invoice', async () => {
    for (const caller of [service('api-gateway'), billing.principals.admin, billing.principals.resellerA, billing.principals.customerA]) {
      expect([caller.type, (await billing.as(caller).get(`/internal/invoices/${issued.invoiceId}.pdf`)).status]).toEqual([caller.type, 403]);
    }
    await insertCommission(billing.prisma, { resellerId: billing.ids.resellerB, customerId: billing.ids.customerB, amount: UNIT });
    const draft = await billing.as('resellerB').post('/v1/invoices', { kind: 'commission' });
    expect((await billing.as(service('notifications')).get(`/internal/invoices/${draft.body.id}.pdf`)).status).toBe(404);
  });
});
