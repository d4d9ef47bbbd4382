// Who may see and change which invoices (DESIGN.md §7; issue 16 "a reseller cannot see another
// reseller's invoices or PDFs; a customer sees only its own statements"), and the errors of the
// invoice use cases. "Missing" and "not yours" share one answer.
import { AppError } from '@runfleet/service-kit';
import type { InvoiceRecord, InvoiceScope } from '../data/invoice.repository';
import type { Actor } from './actor';

/** Admins all; a reseller its commission invoices and its customers' statements; a customer its own statements. */
export function invoiceScopeOf(actor: Actor): InvoiceScope {
  if (actor.type === 'admin') return { all: true };
  if (actor.type === 'reseller') return { resellerId: actor.id };
  return { customerId: actor.id };
}

/** Issuing and voiding drafts: an admin any invoice, a reseller its own commission invoices. */
export function mayManage(actor: Actor, invoice: Pick<InvoiceRecord, 'kind' | 'resellerId'>): boolean {
  if (actor.type === 'admin') return true;
  return actor.type === 'reseller' && invoice.kind === 'commission' && invoice.resellerId === actor.id;
}

export const invoiceErrors = {
  notFound: () => AppError.notFound('INVOICE_NOT_FOUND', 'There is no invoice with this id.'),
  notInState: (invoice: Pick<InvoiceRecord, 'status'>, detail: string) => AppError.conflict('INVOICE_STATE_CONFLICT', `${detail} This invoice is ${invoice.status}.`),
  nothingToInvoice: () => AppError.conflict('COMMISSIONS_NONE_TO_INVOICE', 'There are no approved commissions that are not on an invoice yet.'),
};
