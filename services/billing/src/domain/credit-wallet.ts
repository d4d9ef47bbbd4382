// Top-ups and adjustments (issue 15 item 7; DESIGN.md §2 "Top-ups"): an admin credits or adjusts
// any wallet, a reseller credits its customers' wallets; who and why go on the ledger entry. The
// Idempotency-Key is claimed in the same transaction as the credit, so a retried POST credits once
// and answers the same (packages/idempotency's createOnce); another body under the same key is 422.
// Emits wallet.credited.
import { createOnce, idempotencyScope, type CreatedOnce } from '@runfleet/idempotency';
import { prismaExecutor } from '@runfleet/messaging';
import { AppError } from '@runfleet/service-kit';
import { findEntry, type EntryRecord } from '../data/ledger.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { lockWallet } from '../data/wallet.repository';
import { formatMoney } from '@runfleet/contracts';
import { MONEY_TRANSACTION } from '../db';
import { requireRole, type Actor } from './actor';
import { billingNotFound, fieldError } from './billing-errors';
import { bookMovement } from './book-movement';
import type { UseCaseDeps } from './use-case-deps';
import type { RequestIdempotency } from './request-idempotency';
import { mayCredit } from './wallet-scope';

export interface CreditInput {
  amount: bigint;
  currency: string;
  /** topup: money paid in; adjustment (admins only): a correction */
  kind: 'topup' | 'adjustment';
  reason: string;
}

export async function creditWallet(
  deps: UseCaseDeps,
  actor: Actor,
  walletId: string,
  input: CreditInput,
  idempotency: RequestIdempotency,
): Promise<CreatedOnce<EntryRecord>> {
  requireRole(actor, 'admin', 'reseller');
  if (input.kind === 'adjustment' && actor.type !== 'admin') {
    throw fieldError('body.kind', 'adjustment is for admins only');
  }
  const scope = idempotencyScope(actor);
  return deps.prisma.$transaction(
    (tx) =>
      createOnce(
        prismaExecutor(tx),
        { scope, key: idempotency.key, fingerprint: idempotency.fingerprint },
        {
          find: (id) => findEntry(tx, id),
          create: async () => {
            const wallet = await lockWallet(tx, walletId);
            if (!wallet || !mayCredit(actor, wallet)) throw billingNotFound.wallet();
            if (input.currency !== wallet.currency) throw fieldError('body.currency', `must be ${wallet.currency}, the wallet's currency`);
            if (wallet.creditStatus === 'closed') throw AppError.conflict('WALLET_CLOSED', 'The wallet is closed.');
            const booked = await bookMovement(tx, wallet, {
              type: input.kind === 'topup' ? 'credit' : 'adjustment',
              balanceDelta: input.amount,
              reservedDelta: 0n,
              referenceKind: input.kind,
              referenceId: idempotency.key,
              // the ledger's own unique key: a second line behind the claim
              idempotencyKey: `api:${scope}:${idempotency.key}`,
              actorType: actor.type,
              actorId: actor.id,
              reason: input.reason,
            });
            await emitEvents(tx, [
              event('wallet.credited', {
                walletId: wallet.id,
                ownerType: wallet.ownerType,
                customerId: wallet.ownerType === 'customer' ? wallet.ownerId : null,
                resellerId: wallet.resellerId,
                transactionId: booked.entryId,
                amount: formatMoney(input.amount),
                currency: wallet.currency,
                balanceAfter: formatMoney(booked.wallet.balance),
                source: input.kind === 'adjustment' ? 'adjustment' : actor.type === 'admin' ? 'admin_topup' : 'reseller_topup',
                reference: { kind: input.kind, id: booked.entryId },
              }),
            ]);
            return (await findEntry(tx, booked.entryId))!;
          },
        },
      ),
    MONEY_TRANSACTION,
  );
}
