// A payout's way to its end (issue 16 item 3): requested → processing → completed | failed. An
// admin records the outcome, or asks the payout provider (payout-provider.ts) to send it and
// records what it answers. Completion posts the payout's hold (ledger type payout: the balance and
// reserved go down) and marks the commissions it pays (oldest first); failure voids the hold (the
// money is available again). Each under the payout's row lock, then the wallet's, so a payout ends
// once. Emits payout.completed / payout.failed.
import { formatMoney } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { markPaidUpTo } from '../data/commission.repository';
import { lockHoldByReference, settleHold, type HoldRecord } from '../data/hold.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { findPayout, findPayoutMethod, lockPayout, sealedPayoutMethodDetails, updatePayout, type PayoutRecord } from '../data/payout.repository';
import { lockWallet, type WalletRecord } from '../data/wallet.repository';
import { MONEY_TRANSACTION, type Db } from '../db';
import { requireRole, type Actor } from './actor';
import { bookMovement } from './book-movement';
import type { PayoutDetailsCipher } from './payout-details-cipher';
import type { PayoutProvider } from './payout-provider';
import type { UseCaseDeps } from './use-case-deps';

export const payoutNotFound = () => AppError.notFound('PAYOUT_NOT_FOUND', 'There is no payout with this id.');
const notOpen = (status: string) => AppError.conflict('PAYOUT_NOT_OPEN', `The payout is already ${status}.`);

async function lockOpen(tx: Db, payoutId: string): Promise<PayoutRecord> {
  const payout = await lockPayout(tx, payoutId);
  if (!payout) throw payoutNotFound();
  if (payout.status !== 'requested' && payout.status !== 'processing') throw notOpen(payout.status);
  return payout;
}

/** An open payout, then its wallet and its pending hold, locked in that order. */
async function lockOpenWithHold(tx: Db, payoutId: string): Promise<{ payout: PayoutRecord; wallet: WalletRecord; hold: HoldRecord }> {
  const payout = await lockOpen(tx, payoutId);
  const wallet = await lockWallet(tx, payout.walletId);
  const hold = await lockHoldByReference(tx, 'payout', payoutId);
  if (!wallet || !hold || hold.status !== 'pending') throw new Error(`payout ${payoutId} has no pending hold on its wallet`);
  return { payout, wallet, hold };
}

async function methodKind(tx: Db, payout: PayoutRecord): Promise<string> {
  return (await findPayoutMethod(tx, payout.methodId))?.kind ?? 'unknown';
}

/** The payout is being sent (an admin's note, or before the provider is asked). */
export async function markProcessing(deps: UseCaseDeps, actor: Actor, payoutId: string): Promise<PayoutRecord> {
  requireRole(actor, 'admin');
  return deps.prisma.$transaction(async (tx) => {
    const payout = await lockOpen(tx, payoutId);
    if (payout.status === 'requested') await updatePayout(tx, payoutId, { status: 'processing', processingAt: deps.now() });
    return (await findPayout(tx, payoutId))!;
  });
}

export async function completePayout(deps: UseCaseDeps, actor: Actor, payoutId: string, reference: string): Promise<PayoutRecord> {
  requireRole(actor, 'admin');
  return deps.prisma.$transaction(async (tx) => {
    const { payout, wallet, hold } = await lockOpenWithHold(tx, payoutId);
    const now = deps.now();
    await bookMovement(tx, wallet, {
      type: 'payout',
      balanceDelta: -payout.amount,
      reservedDelta: -payout.amount,
      referenceKind: 'payout',
      referenceId: payoutId,
      holdId: hold.id,
      idempotencyKey: `payout:${payoutId}:post`,
      actorType: actor.type,
      actorId: actor.id,
      details: { reference },
    });
    await settleHold(tx, hold.id, 'posted', payout.amount, now);
    await updatePayout(tx, payoutId, { status: 'completed', reference, completedAt: now, ...(payout.processingAt ? {} : { processingAt: now }) });
    await markPaidUpTo(tx, payout.resellerId, payoutId, now);
    await emitEvents(tx, [
      event('payout.completed', { ...payoutFields(payout), method: await methodKind(tx, payout), reference }),
    ]);
    return (await findPayout(tx, payoutId))!;
  }, MONEY_TRANSACTION);
}

export async function failPayout(deps: UseCaseDeps, actor: Actor, payoutId: string, reason: string): Promise<PayoutRecord> {
  requireRole(actor, 'admin');
  return deps.prisma.$transaction(async (tx) => {
    const { payout, wallet, hold } = await lockOpenWithHold(tx, payoutId);
    const now = deps.now();
    await bookMovement(tx, wallet, {
      type: 'hold_release',
      balanceDelta: 0n,
      reservedDelta: -payout.amount,
      referenceKind: 'payout',
      referenceId: payoutId,
      holdId: hold.id,
      idempotencyKey: `payout:${payoutId}:release`,
      actorType: actor.type,
      actorId: actor.id,
      reason: 'voided',
    });
    await settleHold(tx, hold.id, 'voided', null, now);
    await updatePayout(tx, payoutId, { status: 'failed', failureReason: reason, failedAt: now });
    await emitEvents(tx, [event('payout.failed', { ...payoutFields(payout), method: await methodKind(tx, payout), reason })]);
    return (await findPayout(tx, payoutId))!;
  }, MONEY_TRANSACTION);
}

/**
 * An admin has the provider send the payout: processing, then the provider's answer recorded
 * (completed or failed), or left processing when the answer comes later or the provider cannot be
 * reached (the admin retries, or records the outcome by hand). The method's details are unsealed
 * here, for the provider only.
 */
export async function processPayout(deps: UseCaseDeps & { cipher: PayoutDetailsCipher }, provider: PayoutProvider, actor: Actor, payoutId: string): Promise<PayoutRecord> {
  const processing = await markProcessing(deps, actor, payoutId);
  const method = await findPayoutMethod(deps.prisma, processing.methodId);
  const sealed = await sealedPayoutMethodDetails(deps.prisma, processing.methodId);
  if (!method || sealed === null) throw new Error(`payout ${payoutId} names a payout method that does not exist`);
  const details = deps.cipher.open(sealed, method.id);
  let outcome;
  try {
    outcome = await provider.send({ payoutId, amount: processing.amount, currency: processing.currency, method: { kind: method.kind, details } });
  } catch {
    // the provider's error may carry the method's details: it is not passed on
    throw AppError.badGateway('PAYOUT_PROVIDER_FAILED', `The payout provider ${provider.name} did not answer; the payout stays processing.`);
  }
  if (outcome.status === 'completed') return completePayout(deps, actor, payoutId, outcome.reference);
  if (outcome.status === 'failed') return failPayout(deps, actor, payoutId, outcome.reason);
  return processing;
}

function payoutFields(p: PayoutRecord) {
  return { payoutId: p.id, resellerId: p.resellerId, walletId: p.walletId, amount: formatMoney(p.amount), currency: p.currency };
}
