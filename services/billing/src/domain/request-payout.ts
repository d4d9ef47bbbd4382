// A reseller withdraws its available earnings (issue 16 item 3): at least the configured minimum
// (config PAYOUT_MINIMUM), at most the earnings wallet's available balance, to one of its payout
// methods. The money is held on the wallet at once (a hold, ledger type hold), so concurrent
// requests are decided one after another under the wallet's row lock and two that together exceed
// what is available cannot both pass: the second is 409. Idempotency-Key claimed in the same
// transaction (createOnce). Emits payout.requested.
import { randomUUID } from 'node:crypto';
import { formatMoney } from '@runfleet/contracts';
import { createOnce, idempotencyScope, type CreatedOnce } from '@runfleet/idempotency';
import { prismaExecutor } from '@runfleet/messaging';
import { AppError } from '@runfleet/service-kit';
import { insertHold } from '../data/hold.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { findPayout, findPayoutMethod, insertPayout, type PayoutRecord } from '../data/payout.repository';
import { lockWalletOfOwner } from '../data/wallet.repository';
import { MONEY_TRANSACTION } from '../db';
import { requireRole, type Actor } from './actor';
import { billingNotFound, fieldError } from './billing-errors';
import { bookMovement } from './book-movement';
import type { RequestIdempotency } from './request-idempotency';
import type { UseCaseDeps } from './use-case-deps';
import { availableOf } from './wallet-rules';

export interface PayoutRequest {
  amount: bigint;
  methodId: string;
}

export async function requestPayout(
  deps: UseCaseDeps,
  policy: { payoutMinimum: bigint },
  actor: Actor,
  input: PayoutRequest,
  idempotency: RequestIdempotency,
): Promise<CreatedOnce<PayoutRecord>> {
  requireRole(actor, 'reseller');
  if (input.amount < policy.payoutMinimum) throw fieldError('body.amount', `must be at least ${formatMoney(policy.payoutMinimum)}, the smallest payout`);
  const scope = idempotencyScope(actor);
  return deps.prisma.$transaction(
    (tx) =>
      createOnce(
        prismaExecutor(tx),
        { scope, key: idempotency.key, fingerprint: idempotency.fingerprint },
        {
          find: (id) => findPayout(tx, id),
          create: async () => {
            const method = await findPayoutMethod(tx, input.methodId);
            if (!method || method.resellerId !== actor.id) throw fieldError('body.methodId', 'is not one of your payout methods');
            const wallet = await lockWalletOfOwner(tx, 'reseller', actor.id);
            if (!wallet) throw billingNotFound.wallet();
            if (wallet.creditStatus !== 'active') throw AppError.conflict('WALLET_SUSPENDED', `The earnings wallet is ${wallet.creditStatus}.`);
            const available = availableOf(wallet);
            if (input.amount > available) {
              throw AppError.conflict('PAYOUT_EXCEEDS_AVAILABLE', `${formatMoney(available > 0n ? available : 0n)} ${wallet.currency} is available to pay out.`);
            }
            const payoutId = randomUUID();
            const hold = await insertHold(tx, {
              walletId: wallet.id,
              amount: input.amount,
              referenceKind: 'payout',
              referenceId: payoutId,
              jobType: null,
              priceListId: null,
              expiresAt: null,
            });
            await bookMovement(tx, wallet, {
              type: 'hold',
              balanceDelta: 0n,
              reservedDelta: input.amount,
              referenceKind: 'payout',
              referenceId: payoutId,
              holdId: hold.id,
              idempotencyKey: `payout:${payoutId}:hold`,
              actorType: actor.type,
              actorId: actor.id,
            });
            await insertPayout(tx, { id: payoutId, resellerId: actor.id, walletId: wallet.id, methodId: method.id, amount: input.amount, currency: wallet.currency, holdId: hold.id });
            await emitEvents(tx, [
              event('payout.requested', {
                payoutId,
                resellerId: actor.id,
                walletId: wallet.id,
                amount: formatMoney(input.amount),
                currency: wallet.currency,
                method: method.kind,
              }),
            ]);
            return (await findPayout(tx, payoutId))!;
          },
        },
      ),
    MONEY_TRANSACTION,
  );
}
