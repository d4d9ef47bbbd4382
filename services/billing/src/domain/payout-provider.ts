// Who sends a payout's money (issue 16 item 3): an adapter behind this interface (a bank's or
// PayPal's API). `manualPayouts`, the default, sends nothing: an admin pays out by hand and records
// the outcome (POST /v1/payouts/{id}/complete or /fail). Tests use a fake (test/support).
import type { PayoutMethodKind } from '../data/payout.repository';

export interface PayoutOrder {
  payoutId: string;
  amount: bigint;
  currency: string;
  method: { kind: PayoutMethodKind; details: Record<string, string> };
}

export type PayoutOutcome =
  | { status: 'completed'; reference: string }
  | { status: 'failed'; reason: string }
  /** sent, the outcome comes later (the admin records it) */
  | { status: 'pending' };

export interface PayoutProvider {
  readonly name: string;
  /** Sends the payout; must be idempotent per payoutId (a retried process call sends it once). */
  send(order: PayoutOrder): Promise<PayoutOutcome>;
}

export const manualPayouts: PayoutProvider = {
  name: 'manual',
  send: () => Promise.resolve({ status: 'pending' }),
};
