// The money rules of a wallet (DESIGN.md §5): what fits above −credit limit, and when
// wallet.low_balance fires — once per crossing, only on a charge, re-armed at the threshold.
import { applyMovement, fits, type WalletMoney } from '../../src/domain/wallet-rules';

const wallet = (over: Partial<WalletMoney> = {}): WalletMoney => ({
  balance: 100n,
  reserved: 0n,
  creditLimit: 0n,
  lowBalanceThreshold: 50n,
  lowBalanceArmed: true,
  ...over,
});

describe('fits', () => {
  it('allows spending down to exactly −credit limit and not one micro-unit more', () => {
    expect(fits(wallet({ reserved: 40n }), 60n)).toBe(true);
    expect(fits(wallet({ reserved: 40n }), 61n)).toBe(false);
    expect(fits(wallet({ creditLimit: 10n }), 110n)).toBe(true);
    expect(fits(wallet({ creditLimit: 10n }), 111n)).toBe(false);
  });
});

describe('applyMovement', () => {
  it('a charge that takes available below the threshold crosses once and disarms', () => {
    const first = applyMovement(wallet(), { balanceDelta: -51n, reservedDelta: 0n });
    expect(first).toEqual({ balance: 49n, reserved: 0n, lowBalanceArmed: false, lowBalanceCrossed: true });
    const second = applyMovement(wallet({ balance: 49n, lowBalanceArmed: false }), { balanceDelta: -1n, reservedDelta: 0n });
    expect(second.lowBalanceCrossed).toBe(false);
  });

  it('a hold below the threshold does not alarm and keeps the arming; rising to the threshold re-arms', () => {
    expect(applyMovement(wallet(), { balanceDelta: 0n, reservedDelta: 60n })).toEqual({ balance: 100n, reserved: 60n, lowBalanceArmed: true, lowBalanceCrossed: false });
    expect(applyMovement(wallet({ balance: 10n, lowBalanceArmed: false }), { balanceDelta: 40n, reservedDelta: 0n }).lowBalanceArmed).toBe(true);
    expect(applyMovement(wallet({ balance: 10n, lowBalanceArmed: false }), { balanceDelta: 39n, reservedDelta: 0n }).lowBalanceArmed).toBe(false);
  });
});
