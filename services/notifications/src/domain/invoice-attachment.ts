// The invoice PDF an invoice.issued email carries (issue 17 item 5), read from billing when the
// mail is sent (DESIGN.md §1: internal HTTP where the caller needs the answer now). Fetched at send
// time, not at consume time, so a billing outage delays the mail (the row is retried) instead of
// holding up the deliveries queue; never mailed without it. The PDF goes only to whom the invoice
// is addressed: the customer of a usage statement, the reseller of a commission invoice — checked
// against billing's answer, not only the event (DESIGN.md §7).
import type { Recipient } from './account-notification';

export interface InvoicePdf {
  pdf: Buffer;
  kind: string;
  number: string;
  customerId: string | null;
  resellerId: string | null;
}

/**
 * Billing's invoice PDFs (email/billing-invoices.ts); throws when billing cannot answer. An error
 * with `transient: true` (billing down, timing out, failing) is retried however many attempts it
 * takes: an outage must not lose the mail.
 */
export interface InvoicePdfs {
  fetch(invoiceId: string): Promise<InvoicePdf>;
}

export function isTransient(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { transient?: unknown }).transient === true;
}

export interface Attachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** Who may receive the invoice's PDF: the account it is addressed to. */
export function mayReceiveInvoice(recipient: Recipient, invoice: Pick<InvoicePdf, 'kind' | 'customerId' | 'resellerId'>): boolean {
  if (invoice.kind === 'commission') return recipient.accountType === 'reseller' && recipient.accountId === invoice.resellerId;
  if (invoice.kind === 'usage') return recipient.accountType === 'customer' && recipient.accountId === invoice.customerId;
  return false;
}

export type InvoiceAttachmentResult = { attachment: Attachment } | { refused: string };

/** The PDF attachment of an invoice.issued email to `recipient`, or why it must not be sent. */
export async function invoiceAttachment(pdfs: InvoicePdfs, recipient: Recipient, data: Record<string, unknown>): Promise<InvoiceAttachmentResult> {
  const invoiceId = typeof data.invoiceId === 'string' ? data.invoiceId : null;
  if (!invoiceId) return { refused: 'invoice.issued without an invoiceId' };
  const invoice = await pdfs.fetch(invoiceId);
  if (!mayReceiveInvoice(recipient, invoice)) return { refused: `${recipient.accountType} is not the addressee of invoice ${invoiceId}` };
  const name = (invoice.number || invoiceId).replace(/[^A-Za-z0-9._-]/g, '_');
  return { attachment: { filename: `${name}.pdf`, content: invoice.pdf, contentType: 'application/pdf' } };
}
