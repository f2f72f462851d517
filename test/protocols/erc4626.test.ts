import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import {
  convertToAssets,
  convertToShares,
  previewDeposit,
  previewMint,
  previewRedeem,
  previewWithdraw,
  sharePrice,
  type VaultTotals,
} from '../../src/protocols/erc4626.ts';

const amount = fc.bigInt({ min: 0n, max: 10n ** 30n });
const positive = fc.bigInt({ min: 1n, max: 10n ** 30n });
const offset = fc.integer({ min: 0, max: 12 });

/** Any reachable-looking vault: supply and assets independent (donations, losses, interest). */
const totalsArb: fc.Arbitrary<VaultTotals> = fc.record({ totalAssets: amount, totalSupply: amount, decimalsOffset: offset });

/** (T' + 1)/(S' + V) ≥ (T + 1)/(S + V), by cross-multiplication (exact). */
function priceNotBelow(after: VaultTotals, before: VaultTotals): boolean {
  const v = 10n ** BigInt(before.decimalsOffset ?? 0);
  return (after.totalAssets + 1n) * (before.totalSupply + v) >= (before.totalAssets + 1n) * (after.totalSupply + v);
}

describe('conversions', () => {
  it('uses the virtual share and asset: shares = assets·(S + 10^δ)/(T + 1)', () => {
    const totals = { totalAssets: 2n, totalSupply: 1n };
    expect(previewDeposit(10n, totals)).toBe(6n); // ⌊10·2/3⌋
    expect(previewMint(6n, totals)).toBe(9n); // ⌈6·3/2⌉
    expect(previewWithdraw(10n, totals)).toBe(7n); // ⌈10·2/3⌉
    expect(previewRedeem(7n, totals)).toBe(10n); // ⌊7·3/2⌋
    expect(convertToShares(10n, totals, 'halfUp')).toBe(7n); // 6.67
    expect(convertToAssets(7n, totals, 'ceil')).toBe(11n); // 10.5
  });

  it('gives 10^δ shares per asset unit in an empty vault', () => {
    const empty = { totalAssets: 0n, totalSupply: 0n, decimalsOffset: 3 };
    expect(previewDeposit(100n, empty)).toBe(100_000n);
    expect(previewMint(100_000n, empty)).toBe(100n);
    expect(previewDeposit(0n, empty)).toBe(0n);
    expect(sharePrice(empty)).toBe(1);
  });

  it('reports the share price in asset units per share unit', () => {
    // 1,000 assets earned 10% on 1,000 share units (offset 0): (1100 + 1)/(1000 + 1).
    expect(sharePrice({ totalAssets: 1100n, totalSupply: 1000n })).toBeCloseTo(1101 / 1001, 15);
    // 6-decimal asset, offset 12 (18-decimal shares): 1,050,000 USDC backing 1,000,000 shares.
    const totals = { totalAssets: 1_050_000n * 10n ** 6n, totalSupply: 10n ** 24n, decimalsOffset: 12 };
    expect(sharePrice(totals)).toBeCloseTo(1.05, 10);
    // With one share outstanding the virtual share is visible: (1.05e6 + 1)·1e12 / (1e18 + 1e12).
    expect(sharePrice({ totalAssets: 1_050_000n, totalSupply: 10n ** 18n, decimalsOffset: 12 })).toBeCloseTo(1.050001e18 / 1.000001e18, 15);
  });

  it('refuses negative amounts, totals and bad offsets with a UserError naming the field', () => {
    const totals = { totalAssets: 10n, totalSupply: 10n };
    expect(() => previewDeposit(-1n, totals)).toThrow(UserError);
    expect(() => previewMint(-1n, totals)).toThrow(/shares: must be >= 0/);
    expect(() => previewWithdraw(-5n, totals)).toThrow(/assets: must be >= 0, got -5/);
    expect(() => previewRedeem(1n, { totalAssets: -1n, totalSupply: 0n })).toThrow(/totalAssets/);
    expect(() => previewRedeem(1n, { totalAssets: 0n, totalSupply: -1n })).toThrow(/totalSupply/);
    expect(() => sharePrice({ totalAssets: 0n, totalSupply: 0n, decimalsOffset: 1.5 })).toThrow(/decimalsOffset/);
    expect(() => sharePrice({ totalAssets: 0n, totalSupply: 0n, decimalsOffset: -1 })).toThrow(UserError);
    try {
      previewDeposit(-1n, totals);
    } catch (e) {
      expect((e as UserError).field).toBe('assets');
      expect((e as UserError).value).toBe(-1n);
    }
  });
});

describe('rounding against the user (properties)', () => {
  it('a deposit then redeem never returns more than was put in', () => {
    fc.assert(
      fc.property(totalsArb, amount, (totals, assets) => {
        const shares = previewDeposit(assets, totals);
        const after = { ...totals, totalAssets: totals.totalAssets + assets, totalSupply: totals.totalSupply + shares };
        return previewRedeem(shares, after) <= assets;
      }),
    );
  });

  it('a mint then withdraw of the paid assets never burns fewer shares than were minted', () => {
    fc.assert(
      fc.property(totalsArb, amount, (totals, shares) => {
        const assets = previewMint(shares, totals);
        const after = { ...totals, totalAssets: totals.totalAssets + assets, totalSupply: totals.totalSupply + shares };
        return previewWithdraw(assets, after) >= shares;
      }),
    );
  });

  it('minting shares costs at least what depositing for the same shares costs', () => {
    fc.assert(
      fc.property(totalsArb, amount, (totals, assets) => {
        const shares = previewDeposit(assets, totals);
        return previewMint(shares, totals) <= assets && previewMint(shares + 1n, totals) > assets;
      }),
    );
  });

  it('the assets a mint charges always buy at least those shares by deposit', () => {
    fc.assert(fc.property(totalsArb, amount, (totals, shares) => previewDeposit(previewMint(shares, totals), totals) >= shares));
  });

  it('withdrawing assets burns at least the shares that redeeming for them would', () => {
    fc.assert(
      fc.property(totalsArb, amount, (totals, shares) => {
        const assets = previewRedeem(shares, totals);
        return previewWithdraw(assets, totals) <= shares;
      }),
    );
  });

  it('never lowers the share price for the other holders after deposit, mint, withdraw or redeem', () => {
    const op = fc.constantFrom('deposit', 'mint', 'withdraw', 'redeem');
    fc.assert(
      fc.property(totalsArb, op, amount, (totals, kind, x) => {
        let after: VaultTotals;
        if (kind === 'deposit') {
          after = { ...totals, totalAssets: totals.totalAssets + x, totalSupply: totals.totalSupply + previewDeposit(x, totals) };
        } else if (kind === 'mint') {
          after = { ...totals, totalAssets: totals.totalAssets + previewMint(x, totals), totalSupply: totals.totalSupply + x };
        } else if (kind === 'withdraw') {
          const assets = x % (totals.totalAssets + 1n); // cannot take out more than the vault holds
          const shares = previewWithdraw(assets, totals);
          fc.pre(shares <= totals.totalSupply);
          after = { ...totals, totalAssets: totals.totalAssets - assets, totalSupply: totals.totalSupply - shares };
        } else {
          const shares = x % (totals.totalSupply + 1n);
          const assets = previewRedeem(shares, totals);
          fc.pre(assets <= totals.totalAssets);
          after = { ...totals, totalAssets: totals.totalAssets - assets, totalSupply: totals.totalSupply - shares };
        }
        return priceNotBelow(after, totals);
      }),
    );
  });
});

describe('inflation (donation) attack', () => {
  /** Victim's loss from depositing then redeeming at once: assets − redeemed. */
  function victimLoss(totals: VaultTotals, assets: bigint): bigint {
    const shares = previewDeposit(assets, totals);
    const after = { ...totals, totalAssets: totals.totalAssets + assets, totalSupply: totals.totalSupply + shares };
    return assets - previewRedeem(shares, after);
  }

  it('a depositor loses less than one share’s worth plus one unit: loss < (T + 1)/(S + 10^δ) + 1', () => {
    fc.assert(
      fc.property(totalsArb, amount, (totals, assets) => {
        const v = 10n ** BigInt(totals.decimalsOffset ?? 0);
        const loss = victimLoss(totals, assets);
        // loss < (T+1)/(S+V) + 1  ⇔  (loss − 1)·(S+V) < T + 1
        return loss >= 0n && (loss - 1n) * (totals.totalSupply + v) < totals.totalAssets + 1n;
      }),
    );
  });

  it('with an offset ≥ 1 the classic attack (1 unit + donation) does not pay the attacker', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), positive, positive, (decimalsOffset, donation, victimAssets) => {
        const empty = { totalAssets: 0n, totalSupply: 0n, decimalsOffset };
        const attackerShares = previewDeposit(1n, empty);
        const inflated = { totalAssets: 1n + donation, totalSupply: attackerShares, decimalsOffset };
        const victimShares = previewDeposit(victimAssets, inflated);
        const final = { totalAssets: inflated.totalAssets + victimAssets, totalSupply: attackerShares + victimShares, decimalsOffset };
        const attackerOut = previewRedeem(attackerShares, final);
        const attackerProfit = attackerOut - 1n - donation;
        // Documented bound on the victim, and the attacker ends no better off than it started
        // (up to one rounding unit).
        const v = 10n ** BigInt(decimalsOffset);
        const loss = victimLoss(inflated, victimAssets);
        return (loss - 1n) * 2n * v < donation + 2n && attackerProfit <= 1n;
      }),
    );
  });

  it('without the offset a 1-unit + donation attack can take a whole deposit (why the offset exists)', () => {
    const attackerShares = previewDeposit(1n, { totalAssets: 0n, totalSupply: 0n });
    const inflated = { totalAssets: 1n + 10_000n, totalSupply: attackerShares };
    expect(previewDeposit(5_000n, inflated)).toBe(0n); // victim gets no shares for 5,000 units
    const shielded = { totalAssets: 1n + 10_000n, totalSupply: previewDeposit(1n, { totalAssets: 0n, totalSupply: 0n, decimalsOffset: 6 }), decimalsOffset: 6 };
    expect(previewDeposit(5_000n, shielded)).toBeGreaterThan(0n);
  });
});
