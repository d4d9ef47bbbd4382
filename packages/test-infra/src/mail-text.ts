// Reading a caught mail as a mail client shows it: transfer encodings undone (quoted-printable soft
// line breaks and =3D, base64) by mailparser, so a test finds a link as a person would click it. Used
// by the notifications account-mail tests and the e2e suites (e2e/support/caught-mail.ts).
import { simpleParser, type AddressObject } from 'mailparser';

export interface ReadMail {
  /** recipients' addresses, lower-cased */
  to: string[];
  subject: string;
  /** the text/plain part, decoded */
  text: string;
  /** the text/html part, decoded ('' when none) */
  html: string;
  /** X-Runfleet-Event-Type, when the notifications service sent it */
  eventType: string | null;
  eventId: string | null;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase())).filter(Boolean);
}

export async function readMail(raw: string | Buffer): Promise<ReadMail> {
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const header = (name: string) => {
    const value = mail.headers.get(name);
    return typeof value === 'string' ? value : null;
  };
  return {
    to: addresses(mail.to),
    subject: mail.subject ?? '',
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : '',
    eventType: header('x-runfleet-event-type'),
    eventId: header('x-runfleet-event-id'),
  };
}

/** Every http(s) URL in a text, in order. */
export function linksIn(text: string): string[] {
  return text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
}
