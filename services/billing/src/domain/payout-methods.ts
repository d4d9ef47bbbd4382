// A reseller's payout methods (issue 16 item 3): a bank account (IBAN) or a PayPal address. The
// details are stored sealed (payout-details-cipher.ts) for the payout provider and never answered:
// the API shows them masked (`DE89 •••• 3000`, `j•••@example.com`), and they are kept out of logs and events.
import { randomUUID } from 'node:crypto';
import type { Page } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';
import { findPayoutMethod, insertPayoutMethod, listPayoutMethods as listRows, type PayoutMethodRecord } from '../data/payout.repository';
import { requireRole, type Actor } from './actor';
import type { PayoutDetails, PayoutDetailsCipher } from './payout-details-cipher';
import type { UseCaseDeps } from './use-case-deps';

export type PayoutMethodInput =
  | { kind: 'bank_transfer'; label?: string | undefined; accountHolder: string; iban: string; bic?: string | undefined }
  | { kind: 'paypal'; label?: string | undefined; email: string };

export const payoutMethodNotFound = () => AppError.notFound('PAYOUT_METHOD_NOT_FOUND', 'There is no payout method with this id.');

/** What the API shows of a method's details. */
export function maskDetails(input: PayoutMethodInput): string {
  if (input.kind === 'bank_transfer') return `${input.iban.slice(0, 4)} •••• ${input.iban.slice(-4)}`;
  const [local = '', domain = ''] = input.email.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}

export async function addPayoutMethod(deps: UseCaseDeps & { cipher: PayoutDetailsCipher }, actor: Actor, input: PayoutMethodInput): Promise<PayoutMethodRecord> {
  requireRole(actor, 'reseller');
  const details: PayoutDetails =
    input.kind === 'bank_transfer'
      ? { accountHolder: input.accountHolder, iban: input.iban, ...(input.bic !== undefined ? { bic: input.bic } : {}) }
      : { email: input.email };
  // the id is chosen here: the details are sealed under it before the row exists
  const id = randomUUID();
  const sealedDetails = deps.cipher.seal(details, id);
  return insertPayoutMethod(deps.prisma, { id, resellerId: actor.id, kind: input.kind, label: input.label ?? null, masked: maskDetails(input), sealedDetails });
}

export async function listPayoutMethods(deps: UseCaseDeps, actor: Actor, query: { resellerId?: string; cursor?: string; limit: number }): Promise<Page<PayoutMethodRecord>> {
  requireRole(actor, 'admin', 'reseller');
  if (actor.type === 'reseller' && query.resellerId !== undefined && query.resellerId !== actor.id) return { items: [], nextCursor: null };
  return listRows(deps.prisma, { ...query, resellerId: actor.type === 'reseller' ? actor.id : (query.resellerId ?? null) });
}

export async function getPayoutMethod(deps: UseCaseDeps, actor: Actor, id: string): Promise<PayoutMethodRecord> {
  requireRole(actor, 'admin', 'reseller');
  const method = await findPayoutMethod(deps.prisma, id);
  if (!method || (actor.type === 'reseller' && method.resellerId !== actor.id)) throw payoutMethodNotFound();
  return method;
}
