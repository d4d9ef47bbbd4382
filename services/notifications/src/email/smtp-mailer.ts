// Mail out over SMTP with nodemailer (config SMTP_URL), pooled connections reused between sends.
import nodemailer from 'nodemailer';
import type { Mailer } from '../domain/send-emails';

export interface SmtpMailer extends Mailer {
  close(): void;
}

export function smtpMailer(smtpUrl: string, options: { maxConnections?: number } = {}): SmtpMailer {
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: options.maxConnections ?? 5 } as never);
  return {
    async send(email) {
      const info = (await transport.sendMail({
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
      transport.close();
    },
  };
}
