import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { toBaseUnits } from '../../src/core/fixedPoint.ts';
import {
  MINIMUM_LIQUIDITY,
  burnLiquidity,
  feeFractionToBps,
  getAmountIn,
  getAmountInFloat,
  getAmountOut,
  getAmountOutFloat,
  impermanentLoss,
  lpPositionValue,
  lpQuantity0AtPrice,
  lpQuantity1AtPrice,
  lpValueAtPrice,
  mintLiquidity,
  priceImpactFloat,
  quoteSwap,
  spotPrice,
  type PairState,
} from '../../src/protocols/uniswapV2.ts';
import { ROOT } from '../helpers/cli.ts';

const reserve = fc.bigInt({ min: 1000n, max: 10n ** 30n });
const amount = fc.bigInt({ min: 0n, max: 10n ** 30n });
const feeBps = fc.integer({ min: 0, max: 9999 });

describe('getAmountOut / getAmountIn (exact)', () => {
  it('equals the pair’s 997/1000 formula at the default 30 bps', () => {
    fc.assert(
      fc.property(amount, reserve, reserve, (a, rIn, rOut) => {
        const reference = (a * 997n * rOut) / (rIn * 1000n + a * 997n);
        return getAmountOut(a, rIn, rOut) === reference;
      }),
    );
  });

  it('takes the fee in basis points, to 0.01 bp', () => {
    expect(getAmountOut(100n, 1000n, 1000n, 0)).toBe(90n); // 100·1000/1100 = 90.9
    expect(getAmountOut(10n ** 18n, 10n ** 21n, 10n ** 21n, 25)).toBe(996505985279683515n); // ⌊1e18·9975·1e21 / (1e21·10000 + 1e18·9975)⌋
    expect(getAmountOut(10n ** 18n, 10n ** 21n, 10n ** 21n, 0.05)).toBeGreaterThan(getAmountOut(10n ** 18n, 10n ** 21n, 10n ** 21n, 0.06));
    expect(() => getAmountOut(1n, 10n, 10n, 0.001)).toThrow(/feeBps.*steps of 0.01/);
    expect(() => getAmountOut(1n, 10n, 10n, 10_000)).toThrow(UserError);
    expect(() => getAmountOut(1n, 10n, 10n, -1)).toThrow(UserError);
  });

  it('never lets k fall, and a higher fee never pays more', () => {
    fc.assert(
      fc.property(amount, reserve, reserve, feeBps, feeBps, (a, rIn, rOut, f1, f2) => {
        const out = getAmountOut(a, rIn, rOut, f1);
        const lo = Math.min(f1, f2);
        const hi = Math.max(f1, f2);
        return (rIn + a) * (rOut - out) >= rIn * rOut && getAmountOut(a, rIn, rOut, hi) <= getAmountOut(a, rIn, rOut, lo);
      }),
    );
  });

  it('getAmountIn pays for the output, and at most 1 unit more than needed', () => {
    fc.assert(
      fc.property(reserve, reserve, feeBps, fc.double({ min: 0, max: 0.999, noNaN: true }), (rIn, rOut, f, frac) => {
        const out = (rOut * BigInt(Math.floor(frac * 1e6))) / 1_000_000n;
        const needed = getAmountIn(out, rIn, rOut, f);
        return getAmountOut(needed, rIn, rOut, f) >= out && (needed < 2n || getAmountOut(needed - 2n, rIn, rOut, f) < out);
      }),
    );
  });

  it('quotes a swap: output, new reserves and the price impact (fee excluded)', () => {
    const q = quoteSwap(10n ** 18n, 10n ** 21n, 10n ** 21n);
    expect(q.amountOut).toBe(996006981039903216n);
    expect(q.newReserveIn).toBe(1001n * 10n ** 18n);
    expect(q.newReserveOut).toBe(10n ** 21n - 996006981039903216n);
    expect(q.priceImpact).toBeCloseTo(priceImpactFloat(1, 1000, 1000), 15);
    expect(quoteSwap(0n, 5n, 5n)).toEqual({ amountOut: 0n, priceImpact: 0, newReserveIn: 5n, newReserveOut: 5n });
  });

  it('refuses negative amounts, empty reserves and impossible outputs', () => {
    expect(() => getAmountOut(-1n, 10n, 10n)).toThrow(/amountIn: must be >= 0/);
    expect(() => getAmountOut(1n, 0n, 10n)).toThrow(/reserveIn: must be > 0/);
    expect(() => getAmountOut(1n, 10n, -5n)).toThrow(/reserveOut/);
    expect(() => getAmountIn(10n, 10n, 10n)).toThrow(/amountOut: must be < reserveOut/);
    expect(() => getAmountIn(-1n, 10n, 10n)).toThrow(UserError);
  });
});

describe('fees as fractions', () => {
  it('converts fractions to basis points and checks the range and resolution', () => {
    expect(feeFractionToBps(0.003)).toBe(30);
    expect(feeFractionToBps(0.0025)).toBe(25);
    expect(feeFractionToBps(0)).toBe(0);
    expect(() => feeFractionToBps(1, '--fee')).toThrow(/--fee: must be a fraction in \[0, 1\)/);
    expect(() => feeFractionToBps(-0.01, '--fee')).toThrow(UserError);
    expect(() => feeFractionToBps(Number.NaN)).toThrow(UserError);
    expect(() => feeFractionToBps(0.0000001, '--fee')).toThrow(/--fee: must be a multiple of 0.000001, got 1e-7/);
    expect(feeFractionToBps(0.000001)).toBeCloseTo(0.01, 15);
  });
});

describe('float variants', () => {
  it('agree with the exact math on large reserves', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e3, max: 1e9, noNaN: true }),
        fc.double({ min: 1e3, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.integer({ min: 0, max: 100 }),
        (rIn, rOut, a, f) => {
          const scale = 1e9; // work in 1e-9 units so floor rounding is negligible
          const exact = Number(getAmountOut(BigInt(Math.round(a * scale)), BigInt(Math.round(rIn * scale)), BigInt(Math.round(rOut * scale)), f)) / scale;
          const float = getAmountOutFloat(Math.round(a * scale) / scale, Math.round(rIn * scale) / scale, Math.round(rOut * scale) / scale, f / 10_000);
          return Math.abs(exact - float) <= 1e-9 * Math.max(1, float);
        },
      ),
    );
  });

  it('getAmountInFloat inverts getAmountOutFloat', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e9, noNaN: true }), fc.double({ min: 1, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), (rIn, rOut, a) => {
        const out = getAmountOutFloat(a, rIn, rOut);
        return Math.abs(getAmountInFloat(out, rIn, rOut) - a) <= 1e-9 * Math.max(1, a);
      }),
    );
  });

  it('computes spot price and price impact', () => {
    expect(spotPrice(2000, 1)).toBe(0.0005);
    expect(priceImpactFloat(10, 1000, 1000, 0)).toBeCloseTo(10 / 1010, 15);
    expect(priceImpactFloat(0, 1000, 1000)).toBe(0);
    // impact = 1 − execution price / (spot·(1 − f))
    const out = getAmountOutFloat(50, 1000, 3000);
    expect(priceImpactFloat(50, 1000, 3000)).toBeCloseTo(1 - out / 50 / (spotPrice(1000, 3000) * 0.997), 14);
    expect(() => spotPrice(0, 1)).toThrow(/reserveBase/);
    expect(() => getAmountOutFloat(Number.NaN, 1, 1)).toThrow(UserError);
    expect(() => getAmountOutFloat(1, 1, 1, 1)).toThrow(/feePct/);
    expect(() => getAmountInFloat(2, 1, 2)).toThrow(/amountOut/);
  });
});

describe('liquidity: mint and burn', () => {
  const empty: PairState = { reserve0: 0n, reserve1: 0n, totalSupply: 0n };

  it('first mint gives √(x·y) − 1000 and locks 1000 in the supply', () => {
    const { liquidity, pair } = mintLiquidity(empty, 4_000_000n, 1_000_000n);
    expect(liquidity).toBe(2_000_000n - MINIMUM_LIQUIDITY);
    expect(pair).toEqual({ reserve0: 4_000_000n, reserve1: 1_000_000n, totalSupply: 2_000_000n });
    expect(mintLiquidity(empty, 10n, 10n ** 18n).liquidity).toBe(3_162_277_660n - 1000n); // ⌊√1e19⌋ = 3,162,277,660
    expect(() => mintLiquidity(empty, 1000n, 1000n)).toThrow(/insufficient liquidity minted/);
  });

  it('later mints give the proportional minimum of the two sides, rounded down', () => {
    const pair = { reserve0: 4_000_000n, reserve1: 1_000_000n, totalSupply: 2_000_000n };
    expect(mintLiquidity(pair, 400_000n, 100_000n).liquidity).toBe(200_000n);
    expect(mintLiquidity(pair, 400_000n, 500_000n).liquidity).toBe(200_000n); // token1 excess is donated
    expect(mintLiquidity(pair, 3n, 1_000_000n).liquidity).toBe(1n); // ⌊3·2/4⌋
    expect(() => mintLiquidity(pair, 1n, 1_000_000n)).toThrow(/insufficient/);
    expect(() => mintLiquidity(pair, -1n, 1n)).toThrow(/amount0: must be >= 0/);
  });

  it('burns pro rata, rounded down, and keeps the locked minimum', () => {
    const pair = { reserve0: 4_000_003n, reserve1: 1_000_001n, totalSupply: 2_000_000n };
    const r = burnLiquidity(pair, 500_000n);
    expect([r.amount0, r.amount1]).toEqual([1_000_000n, 250_000n]); // 1,000,000.75 and 250,000.25 floored
    expect(r.pair).toEqual({ reserve0: 3_000_003n, reserve1: 750_001n, totalSupply: 1_500_000n });
    expect(() => burnLiquidity(pair, 2_000_000n)).toThrow(/liquidity: must be <= totalSupply/);
    expect(() => burnLiquidity(pair, -1n)).toThrow(UserError);
  });

  it('a mint then burn never returns more than was put in, nor lowers the value per LP unit', () => {
    fc.assert(
      fc.property(reserve, reserve, fc.bigInt({ min: 10n ** 6n, max: 10n ** 30n }), amount, amount, (r0, r1, supply, a0, a1) => {
        const pair = { reserve0: r0, reserve1: r1, totalSupply: supply };
        const by0 = (a0 * supply) / r0;
        const by1 = (a1 * supply) / r1;
        fc.pre((by0 < by1 ? by0 : by1) > 0n);
        const minted = mintLiquidity(pair, a0, a1);
        const burned = burnLiquidity(minted.pair, minted.liquidity);
        // value per LP unit, in each token, never falls: r_after·S ≥ r·S_after
        const after = burned.pair;
        return burned.amount0 <= a0 && burned.amount1 <= a1 && after.reserve0 * supply >= r0 * after.totalSupply && after.reserve1 * supply >= r1 * after.totalSupply;
      }),
    );
  });
});

describe('LP value and impermanent loss', () => {
  it('is 2√x/(1 + x) − 1', () => {
    expect(impermanentLoss(1)).toBe(0);
    expect(impermanentLoss(4)).toBeCloseTo(-0.2, 15);
    expect(impermanentLoss(2)).toBeCloseTo((2 * Math.SQRT2) / 3 - 1, 15);
    expect(() => impermanentLoss(0)).toThrow(/priceRatio/);
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (x) => {
      const il = impermanentLoss(x);
      return il <= 1e-15 && Math.abs(il - impermanentLoss(1 / x)) < 1e-12;
    }));
  });

  it('values a re-arbitraged position at 1 + IL times holding the entry amounts', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 0.01, max: 1e4, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }), (reserve0, price0, ratio) => {
        const k = reserve0 * reserve0 * price0; // reserve1 = reserve0·price0
        const newPrice = price0 * ratio;
        const hold = reserve0 * newPrice + reserve0 * price0;
        const lp = lpValueAtPrice(1, k, newPrice);
        const q0 = lpQuantity0AtPrice(1, k, newPrice);
        const q1 = lpQuantity1AtPrice(1, k, newPrice);
        return Math.abs(lp / hold - (1 + impermanentLoss(ratio))) < 1e-9 && Math.abs(q1 / q0 - newPrice) < 1e-9 * newPrice && Math.abs(q0 * q1 - k) < 1e-9 * k;
      }),
    );
  });

  it('marks a position at a reference price', () => {
    expect(lpPositionValue(0.1, 1000, 2_000_000, 2100)).toBeCloseTo(410_000, 9);
    expect(lpPositionValue(0, 1000, 2_000_000, 2100)).toBe(0);
    expect(() => lpPositionValue(1.5, 1, 1, 1)).toThrow(/share/);
    expect(() => lpPositionValue(0.5, 1, 1, -1)).toThrow(/price0In1/);
  });
});

/**
 * Replay of the Uniswap V2 RAI/WETH pair 0x8ae720a7…, 2021-07-04 .. 2021-08-02 (1,677 swaps,
 * 89 mints, 90 burns) from ../shared/data/uniswap_v2_rai_eth_events (see its PROVENANCE.md).
 * Values are float64 token quantities (18 decimals both tokens); they are read as exact
 * decimals and rounded half-up to base units. The file is read in `beforeAll`, so a missing
 * file fails the suite once with the path.
 */
describe('replay: Uniswap V2 RAI/WETH events', () => {
  const FILE = `${ROOT}../shared/data/uniswap_v2_rai_eth_events/rai_eth_v2_pool_events_2021-07-04_2021-08-02.csv`;
  /** Relative error allowed for the file's float64 numbers (observed ≤ 3.2e-15). */
  const FLOAT_REL = 1e-13;
  /**
   * Largest input surplus over getAmountIn(amountOut) accepted as an exact-output swap routed
   * with a margin: observed 122 swaps at 4 ppm and two at 0.012% (rows 839, 1078).
   */
  const MAX_ROUTED_SURPLUS = 2e-4;

  interface Row {
    id: string;
    event: string;
    rai: bigint;
    eth: bigint;
    lp: bigint;
    raiBalance: bigint;
    ethBalance: bigint;
    lpSupply: bigint;
  }
  const units = (text: string): bigint => toBaseUnits(text, 18, 'halfUp');
  let rows: Row[] = [];
  beforeAll(() => {
    rows = readFileSync(FILE, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const c = line.split(',');
        return { id: c[0], event: c[6], rai: units(c[1]), eth: units(c[2]), lp: units(c[3]), raiBalance: units(c[7]), ethBalance: units(c[8]), lpSupply: units(c[9]) };
      });
  });
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  /** |a − b| ≤ rel·|b|. */
  const near = (a: bigint, b: bigint, rel = FLOAT_REL): boolean => Number(abs(a - b)) <= rel * Number(abs(b));
  const isSwap = (r: Row): boolean => r.event === 'tokenPurchase' || r.event === 'ethPurchase';

  /**
   * How a swap fits the pair's curve at reserves (RAI, ETH) before it:
   * - `exact`: amountOut = getAmountOut(amountIn) within the file's float precision;
   * - `surplus`: the pair's K check holds (amountOut below the quote) and amountIn exceeds
   *   getAmountIn(amountOut) by at most MAX_ROUTED_SURPLUS: an exact-output swap routed with
   *   surplus input, which the pair keeps;
   * - `overpaid`: the trader got more than the curve allows (the pair would have reverted);
   * - `unexplained`: K holds, but by more surplus than a router's margin.
   */
  function fitSwap(r: Row, raiReserve: bigint, ethReserve: bigint): { kind: 'exact' | 'surplus' | 'overpaid' | 'unexplained'; surplus: number } {
    const raiIn = r.rai > 0n;
    const amountIn = raiIn ? r.rai : r.eth;
    const amountOut = raiIn ? -r.eth : -r.rai;
    const [reserveIn, reserveOut] = raiIn ? [raiReserve, ethReserve] : [ethReserve, raiReserve];
    const quoted = getAmountOut(amountIn, reserveIn, reserveOut);
    if (near(amountOut, quoted)) return { kind: 'exact', surplus: 0 };
    if (amountOut > quoted) return { kind: 'overpaid', surplus: NaN };
    const needed = getAmountIn(amountOut, reserveIn, reserveOut);
    const surplus = Number(amountIn - needed) / Number(needed);
    return { kind: surplus >= 0 && surplus <= MAX_ROUTED_SURPLUS ? 'surplus' : 'unexplained', surplus };
  }

  /**
   * Swaps quoted on an earlier state of the pair than the one they executed on: their amounts
   * fit the curve (exactly, or as a 4 ppm routed swap for 988) at the reserves after row
   * `quotedAfter` — the previous block's close, or (967) the block's first swap — not at the
   * reserves before them. Swaps earlier in the same block had moved the price their way, so the
   * pair's K check passed and it kept the surplus (1.2%, 0.06%, 3.9%, 1.9% of the input). They sit
   * in the two busy blocks of 2021-07-20 05:01:32 and 05:02:49 (sandwiches and repeated
   * 90,000 RAI buys). Reordering within the block does not explain them: the rows around them fit
   * only in file order (checked below), so the file's log order is right.
   */
  const STALE_QUOTES: ReadonlyMap<string, number> = new Map([
    ['967', 964],
    ['968', 963],
    ['988', 984],
    ['994', 984],
  ]);

  it('has the rows its provenance lists', () => {
    expect(rows).toHaveLength(1857);
    expect(rows.filter(isSwap)).toHaveLength(1677);
    expect(rows.filter((r) => r.event === 'mint')).toHaveLength(89);
    expect(rows.filter((r) => r.event === 'burn')).toHaveLength(90);
  });

  it('tracks the reserves through every swap, mint and burn', () => {
    let rai = rows[0].raiBalance;
    let eth = rows[0].ethBalance;
    for (let i = 1; i < rows.length; i++) {
      const r = rows[i];
      expect(near(rows[i - 1].raiBalance + r.rai, r.raiBalance, 1e-12), `RAI reserve row ${r.id}`).toBe(true);
      expect(near(rows[i - 1].ethBalance + r.eth, r.ethBalance, 1e-12), `ETH reserve row ${r.id}`).toBe(true);
      rai += r.rai;
      eth += r.eth;
    }
    const last = rows[rows.length - 1];
    expect(near(rai, last.raiBalance, 1e-10)).toBe(true);
    expect(near(eth, last.ethBalance, 1e-10)).toBe(true);
  });

  it('explains every swap: exact getAmountOut, an exact-output swap with surplus input, or a pinned stale quote', () => {
    const counts = { exact: 0, surplus: 0, surplusAt4ppm: 0, stale: 0 };
    for (let i = 1; i < rows.length; i++) {
      const r = rows[i];
      if (!isSwap(r)) continue;
      const prev = rows[i - 1];
      expect(r.event, `row ${r.id} direction`).toBe(r.rai > 0n ? 'ethPurchase' : 'tokenPurchase');
      const fit = fitSwap(r, prev.raiBalance, prev.ethBalance);
      const quotedAfter = STALE_QUOTES.get(r.id);
      if (quotedAfter === undefined) {
        expect(['exact', 'surplus'], `row ${r.id}: ${fit.kind} (surplus ${fit.surplus})`).toContain(fit.kind);
        if (fit.kind === 'exact') counts.exact++;
        else counts.surplus++;
        if (Math.abs(fit.surplus - 4e-6) <= 1e-10) counts.surplusAt4ppm++;
        continue;
      }
      // a stale quote: K held where it executed, by more than a router's margin …
      expect(fit.kind, `row ${r.id}`).toBe('unexplained');
      // … and it fits the curve at the state it was quoted on
      const quoted = rows[quotedAfter];
      expect(['exact', 'surplus'], `row ${r.id} at the reserves after row ${quotedAfter}`).toContain(fitSwap(r, quoted.raiBalance, quoted.ethBalance).kind);
      counts.stale++;
    }
    expect(counts).toEqual({ exact: 1549, surplus: 124, surplusAt4ppm: 122, stale: 4 });
  });

  it('rules out reordering: moving a stale-quoted swap to the state it was quoted on overpays a swap in between', () => {
    for (const [id, quotedAfter] of STALE_QUOTES) {
      const index = rows.findIndex((r) => r.id === id);
      expect(rows[quotedAfter].id).toBe(String(quotedAfter)); // row ids are row indexes
      const moved = rows[index];
      let rai = rows[quotedAfter].raiBalance + moved.rai;
      let eth = rows[quotedAfter].ethBalance + moved.eth;
      const overpaid: string[] = [];
      for (let j = quotedAfter + 1; j < index; j++) {
        if (fitSwap(rows[j], rai, eth).kind === 'overpaid') overpaid.push(rows[j].id);
        rai += rows[j].rai;
        eth += rows[j].eth;
      }
      expect(overpaid.length, `row ${id} moved after row ${quotedAfter}`).toBeGreaterThan(0);
    }
  });

  it('accounts LP shares: every mint is the proportional minimum, every burn pro rata', () => {
    // The file's UNI_supply carries a constant offset from the supply the pair's math implies
    // (≈ 7,051.34 LP tokens): take the true supply from the first LP event, then check the
    // other 178 mint/burn events and that the offset stays constant.
    const lpRows = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.event === 'mint' || r.event === 'burn');
    const first = lpRows[0];
    expect(first.r.event).toBe('burn');
    const before = rows[first.i - 1];
    const supplyBefore = (-first.r.lp * before.raiBalance) / -first.r.rai;
    const offset = before.lpSupply - supplyBefore;
    let supply = supplyBefore;
    for (let i = first.i; i < rows.length; i++) {
      const r = rows[i];
      const prev = rows[i - 1];
      expect(near(prev.lpSupply + r.lp, r.lpSupply, 1e-12), `LP supply row ${r.id}`).toBe(true);
      if (r.event === 'mint' || r.event === 'burn') {
        const pair = { reserve0: prev.raiBalance, reserve1: prev.ethBalance, totalSupply: supply };
        if (r.event === 'mint') {
          const { liquidity } = mintLiquidity(pair, r.rai, r.eth);
          expect(near(liquidity, r.lp, 1e-11), `mint row ${r.id}: ${liquidity} vs ${r.lp}`).toBe(true);
        } else {
          const burned = burnLiquidity(pair, -r.lp);
          expect(near(burned.amount0, -r.rai, 1e-11), `burn row ${r.id} RAI`).toBe(true);
          expect(near(burned.amount1, -r.eth, 1e-11), `burn row ${r.id} ETH`).toBe(true);
        }
      }
      supply += r.lp;
      expect(near(r.lpSupply - supply, offset, 1e-9), `supply offset row ${r.id}`).toBe(true);
    }
    expect(offset).toBeGreaterThan(0n);
  });
});
