// An admin's refund of a charge, in full or in part (issue 15 item 7): a new ledger entry that
// references the charge it gives back; the refunds of one charge never add up to more than it.
// Decided under the wallet's row lock, so two concurrent refunds cannot both take the last of it.
// Idempotency-Key claimed in the refund's transaction (createOnce), like credits. Emits wallet.refunded.
import { formatMoney } from '@runfleet/contracts';
import { createOnce, idempotencyScope, type CreatedOnce } from '@runfleet/idempotency';
import { prismaExecutor } from '@runfleet/messaging';
import { AppError } from '@runfleet/service-kit';
import { findEntry, refundedSoFar, type EntryRecord } from '../data/ledger.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { lockWallet } from '../data/wallet.repository';
import { MONEY_TRANSACTION } from '../db';
import { requireRole, type Actor } from './actor';
import { billingNotFound, fieldError } from './billing-errors';
import { bookMovement } from './book-movement';
import type { RequestIdempotency } from './request-idempotency';
import type { UseCaseDeps } from './use-case-deps';

export interface RefundInput {
  transactionId: string;
  /** default: what is left of the charge */
  amount?: bigint;
  reason: string;
}

export async function refundCharge(
  deps: UseCaseDeps,
  actor: Actor,
  walletId: string,
  input: RefundInput,
  idempotency: RequestIdempotency,
): Promise<CreatedOnce<EntryRecord>> {
  requireRole(actor, 'admin');
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
            if (!wallet) throw billingNotFound.wallet();
            const charge = await findEntry(tx, input.transactionId);
            if (!charge || charge.walletId !== walletId || charge.type !== 'charge') throw fieldError('body.transactionId', 'is not a charge of this wallet');
            const left = -charge.amount - (await refundedSoFar(tx, charge.id));
            const amount = input.amount ?? left;
            if (amount <= 0n || amount > left) {
              throw AppError.conflict('REFUND_EXCEEDS_CHARGE', `${formatMoney(left)} of this charge is left to refund.`);
            }
            const booked = await bookMovement(tx, wallet, {
              type: 'refund',
              balanceDelta: amount,
              reservedDelta: 0n,
              referenceKind: charge.referenceKind,
              referenceId: charge.referenceId,
              refundOf: charge.id,
              // the ledger's own unique key: a second line behind the claim
              idempotencyKey: `api:${scope}:${idempotency.key}`,
              actorType: actor.type,
              actorId: actor.id,
              reason: input.reason,
            });
            if (wallet.ownerType === 'customer') {
              await emitEvents(tx, [
                event('wallet.refunded', {
                  walletId: wallet.id,
                  customerId: wallet.ownerId,
                  resellerId: wallet.resellerId,
                  transactionId: booked.entryId,
                  amount: formatMoney(amount),
                  currency: wallet.currency,
                  balanceAfter: formatMoney(booked.wallet.balance),
                  reference: {
                    kind: charge.referenceKind === 'job' || charge.referenceKind === 'order' ? charge.referenceKind : 'adjustment',
                    id: charge.referenceId ?? charge.id,
                  },
                  reason: input.reason,
                }),
              ]);
            }
            return (await findEntry(tx, booked.entryId))!;
          },
        },
      ),
    MONEY_TRANSACTION,
  );
}
