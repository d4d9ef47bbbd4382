// A payout provider for tests: answers what the test tells it to, and records what it was sent.
import type { PayoutOrder, PayoutOutcome, PayoutProvider } from '../../src/domain/payout-provider';

export class FakePayoutProvider implements PayoutProvider {
  readonly name = 'fake';
  readonly sent: PayoutOrder[] = [];
  /** the next answer; 'throw' for a provider that cannot be reached */
  next: PayoutOutcome | 'throw' = { status: 'completed', reference: 'FAKE-1' };

  send(order: PayoutOrder): Promise<PayoutOutcome> {
    this.sent.push(order);
    if (this.next === 'throw') return Promise.reject(new Error(`provider down (details: ${JSON.stringify(order.method.details)})`));
    return Promise.resolve(this.next);
  }
}
