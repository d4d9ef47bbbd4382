// Reading invoices (issue 16 item 2): each actor sees what invoiceScopeOf allows — an invoice
// outside it answers like a missing one (DESIGN.md §7).
import type { Page } from '@runfleet/contracts';
import { accountNames } from '../data/account.repository';
import { findInvoice, listInvoices as listInvoiceRows, type InvoiceListFilters, type InvoiceRecord, type InvoiceWithLines } from '../data/invoice.repository';
import type { Actor } from './actor';
import { invoiceErrors, invoiceScopeOf } from './invoice-scope';
import type { UseCaseDeps } from './use-case-deps';

/** The list filters of an actor's request; the scope comes from the actor. */
export type InvoiceListQuery = Omit<InvoiceListFilters, 'scope'>;

export function listInvoices(deps: UseCaseDeps, actor: Actor, query: InvoiceListQuery): Promise<Page<InvoiceRecord>> {
  return listInvoiceRows(deps.prisma, { ...query, scope: invoiceScopeOf(actor) });
}

export async function getInvoice(deps: UseCaseDeps, actor: Actor, invoiceId: string): Promise<InvoiceWithLines> {
  const invoice = await findInvoice(deps.prisma, invoiceId, invoiceScopeOf(actor));
  if (!invoice) throw invoiceErrors.notFound();
  return invoice;
}

/**
 * The invoice as printed: an invoice that was issued (and may since be paid or void) names its
 * customer and reseller as they were at issue time; one never issued (a draft, a voided draft), which
 * has no names of its own, as billing knows them now.
 */
export async function getInvoiceToPrint(deps: UseCaseDeps, actor: Actor, invoiceId: string): Promise<InvoiceWithLines> {
  const invoice = await getInvoice(deps, actor, invoiceId);
  if (invoice.issuedAt !== null) return invoice;
  return { ...invoice, ...(await accountNames(deps.prisma, invoice.customerId, invoice.resellerId)) };
}
