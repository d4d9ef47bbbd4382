// The monthly usage statements (DESIGN.md §2 billing "Invoice: monthly usage statement per
// customer"; issue 16 item 2): for every customer wallet with charges, refunds or credits in the
// month, a statement — job usage grouped by job type with units and unit price, orders, refunds,
// credits — created and issued in one transaction. A rerun, or a second replica running at the same
// time, creates no second statement: the unique (customer, period) index refuses it (the later
// insert waits for the earlier one's commit, then does nothing), and the skipped insert takes no
// number. Each statement commits alone, so a failure costs only that customer's, retried next run.
import type { Logger } from '@runfleet/service-kit';
import { insertDraft, lockInvoice, saveLines } from '../data/invoice.repository';
import { jobUsage, otherEntries, walletsDueForStatement, type StatementWallet } from '../data/statement-source.repository';
import { MONEY_TRANSACTION } from '../db';
import { issueLocked, type InvoicePolicy } from './issue-invoice';
import { SERIES, statementLines, totalsOf, type Period } from './invoice-rules';
import type { UseCaseDeps } from './use-case-deps';

const SYSTEM = { createdByType: 'system', createdById: 'monthly-invoicing' } as const;

export interface StatementRunOutcome {
  created: number;
  failed: number;
}

/** Creates and issues the statements of `period` that do not exist yet. */
export async function generateStatements(deps: UseCaseDeps, period: Period, policy: InvoicePolicy, log?: Logger, batch = 100): Promise<StatementRunOutcome> {
  const outcome: StatementRunOutcome = { created: 0, failed: 0 };
  let after: string | null = null;
  for (;;) {
    const wallets = await walletsDueForStatement(deps.prisma, period.start, period.endExclusive, period.start, after, batch);
    for (const wallet of wallets) {
      try {
        if (await createStatement(deps, wallet, period, policy)) outcome.created += 1;
      } catch (err) {
        outcome.failed += 1;
        log?.warn({ err, walletId: wallet.walletId }, 'usage statement failed; the next run retries it');
      }
    }
    if (wallets.length < batch) return outcome;
    after = wallets[wallets.length - 1]!.walletId;
  }
}

/** One customer's statement; false when it exists already. */
async function createStatement(deps: UseCaseDeps, wallet: StatementWallet, period: Period, policy: InvoicePolicy): Promise<boolean> {
  return deps.prisma.$transaction(async (tx) => {
    const id = await insertDraft(tx, {
      kind: 'usage',
      series: SERIES.usage,
      customerId: wallet.customerId,
      resellerId: wallet.resellerId,
      currency: wallet.currency,
      periodStart: period.start,
      periodEnd: period.end,
      ...SYSTEM,
    });
    if (id === null) return false;
    const lines = statementLines(
      await jobUsage(tx, wallet.walletId, period.start, period.endExclusive),
      await otherEntries(tx, wallet.walletId, period.start, period.endExclusive),
    );
    await saveLines(tx, id, lines, totalsOf(lines));
    await issueLocked(tx, (await lockInvoice(tx, id))!, deps.now(), policy);
    return true;
  }, MONEY_TRANSACTION);
}
