// A reseller's earnings summary (issue 16 item 4): its commissions pending, approved, paid and
// clawed back — in all, by month earned and by customer — what is on its earnings wallet, and its
// tier with the progress to the next one. The wallet figures are read from the ledger itself, so the
// summary and the ledger agree to the micro-unit: Σ commission entries = approved + paid − the part
// of clawbacks still owed. Tier progress counts the sales billing earned commission on in the
// trailing window (net of refunds), against the reseller service's thresholds (same settings);
// the tier itself is the one the reseller service announced.
import { AppError } from '@runfleet/service-kit';
import { totalsByCustomer, totalsByMonth, totalsOf, salesSince, type StatusTotals } from '../data/commission.repository';
import { sumOfType } from '../data/ledger.repository';
import { findTerms } from '../data/reseller-terms.repository';
import { findWalletOfOwner, type WalletRecord } from '../data/wallet.repository';
import { requireRole, type Actor } from './actor';
import { nextTierOf, type Tier } from './commission-rules';
import type { EarningsPolicy, UseCaseDeps } from './use-case-deps';

const DAY_MS = 86_400_000;

export interface EarningsSummary {
  resellerId: string;
  wallet: WalletRecord;
  totals: StatusTotals;
  /** Σ of clawbacks approved but not yet taken off the wallet (positive): the next approvals pay it first */
  owed: bigint;
  ledger: { commissions: bigint; payouts: bigint };
  byMonth: (StatusTotals & { month: string })[];
  /** the current calendar month (UTC): the sales commission was earned on since its first day (the gateway's reseller dashboard, issue 18 item 6) */
  thisMonth: { month: string; sales: bigint };
  byCustomer: (StatusTotals & { customerId: string })[];
  tier: {
    tier: Tier;
    rateBps: number;
    tierBonusBps: number;
    windowDays: number;
    trailingSales: bigint;
    next: { tier: Tier; threshold: bigint; remaining: bigint; tierBonusBps: number } | null;
  } | null;
}

export const resellerNotFound = () => AppError.notFound('RESELLER_NOT_FOUND', 'There is no reseller with this id.');

/** `resellerId` 'me': the calling reseller. An admin any reseller; a reseller only itself (another is 404). */
export async function readEarnings(deps: UseCaseDeps, policy: EarningsPolicy, actor: Actor, resellerId: string | 'me'): Promise<EarningsSummary> {
  requireRole(actor, 'admin', 'reseller');
  if (resellerId === 'me' && actor.type !== 'reseller') throw AppError.forbidden('AUTH_FORBIDDEN', 'Only a reseller has earnings of its own; use /v1/resellers/{resellerId}/earnings.');
  const id = resellerId === 'me' ? actor.id : resellerId;
  if (actor.type === 'reseller' && id !== actor.id) throw resellerNotFound();
  // one snapshot, so the totals and the ledger sums are read at the same moment and agree
  return deps.prisma.$transaction(
    async (tx) => {
      const wallet = await findWalletOfOwner(tx, 'reseller', id);
      if (!wallet) throw resellerNotFound();

      // one after another: a transaction is one connection
      const totals = await totalsOf(tx, id);
      const byMonth = await totalsByMonth(tx, id);
      const byCustomer = await totalsByCustomer(tx, id);
      const now = deps.now();
      const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const thisMonth = { month: monthStart.toISOString().slice(0, 7), sales: await salesSince(tx, id, wallet.currency, monthStart) };
      const commissions = await sumOfType(tx, wallet.id, 'commission');
      const payouts = await sumOfType(tx, wallet.id, 'payout');
      const terms = await findTerms(tx, id);
      let tier: EarningsSummary['tier'] = null;
      if (terms) {
        const current = terms.tier as Tier;
        const trailingSales = await salesSince(tx, id, wallet.currency, new Date(deps.now().getTime() - policy.tierWindowDays * DAY_MS));
        const next = nextTierOf(current, trailingSales, policy.tierThresholds);
        tier = {
          tier: current,
          rateBps: terms.commissionRateBps,
          tierBonusBps: terms.tierBonusBps,
          windowDays: policy.tierWindowDays,
          trailingSales,
          next: next && { ...next, tierBonusBps: policy.tierBonusBps[next.tier] },
        };
      }
      const owed = totals.booked - (totals.approved + totals.paid);
      return { resellerId: id, wallet, totals, owed, ledger: { commissions, payouts }, byMonth, thisMonth, byCustomer, tier };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}
