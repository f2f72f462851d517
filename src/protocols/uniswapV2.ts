/**
 * Uniswap V2 constant-product pair math.
 *
 * Exact functions work on `bigint` base units and round as the pair contract does (swap
 * outputs and burns down, required inputs up). Their fee is given in basis points
 * (`feeBps`, default 30 = 0.3%), resolved to pips (1e-6): the input after fee is
 * amountIn · (10^6 − feeBps·100) / 10^6, which for 30 bps is exactly the pair's 997/1000.
 * {@link feeFractionToBps} turns a 0..1 fraction (0.003) into basis points.
 *
 * Float functions (`…Float`, {@link spotPrice}, {@link impermanentLoss}, the LP value
 * helpers) take token quantities as float64 and the fee as a fraction (`feePct`, default
 * 0.003). They take and return plain numbers and allocate nothing, for simulator hot loops.
 *
 * Not modelled: the protocol fee (`feeTo`), which mainnet pairs have never switched on.
 */
import { UserError } from '../core/errors.ts';
import { mulDiv, sqrtFloor, WAD } from '../core/fixedPoint.ts';

/** Liquidity locked forever by the first mint (base units of the LP token). */
export const MINIMUM_LIQUIDITY = 1000n;
/** Default swap fee: 30 basis points (0.3%). */
export const DEFAULT_FEE_BPS = 30;
/** Default swap fee as a fraction (0.3%). */
export const DEFAULT_FEE_PCT = 0.003;

/** Fee denominator of the exact math: pips, 10^6 per unit (1 bp = 100 pips). */
const PIPS = 1_000_000n;
const PIPS_PER_BP = 100;

/**
 * A pair's reserves and LP-token supply, in base units.
 *
 * @example const pair: PairState = { reserve0: 10n ** 21n, reserve1: 5n * 10n ** 17n, totalSupply: 0n };
 */
export interface PairState {
  /** Reserve of token0, base units. */
  reserve0: bigint;
  /** Reserve of token1, base units. */
  reserve1: bigint;
  /** LP tokens outstanding, base units (includes {@link MINIMUM_LIQUIDITY} once minted). */
  totalSupply: bigint;
}

/**
 * What an exact swap does: output, price impact and the reserves after it.
 *
 * @example quoteSwap(10n ** 18n, 10n ** 21n, 10n ** 21n) // { amountOut: 996006981039903216n, priceImpact: 0.000996…, … }
 */
export interface SwapQuote {
  /** Output, base units, rounded down. */
  amountOut: bigint;
  /** 1 − amountOut / (amountIn·(1 − fee)·reserveOut/reserveIn): the loss to the curve, fee excluded (0..1). */
  priceImpact: number;
  /** reserveIn + amountIn. */
  newReserveIn: bigint;
  /** reserveOut − amountOut. */
  newReserveOut: bigint;
}

// ---------------------------------------------------------------------------------------
// Validation

function checkPositive(field: string, value: bigint | number): void {
  if (!(value > 0)) throw new UserError({ field, value, message: `must be > 0, got ${value}` });
}

function checkNonNegative(field: string, value: bigint | number): void {
  if (!(value >= 0)) throw new UserError({ field, value, message: `must be >= 0, got ${value}` });
}

function checkFeePct(field: string, feePct: number): void {
  if (!(feePct >= 0 && feePct < 1)) {
    throw new UserError({ field, value: feePct, message: `must be a fraction in [0, 1), got ${feePct}`, hint: 'e.g. 0.003 for 0.3%' });
  }
}

/** Checks a swap's amount (named `amountField`), then its reserves. */
function checkSwap(amountField: string, amount: bigint | number, reserveIn: bigint | number, reserveOut: bigint | number): void {
  checkNonNegative(amountField, amount);
  checkPositive('reserveIn', reserveIn);
  checkPositive('reserveOut', reserveOut);
}

/** True when a fee in basis points is a whole number of pips (within float noise). */
function isWholePips(feeBps: number): boolean {
  return Math.abs(feeBps * PIPS_PER_BP - Math.round(feeBps * PIPS_PER_BP)) <= 1e-6;
}

/** Fee in basis points → fee in pips as a bigint; refuses fees finer than 1 pip (1e-6). */
function feePips(feeBps: number): bigint {
  if (!(feeBps >= 0 && feeBps < 10_000) || !isWholePips(feeBps)) {
    throw new UserError({ field: 'feeBps', value: feeBps, message: `must be basis points in [0, 10000) in steps of 0.01, got ${feeBps}`, hint: '30 = 0.3%' });
  }
  return BigInt(Math.round(feeBps * PIPS_PER_BP));
}

/**
 * A fee fraction (0.003) → basis points (30), checked to lie in [0, 1) and to be a whole
 * number of pips (multiple of 1e-6). `field` names the flag or config path in errors.
 *
 * @example feeFractionToBps(0.003) // 30
 */
export function feeFractionToBps(feePct: number, field = 'feePct'): number {
  checkFeePct(field, feePct);
  const bps = feePct * 10_000;
  if (!isWholePips(bps)) {
    throw new UserError({ field, value: feePct, message: `must be a multiple of 0.000001, got ${feePct}`, hint: 'fees resolve to 1e-6 (0.01 bp)' });
  }
  return bps;
}

// ---------------------------------------------------------------------------------------
// Exact swaps

/**
 * Output for an exact input, rounded down, as the pair pays it:
 * out = a·(1 − f)·reserveOut / (reserveIn + a·(1 − f)).
 *
 * @example getAmountOut(10n ** 18n, 10n ** 21n, 10n ** 21n) // 996006981039903216n
 */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint, feeBps = DEFAULT_FEE_BPS): bigint {
  checkSwap('amountIn', amountIn, reserveIn, reserveOut);
  const amountInWithFee = amountIn * (PIPS - feePips(feeBps));
  return mulDiv(amountInWithFee, reserveOut, reserveIn * PIPS + amountInWithFee, 'floor');
}

/**
 * Input needed for an exact output, as the pair's router computes it:
 * in = ⌊reserveIn·out / ((reserveOut − out)·(1 − f))⌋ + 1 (always enough).
 *
 * @example getAmountIn(996006981039903216n, 10n ** 21n, 10n ** 21n) // 10n ** 18n
 */
export function getAmountIn(amountOut: bigint, reserveIn: bigint, reserveOut: bigint, feeBps = DEFAULT_FEE_BPS): bigint {
  checkSwap('amountOut', amountOut, reserveIn, reserveOut);
  if (amountOut >= reserveOut) {
    throw new UserError({ field: 'amountOut', value: amountOut, message: `must be < reserveOut (${reserveOut}), got ${amountOut}`, hint: 'a pool cannot pay out its whole reserve' });
  }
  return mulDiv(reserveIn * amountOut, PIPS, (reserveOut - amountOut) * (PIPS - feePips(feeBps)), 'floor') + 1n;
}

/**
 * An exact-input swap: output, price impact (fee excluded) and the new reserves.
 *
 * @example quoteSwap(10n ** 18n, 10n ** 21n, 10n ** 21n).newReserveIn // 1001n * 10n ** 18n
 */
export function quoteSwap(amountIn: bigint, reserveIn: bigint, reserveOut: bigint, feeBps = DEFAULT_FEE_BPS): SwapQuote {
  const amountOut = getAmountOut(amountIn, reserveIn, reserveOut, feeBps);
  // ideal = amountIn·(1 − f)·reserveOut/reserveIn; impact = 1 − amountOut/ideal, in 1e18 steps.
  const ideal = amountIn * (PIPS - feePips(feeBps)) * reserveOut;
  const realized = amountOut * reserveIn * PIPS;
  const priceImpact = ideal === 0n ? 0 : Number(mulDiv(ideal - realized, WAD, ideal, 'halfUp')) / Number(WAD);
  return { amountOut, priceImpact, newReserveIn: reserveIn + amountIn, newReserveOut: reserveOut - amountOut };
}

// ---------------------------------------------------------------------------------------
// Exact liquidity

/**
 * Adds liquidity. The first mint (supply 0) gives √(amount0·amount1) − {@link MINIMUM_LIQUIDITY}
 * and locks the 1000 units in the supply; later mints give the proportional minimum
 * min(amount0·S/reserve0, amount1·S/reserve1), rounded down (excess of the richer side is
 * donated to the pool, as on chain).
 *
 * @example mintLiquidity({ reserve0: 0n, reserve1: 0n, totalSupply: 0n }, 4_000_000n, 1_000_000n).liquidity // 1_999_000n
 */
export function mintLiquidity(pair: PairState, amount0: bigint, amount1: bigint): { liquidity: bigint; pair: PairState } {
  checkNonNegative('amount0', amount0);
  checkNonNegative('amount1', amount1);
  checkNonNegative('totalSupply', pair.totalSupply);
  const first = pair.totalSupply === 0n;
  let liquidity: bigint;
  if (first) {
    liquidity = sqrtFloor(amount0 * amount1) - MINIMUM_LIQUIDITY;
  } else {
    checkPositive('reserve0', pair.reserve0);
    checkPositive('reserve1', pair.reserve1);
    const by0 = mulDiv(amount0, pair.totalSupply, pair.reserve0, 'floor');
    const by1 = mulDiv(amount1, pair.totalSupply, pair.reserve1, 'floor');
    liquidity = by0 < by1 ? by0 : by1;
  }
  if (liquidity <= 0n) {
    throw new UserError({
      field: 'amount0',
      value: amount0,
      message: 'insufficient liquidity minted',
      hint: first ? `the first mint needs √(amount0·amount1) > ${MINIMUM_LIQUIDITY}` : 'deposit more of both tokens',
    });
  }
  const totalSupply = pair.totalSupply + liquidity + (first ? MINIMUM_LIQUIDITY : 0n);
  return { liquidity, pair: { reserve0: pair.reserve0 + amount0, reserve1: pair.reserve1 + amount1, totalSupply } };
}

/**
 * Removes liquidity pro rata, rounded down: amount_i = liquidity·reserve_i / S.
 *
 * @example burnLiquidity({ reserve0: 4_000_000n, reserve1: 1_000_000n, totalSupply: 2_000_000n }, 500_000n).amount0 // 1_000_000n
 */
export function burnLiquidity(pair: PairState, liquidity: bigint): { amount0: bigint; amount1: bigint; pair: PairState } {
  checkNonNegative('liquidity', liquidity);
  checkPositive('totalSupply', pair.totalSupply);
  if (liquidity > pair.totalSupply - MINIMUM_LIQUIDITY) {
    throw new UserError({ field: 'liquidity', value: liquidity, message: `must be <= totalSupply − ${MINIMUM_LIQUIDITY} (${pair.totalSupply - MINIMUM_LIQUIDITY}), got ${liquidity}`, hint: 'the minimum liquidity stays locked' });
  }
  const amount0 = mulDiv(liquidity, pair.reserve0, pair.totalSupply, 'floor');
  const amount1 = mulDiv(liquidity, pair.reserve1, pair.totalSupply, 'floor');
  return {
    amount0,
    amount1,
    pair: { reserve0: pair.reserve0 - amount0, reserve1: pair.reserve1 - amount1, totalSupply: pair.totalSupply - liquidity },
  };
}

// ---------------------------------------------------------------------------------------
// Float helpers (allocation-free)

/** The input after the fee, a·(1 − f), of a checked float exact-input swap. */
function floatInputAfterFee(amountIn: number, reserveIn: number, reserveOut: number, feePct: number): number {
  checkSwap('amountIn', amountIn, reserveIn, reserveOut);
  checkFeePct('feePct', feePct);
  return amountIn * (1 - feePct);
}

/**
 * Float {@link getAmountOut}: a·(1 − f)·reserveOut / (reserveIn + a·(1 − f)).
 *
 * @example getAmountOutFloat(1, 1000, 1000) // 0.99600698…
 */
export function getAmountOutFloat(amountIn: number, reserveIn: number, reserveOut: number, feePct = DEFAULT_FEE_PCT): number {
  const amountInWithFee = floatInputAfterFee(amountIn, reserveIn, reserveOut, feePct);
  return (amountInWithFee * reserveOut) / (reserveIn + amountInWithFee);
}

/**
 * Float {@link getAmountIn} (no +1 rounding): reserveIn·out / ((reserveOut − out)·(1 − f)).
 *
 * @example getAmountInFloat(0.996006981039903, 1000, 1000) // ≈ 1
 */
export function getAmountInFloat(amountOut: number, reserveIn: number, reserveOut: number, feePct = DEFAULT_FEE_PCT): number {
  checkSwap('amountOut', amountOut, reserveIn, reserveOut);
  checkFeePct('feePct', feePct);
  if (!(amountOut < reserveOut)) {
    throw new UserError({ field: 'amountOut', value: amountOut, message: `must be < reserveOut (${reserveOut}), got ${amountOut}` });
  }
  return (reserveIn * amountOut) / ((reserveOut - amountOut) * (1 - feePct));
}

/**
 * Marginal price of the base token in quote-token units: reserveQuote / reserveBase.
 *
 * @example spotPrice(2000, 1) // 0.0005 (one base token buys 0.0005 quote)
 */
export function spotPrice(reserveBase: number, reserveQuote: number): number {
  checkPositive('reserveBase', reserveBase);
  checkPositive('reserveQuote', reserveQuote);
  return reserveQuote / reserveBase;
}

/**
 * Price impact of an exact-input swap, fee excluded: a′/(reserveIn + a′) with a′ = a·(1 − f),
 * i.e. 1 − execution price / (spot price · (1 − f)).
 *
 * @example priceImpactFloat(10, 1000, 1000, 0) // 0.00990099…
 */
export function priceImpactFloat(amountIn: number, reserveIn: number, reserveOut: number, feePct = DEFAULT_FEE_PCT): number {
  const amountInWithFee = floatInputAfterFee(amountIn, reserveIn, reserveOut, feePct);
  return amountInWithFee / (reserveIn + amountInWithFee);
}

/**
 * Impermanent loss of a 50/50 constant-product position against holding, for a price
 * ratio x = price now / price at entry: 2√x/(1 + x) − 1 (≤ 0; fees not included).
 *
 * @example impermanentLoss(4) // ≈ -0.2 (price ×4 costs 20% against holding)
 */
export function impermanentLoss(priceRatio: number): number {
  checkPositive('priceRatio', priceRatio);
  return (2 * Math.sqrt(priceRatio)) / (1 + priceRatio) - 1;
}

/**
 * Value of an LP position marked at a reference price, in token1 units:
 * share·(reserve0·price0In1 + reserve1), where share = liquidity / totalSupply and
 * price0In1 is the external price of token0 in token1 (the pool's own reserves are used
 * as they are, not re-arbitraged).
 *
 * @example lpPositionValue(0.1, 1000, 2_000_000, 2100) // 410000
 */
export function lpPositionValue(share: number, reserve0: number, reserve1: number, price0In1: number): number {
  checkShare(share);
  checkNonNegative('reserve0', reserve0);
  checkNonNegative('reserve1', reserve1);
  checkPositive('price0In1', price0In1);
  return share * (reserve0 * price0In1 + reserve1);
}

/**
 * Value in token1 units of an LP share of a pool with invariant k = reserve0·reserve1 once
 * arbitrage has moved it to price p (token0 in token1): reserves √(k/p) and √(k·p), value
 * 2·share·√(k·p). Its ratio to holding the entry amounts is 1 + {@link impermanentLoss}.
 *
 * @example lpValueAtPrice(0.5, 1000 * 2_000_000, 2000) // 2000000
 */
export function lpValueAtPrice(share: number, k: number, price0In1: number): number {
  return 2 * lpQuantity1AtPrice(share, k, price0In1);
}

/**
 * Token0 held by an LP share of a pool with invariant k at price p: share·√(k/p).
 *
 * @example lpQuantity0AtPrice(1, 1000 * 2_000_000, 2000) // 1000
 */
export function lpQuantity0AtPrice(share: number, k: number, price0In1: number): number {
  checkShare(share);
  checkNonNegative('k', k);
  checkPositive('price0In1', price0In1);
  return share * Math.sqrt(k / price0In1);
}

/**
 * Token1 held by an LP share of a pool with invariant k at price p: share·√(k·p).
 *
 * @example lpQuantity1AtPrice(1, 1000 * 2_000_000, 2000) // 2000000
 */
export function lpQuantity1AtPrice(share: number, k: number, price0In1: number): number {
  checkShare(share);
  checkNonNegative('k', k);
  checkPositive('price0In1', price0In1);
  return share * Math.sqrt(k * price0In1);
}

function checkShare(share: number): void {
  if (!(share >= 0 && share <= 1)) throw new UserError({ field: 'share', value: share, message: `must be in [0, 1], got ${share}`, hint: 'liquidity / totalSupply' });
}
