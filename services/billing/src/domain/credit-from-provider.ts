// A payment provider's top-up (issue 15 item 7; DESIGN.md §2 "Top-ups"): a verified
// payment_intent.succeeded credits the wallet named in its metadata exactly once per provider
// event id, however often and however concurrently the provider delivers it — the event id is
// claimed with packages/idempotency's createOnce in the credit's transaction. Emits wallet.credited.
import { formatMoney } from '@runfleet/contracts';
import { createOnce, requestFingerprint } from '@runfleet/idempotency';
import { prismaExecutor } from '@runfleet/messaging';
import { findEntry } from '../data/ledger.repository';
import { emitEvents, event } from '../data/outbox.repository';
import { lockWallet } from '../data/wallet.repository';
import { MONEY_TRANSACTION } from '../db';
import { fieldError } from './billing-errors';
import { bookMovement } from './book-movement';
import type { UseCaseDeps } from './use-case-deps';

export interface ProviderPayment {
  provider: 'stripe';
  /** the provider's event id: one credit per id */
  eventId: string;
  walletId: string;
  amount: bigint;
  currency: string;
}

export type ProviderCreditOutcome = { kind: 'credited'; transactionId: string } | { kind: 'duplicate'; transactionId: string };

export async function creditFromProvider(deps: UseCaseDeps, payment: ProviderPayment): Promise<ProviderCreditOutcome> {
  const scope = `provider:${payment.provider}`;
  return deps.prisma.$transaction(async (tx) => {
    const credited = await createOnce(
      prismaExecutor(tx),
      // Same event id, whatever the body: the provider's id is what makes the payment unique.
      { scope, key: payment.eventId, fingerprint: requestFingerprint('provider event', { eventId: payment.eventId }) },
      {
        find: async (id) => (await findEntry(tx, id)) && { id },
        create: async () => {
          const wallet = await lockWallet(tx, payment.walletId);
          if (!wallet) throw fieldError('body.data.object.metadata.walletId', 'names no wallet');
          if (wallet.currency !== payment.currency) throw fieldError('body.data.object.currency', `must be ${wallet.currency.toLowerCase()}, the wallet's currency`);
          const booked = await bookMovement(tx, wallet, {
            type: 'credit',
            balanceDelta: payment.amount,
            reservedDelta: 0n,
            referenceKind: 'topup',
            referenceId: payment.eventId,
            idempotencyKey: `${scope}:${payment.eventId}`,
            actorType: 'provider',
            actorId: payment.provider,
            reason: `${payment.provider} payment ${payment.eventId}`,
          });
          await emitEvents(tx, [
            event('wallet.credited', {
              walletId: wallet.id,
              ownerType: wallet.ownerType,
              customerId: wallet.ownerType === 'customer' ? wallet.ownerId : null,
              resellerId: wallet.resellerId,
              transactionId: booked.entryId,
              amount: formatMoney(payment.amount),
              currency: wallet.currency,
              balanceAfter: formatMoney(booked.wallet.balance),
              source: 'payment_provider',
              reference: { kind: 'topup', id: payment.eventId },
            }),
          ]);
          return { id: booked.entryId };
        },
      },
    );
    return { kind: credited.replayed ? 'duplicate' : 'credited', transactionId: credited.value.id };
  }, MONEY_TRANSACTION);
}
