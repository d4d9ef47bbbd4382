// Commission invoices (DESIGN.md §2 billing "commission invoice per reseller"; issue 16 item 2): a
// reseller invoices its approved or paid commissions that are on no invoice yet — one line per commission,
// by customer and month earned, totalled in their currency — as a draft it then issues; or the
// monthly run does it for every reseller, issued at once. The commissions are claimed by the
// invoice in its creating transaction, so none is ever on two invoices.
import { randomUUID } from 'node:crypto';
import { AppError, type Logger } from '@runfleet/service-kit';
import { claimCommissions, resellersWithUninvoiced, uninvoicedCurrencies } from '../data/commission-invoice.repository';
import { findInvoice, insertDraft, lockInvoice, saveLines, type InvoiceWithLines } from '../data/invoice.repository';
import { MONEY_TRANSACTION, type Db } from '../db';
import { requireRole, type Actor } from './actor';
import { fieldError } from './billing-errors';
import { issueLocked, type InvoicePolicy } from './issue-invoice';
import { commissionLines, commissionPeriod, SERIES, totalsOf } from './invoice-rules';
import { invoiceErrors } from './invoice-scope';
import type { UseCaseDeps } from './use-case-deps';

export interface CommissionInvoiceInput {
  /** an admin names the reseller; a reseller invoices for itself */
  resellerId?: string | undefined;
  /** needed only when the commissions are in several currencies */
  currency?: string | undefined;
}

/** A draft commission invoice of everything approved or paid and not yet invoiced (in one currency). */
export async function createCommissionInvoice(deps: UseCaseDeps, actor: Actor, input: CommissionInvoiceInput): Promise<InvoiceWithLines> {
  requireRole(actor, 'admin', 'reseller');
  let resellerId: string;
  if (actor.type === 'reseller') {
    if (input.resellerId !== undefined && input.resellerId !== actor.id) throw AppError.forbidden('AUTH_FORBIDDEN', 'A reseller invoices only its own commissions.');
    resellerId = actor.id;
  } else {
    if (input.resellerId === undefined) throw fieldError('resellerId', 'Required: the reseller whose commissions are invoiced.');
    resellerId = input.resellerId;
  }
  let currency = input.currency;
  if (currency === undefined) {
    const currencies = await uninvoicedCurrencies(deps.prisma, resellerId);
    if (currencies.length === 0) throw invoiceErrors.nothingToInvoice();
    if (currencies.length > 1) throw fieldError('currency', `Required: the commissions are in several currencies (${currencies.join(', ')}); one invoice per currency.`);
    currency = currencies[0]!;
  }
  const chosen = currency;
  const id = await deps.prisma.$transaction(async (tx) => {
    const created = await draftFor(tx, resellerId, chosen, { createdByType: actor.type, createdById: actor.id });
    if (created === null) throw invoiceErrors.nothingToInvoice();
    return created;
  }, MONEY_TRANSACTION);
  return (await findInvoice(deps.prisma, id, { all: true }))!;
}

/** Claims the commissions and writes the draft; null when there is nothing to invoice. */
async function draftFor(tx: Db, resellerId: string, currency: string, by: { createdByType: string; createdById: string | null }, approvedBefore?: Date): Promise<string | null> {
  const id = randomUUID();
  const commissions = await claimCommissions(tx, id, resellerId, currency, approvedBefore);
  if (commissions.length === 0) return null;
  const period = commissionPeriod(commissions);
  await insertDraft(tx, { id, kind: 'commission', series: SERIES.commission, customerId: null, resellerId, currency, periodStart: period.start, periodEnd: period.end, ...by });
  const lines = commissionLines(commissions);
  await saveLines(tx, id, lines, totalsOf(lines));
  return id;
}

/**
 * The monthly run for all resellers: every reseller's commissions approved before `approvedBefore`
 * and on no invoice, invoiced and issued, one invoice per reseller and currency.
 */
export async function invoiceAllCommissions(deps: UseCaseDeps, approvedBefore: Date, policy: InvoicePolicy, log?: Logger, batch = 500): Promise<{ created: number; failed: number }> {
  const outcome = { created: 0, failed: 0 };
  for (const { resellerId, currency } of await resellersWithUninvoiced(deps.prisma, approvedBefore, batch)) {
    try {
      const issued = await deps.prisma.$transaction(async (tx) => {
        const id = await draftFor(tx, resellerId, currency, { createdByType: 'system', createdById: 'monthly-invoicing' }, approvedBefore);
        if (id === null) return false; // another replica took them
        await issueLocked(tx, (await lockInvoice(tx, id))!, deps.now(), policy);
        return true;
      }, MONEY_TRANSACTION);
      if (issued) outcome.created += 1;
    } catch (err) {
      outcome.failed += 1;
      log?.warn({ err, resellerId, currency }, 'commission invoice failed; the next run retries it');
    }
  }
  return outcome;
}
