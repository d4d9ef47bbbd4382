// A local SMTP server for tests (smtp-server): accepts every mail on 127.0.0.1 and keeps it, with
// the event id the notifications service puts in each mail's X-Runfleet-Event-Id header. Used by the
// notifications service's tests and the e2e suites (SMTP_URL pointed at `url`).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  eventId: string | null;
  subject: string | null;
  raw: string;
}

export interface SmtpSink {
  url: string;
  mails: CaughtMail[];
  close(): Promise<void>;
}

function header(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return match?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim() ?? null;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), eventId: header(raw, 'X-Runfleet-Event-Id'), subject: header(raw, 'Subject'), raw });
        callback();
      });
    },
  });
  // A client killed mid-conversation resets its socket; that is the point of some tests, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
