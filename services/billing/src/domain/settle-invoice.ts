// The end of an invoice (DESIGN.md §2 billing "Invoice: ... → paid | void"; issue 16 item 2): an
// admin marks an issued invoice paid (with the payment's reference), or voids a draft or an issued
// one (with a reason); a reseller may void its own commission invoice while it is a draft. A voided
// invoice keeps its number (numbers are never reused, so the series stays gapless) and gives its
// commissions back, to be invoiced again. One transaction, under the invoice's row lock.
import { AppError } from '@runfleet/service-kit';
import { releaseCommissions } from '../data/commission-invoice.repository';
import { lockInvoice, markPaid, markVoid, type InvoiceRecord } from '../data/invoice.repository';
import { MONEY_TRANSACTION } from '../db';
import { requireRole, type Actor } from './actor';
import { invoiceErrors, mayManage } from './invoice-scope';
import type { UseCaseDeps } from './use-case-deps';

export async function markInvoicePaid(deps: UseCaseDeps, actor: Actor, invoiceId: string, input: { reference?: string | undefined }): Promise<InvoiceRecord> {
  requireRole(actor, 'admin');
  return deps.prisma.$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, invoiceId);
    if (!invoice) throw invoiceErrors.notFound();
    if (invoice.status !== 'issued') throw invoiceErrors.notInState(invoice, 'Only an issued invoice can be marked paid.');
    return markPaid(tx, invoice.id, { paidAt: deps.now(), paymentReference: input.reference ?? null });
  }, MONEY_TRANSACTION);
}

export async function voidInvoice(deps: UseCaseDeps, actor: Actor, invoiceId: string, input: { reason: string }): Promise<InvoiceRecord> {
  requireRole(actor, 'admin', 'reseller');
  return deps.prisma.$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, invoiceId);
    if (!invoice || !mayManage(actor, invoice)) throw invoiceErrors.notFound();
    if (invoice.status !== 'draft' && invoice.status !== 'issued') throw invoiceErrors.notInState(invoice, 'Only a draft or an issued invoice can be voided.');
    if (invoice.status === 'issued' && actor.type !== 'admin') {
      throw AppError.forbidden('AUTH_FORBIDDEN', 'Only an admin may void an issued invoice.');
    }
    if (invoice.kind === 'commission') await releaseCommissions(tx, invoice.id);
    return markVoid(tx, invoice.id, { voidedAt: deps.now(), reason: input.reason });
  }, MONEY_TRANSACTION);
}
