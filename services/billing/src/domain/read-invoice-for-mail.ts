// The invoice a Runfleet service may read on its own behalf (issue 17 item 5: notifications
// attaches an issued invoice's PDF to its invoice.issued email). Only the notifications service,
// as a gateway-style signed `service` principal (DESIGN.md §1, §7), and only issued invoices: a
// draft was never announced. The caller decides who receives it from the owner fields it gets back.
import { AppError } from '@runfleet/service-kit';
import type { Principal } from '@runfleet/contracts';
import { findInvoice, type InvoiceWithLines } from '../data/invoice.repository';
import { invoiceErrors } from './invoice-scope';
import type { UseCaseDeps } from './use-case-deps';

/** The services that may read any issued invoice. */
export const INVOICE_READING_SERVICES: readonly string[] = ['notifications'];

export async function readInvoiceForService(deps: UseCaseDeps, principal: Principal, invoiceId: string): Promise<InvoiceWithLines> {
  if (principal.type !== 'service' || !INVOICE_READING_SERVICES.includes(principal.id)) {
    throw AppError.forbidden('AUTH_FORBIDDEN', 'Only the notifications service may read invoices here.');
  }
  const invoice = await findInvoice(deps.prisma, invoiceId, { all: true });
  if (!invoice || invoice.status === 'draft') throw invoiceErrors.notFound();
  return invoice;
}
