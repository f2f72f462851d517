/**
 * The vaults' previews at a share price (`previewAtPrice`, no totals built) give what the
 * ERC-4626 previews give on the totals of `totalsAtPrice`, to the unit, and refuse what they refuse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { previewDeposit, previewRedeem, previewWithdraw } from '../../src/protocols/erc4626.ts';
import { previewAtPrice, totalsAtPrice } from '../../src/venues/vault.ts';

const PLAIN = { redeem: previewRedeem, deposit: previewDeposit, withdraw: previewWithdraw } as const;

/** The plain preview's answer, or the message it throws. */
function outcome(f: () => bigint): bigint | string {
  try {
    return f();
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

const kind = fc.constantFrom<'redeem' | 'deposit' | 'withdraw'>('redeem', 'deposit', 'withdraw');
const amount = fc.oneof(fc.bigInt({ min: -(10n ** 6n), max: 10n ** 30n }), fc.constantFrom(0n, 1n, -1n, 10n ** 18n));
const price = fc.oneof(
  fc.double({ min: 0.001, max: 10, noNaN: true }),
  fc.double({ min: -1, max: 1e-15, noNaN: true }),
  fc.constantFrom(0, 1, 1.0642, 1e-18, 4e-19, 6e-19),
);

describe('previewAtPrice', () => {
  it('equals the ERC-4626 previews on the totals at that price (or refuses as they do)', () => {
    fc.assert(
      fc.property(kind, amount, price, (k, a, p) => {
        expect(outcome(() => previewAtPrice(k, a, p))).toBe(outcome(() => PLAIN[k](a, totalsAtPrice(p))));
      }),
      { numRuns: 5000 },
    );
  });

  it('rounds a redemption down and a withdrawal up', () => {
    expect(previewAtPrice('redeem', 10n ** 18n, 1.05)).toBe(1_050_000_000_000_000_000n);
    expect(previewAtPrice('withdraw', 1n, 3)).toBe(1n); // ⌈1e18 / 3e18⌉
    expect(previewAtPrice('deposit', 1n, 3)).toBe(0n);
  });
});
