// Mail out over SMTP with nodemailer (config SMTP_URL), pooled connections reused between sends.
import type { Transporter } from 'nodemailer';
import type { Mailer } from '../domain/send-emails';

export interface SmtpMailer extends Mailer {
  close(): void;
}

/** nodemailer is loaded (and the pool made) by the first mail sent, not at start-up (docs/benchmarks.md, saga memory). */
export function smtpMailer(smtpUrl: string, options: { maxConnections?: number } = {}): SmtpMailer {
  let transport: Promise<Transporter> | undefined;
  const transporter = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: options.maxConnections ?? 5 } as never),
    ));
  return {
    async send(email) {
      const info = (await (await transporter()).sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: email.messageId,
        headers: email.headers,
        ...(email.attachments ? { attachments: email.attachments } : {}),
      })) as { messageId?: string };
      return { messageId: info.messageId ?? null };
    },
    close() {
      void transport?.then((made) => made.close());
    },
  };
}
