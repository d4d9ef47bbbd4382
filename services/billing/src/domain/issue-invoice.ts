// Issuing an invoice (DESIGN.md §2 billing "Invoice: sequential numbers, draft → issued"; issue 16
// item 2): the draft is locked, takes the next number of its series in the year of issue from the
// series' counter row — whose lock makes concurrent issues wait for each other — gets its issue
// time and due date, and the customer's and reseller's names as billing knows them now (so a later
// rename does not change an issued invoice), and invoice.issued is written to the outbox, all in one transaction. A
// transaction that fails gives its number back with its rollback, so numbers have no gaps.
import { formatMoney } from '@runfleet/contracts';
import { accountNames } from '../data/account.repository';
import { isoDate, lockInvoice, markIssued, takeNextNumber, type InvoiceRecord } from '../data/invoice.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { MONEY_TRANSACTION, type Db } from '../db';
import { requireRole, type Actor } from './actor';
import { invoiceErrors, mayManage } from './invoice-scope';
import { dueDateOf, invoiceNumber } from './invoice-rules';
import type { UseCaseDeps } from './use-case-deps';

export interface InvoicePolicy {
  /** an issued invoice is due this many days later (config INVOICE_DUE_DAYS) */
  dueDays: number;
}

/** Issues a draft the caller may manage: an admin any, a reseller its own commission invoice. */
export async function issueInvoice(deps: UseCaseDeps, actor: Actor, invoiceId: string, policy: InvoicePolicy): Promise<InvoiceRecord> {
  requireRole(actor, 'admin', 'reseller');
  return deps.prisma.$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, invoiceId);
    if (!invoice || !mayManage(actor, invoice)) throw invoiceErrors.notFound();
    if (invoice.status !== 'draft') throw invoiceErrors.notInState(invoice, 'Only a draft can be issued.');
    return issueLocked(tx, invoice, deps.now(), policy);
  }, MONEY_TRANSACTION);
}

/** Numbers and issues a draft locked in `tx` (also used by the monthly run, which creates and issues in one transaction). */
export async function issueLocked(tx: Db, invoice: InvoiceRecord, now: Date, policy: InvoicePolicy): Promise<InvoiceRecord> {
  if (invoice.status !== 'draft') throw new Error(`invoice ${invoice.id} is ${invoice.status}, not a draft`);
  const year = now.getUTCFullYear();
  const sequence = await takeNextNumber(tx, invoice.series, year);
  const names = await accountNames(tx, invoice.customerId, invoice.resellerId);
  const issued = await markIssued(tx, invoice.id, { number: invoiceNumber(invoice.series, year, sequence), issuedAt: now, dueDate: dueDateOf(now, policy.dueDays), ...names });
  await emitEvents(tx, [
    event('invoice.issued', {
      invoiceId: issued.id,
      number: issued.number!,
      kind: issued.kind,
      customerId: issued.customerId,
      resellerId: issued.resellerId,
      periodStart: isoDate(issued.periodStart),
      periodEnd: isoDate(issued.periodEnd),
      total: formatMoney(issued.total),
      currency: issued.currency,
      dueDate: isoDate(issued.dueDate!),
    }),
  ]);
  return issued;
}

