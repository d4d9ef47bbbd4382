// The monthly invoicing run (issue 16 item 2): from the configured day of the month on, last
// month's usage statements for every customer and — unless turned off — commission invoices for
// every reseller, each created and issued in its own transaction. Every replica runs it on an
// interval; what exists already is never created again (see generate-statements.ts and
// create-commission-invoice.ts), so a missed day, a rerun or a second replica changes nothing twice.
import type { Logger } from '@runfleet/service-kit';
import { invoiceAllCommissions } from './create-commission-invoice';
import { generateStatements } from './generate-statements';
import { previousMonth } from './invoice-rules';
import type { InvoicePolicy } from './issue-invoice';
import type { UseCaseDeps } from './use-case-deps';

export interface MonthlyInvoicingPolicy extends InvoicePolicy {
  /** config INVOICE_RUN_DAY */
  runDay: number;
  /** config INVOICE_COMMISSIONS_MONTHLY */
  commissions: boolean;
}

export interface MonthlyInvoicingOutcome {
  statements: number;
  commissionInvoices: number;
  failed: number;
}

/** Null before the run day; otherwise what this run created. */
export async function runMonthlyInvoicing(deps: UseCaseDeps, policy: MonthlyInvoicingPolicy, log?: Logger): Promise<MonthlyInvoicingOutcome | null> {
  const now = deps.now();
  if (now.getUTCDate() < policy.runDay) return null;
  const period = previousMonth(now);
  const statements = await generateStatements(deps, period, policy, log);
  const commissions = policy.commissions ? await invoiceAllCommissions(deps, period.endExclusive, policy, log) : { created: 0, failed: 0 };
  return { statements: statements.created, commissionInvoices: commissions.created, failed: statements.failed + commissions.failed };
}
