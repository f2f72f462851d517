/**
 * A leveraged short on an Aave-style lending market as a live position: the leverage estimate
 * of `protocols/leverage.ts` (open / close with the swap fee) kept as state that accrues and
 * can be liquidated.
 *
 * The fund's stablecoin (6-decimal base units, see `units.ts`) is supplied as collateral (an
 * aToken: scaled balance × the collateral reserve's liquidity index); the volatile token is
 * borrowed (a variable debt token: scaled debt × the token reserve's variable borrow index, in
 * the token's base units) and sold for more collateral. Indexes accrue with the protocol's ray
 * math (`protocols/aave.ts`): linear for the liquidity index, compounded for the borrow index.
 *
 * Every function is pure: it returns `{ state, moved }` (the old state is left as it was), and
 * `moved` says in base units what moved: cash between the fund's reserve and the position,
 * the collateral and debt changes, and the costs paid (swap fees, the liquidation penalty).
 * Conservation: for open / increase / reduce / close at one price, the reserve's change plus
 * the position's equity change is minus the costs (to a few base units of rounding).
 *
 * Prices become bigint at 1e8 (Chainlink-style); the debt is valued rounding up and the
 * collateral rounding down (against the holder), as a lending protocol does.
 */
import { UserError } from '../core/errors.ts';
import { RAY, mulDiv } from '../core/fixedPoint.ts';
import { aprToApy, balanceFromScaled, maxShortLeverage, nextLiquidityIndexRay, nextVariableBorrowIndexRay, rayToNumber, scaledAmount } from '../protocols/aave.ts';
import { estimateOpenShort } from '../protocols/leverage.ts';
import type { VenueObservation } from './types.ts';
import { UNITS_PER_USD, unitsToUsd } from './units.ts';

/**
 * The position: aToken collateral and variable debt as scaled balances with their reserves'
 * indexes (ray). Collateral in the fund asset's base units, debt in the token's base units.
 *
 * @example const s: LeveragedShortState = emptyLeveragedShort();
 */
export interface LeveragedShortState {
  collateralScaled: bigint;
  liquidityIndexRay: bigint;
  debtScaled: bigint;
  variableBorrowIndexRay: bigint;
}

/**
 * The market of the short at one moment: the token's price, the two reserves' rates (ray) and
 * the risk parameters of the collateral, the swap fee and, when known, the collateral reserve's TVL.
 *
 * @example const m: LeveragedShortMarket = { price: 3000, tokenDecimals: 18, liquidityRateRay: RAY / 25n, variableBorrowRateRay: RAY / 50n, liquidationThreshold: 0.85, liquidationPenaltyPct: 0.05, swapFeePct: 0.0005, tvlUsd: NaN };
 */
export interface LeveragedShortMarket {
  /** USD per whole token (> 0). */
  price: number;
  /** Decimals of the borrowed token (e.g. 18 for WETH). */
  tokenDecimals: number;
  /** Supply (liquidity) rate of the collateral reserve, ray per year. */
  liquidityRateRay: bigint;
  /** Variable borrow rate of the token reserve, ray per year. */
  variableBorrowRateRay: bigint;
  /** Liquidation threshold of the collateral, (0, 1). */
  liquidationThreshold: number;
  /** Liquidation bonus paid to the liquidator: seized collateral = repaid debt × (1 + penalty). */
  liquidationPenaltyPct: number;
  /** Swap fee on every sale / buy-back of the token, [0, 1). */
  swapFeePct: number;
  /** TVL of the collateral reserve including the fund (USD); NaN when unknown. */
  tvlUsd: number;
}

/**
 * What one operation moved, in base units. `transferUnits`: from the fund's cash reserve into
 * the position (negative: back to the reserve). `collateralUnits` / `debtTokenUnits`: the
 * change of the collateral (fund asset) and of the debt (token). `costUnits` (≥ 0): swap fees
 * and liquidation penalty, money that left the fund.
 *
 * @example const m: LeveragedShortMoved = { transferUnits: 1_000_000_000n, collateralUnits: 3_998_500_000n, debtTokenUnits: 10n ** 18n, costUnits: 1_500_000n };
 */
export interface LeveragedShortMoved {
  transferUnits: bigint;
  collateralUnits: bigint;
  debtTokenUnits: bigint;
  costUnits: bigint;
}

/**
 * An operation's result.
 *
 * @example const { state, moved } = openLeveragedShort(market, 1_000_000_000n, 3);
 */
export interface LeveragedShortStep {
  state: LeveragedShortState;
  moved: LeveragedShortMoved;
}

const PRICE_SCALE = 100_000_000n;
const FEE_SCALE = 1_000_000_000n;
const UNITS = BigInt(UNITS_PER_USD);
const NOTHING: LeveragedShortMoved = Object.freeze({ transferUnits: 0n, collateralUnits: 0n, debtTokenUnits: 0n, costUnits: 0n });

function priceE8(market: LeveragedShortMarket): bigint {
  if (!(market.price > 0 && Number.isFinite(market.price))) throw new UserError({ field: 'price', value: market.price, message: 'must be a finite number > 0' });
  return BigInt(Math.round(market.price * 1e8));
}

function tokenScale(market: LeveragedShortMarket): bigint {
  return 10n ** BigInt(market.tokenDecimals);
}

/**
 * The USD value (fund base units) of `tokenUnits` of the token, rounded as asked.
 *
 * @example tokenValueUnits(market, 10n ** 18n, 'ceil') // 3_000_000_000n at 3000 USD
 */
export function tokenValueUnits(market: LeveragedShortMarket, tokenUnits: bigint, rounding: 'floor' | 'ceil'): bigint {
  return mulDiv(tokenUnits, priceE8(market) * UNITS, PRICE_SCALE * tokenScale(market), rounding);
}

/** Token base units worth `valueUnits` (fund base units), rounded down. */
function tokensForValue(market: LeveragedShortMarket, valueUnits: bigint): bigint {
  return mulDiv(valueUnits, PRICE_SCALE * tokenScale(market), priceE8(market) * UNITS, 'floor');
}

function feeUnits(market: LeveragedShortMarket, valueUnits: bigint): bigint {
  return mulDiv(valueUnits, BigInt(Math.round(market.swapFeePct * 1e9)), FEE_SCALE, 'ceil');
}

/**
 * No position, with fresh indexes (1 ray).
 *
 * @example emptyLeveragedShort().debtScaled // 0n
 */
export function emptyLeveragedShort(): LeveragedShortState {
  return { collateralScaled: 0n, liquidityIndexRay: RAY, debtScaled: 0n, variableBorrowIndexRay: RAY };
}

/**
 * The collateral balance (fund base units): scaled × liquidity index.
 *
 * @example collateralUnits(state)
 */
export function collateralUnits(state: LeveragedShortState): bigint {
  return balanceFromScaled(state.collateralScaled, state.liquidityIndexRay);
}

/**
 * The debt (token base units): scaled × variable borrow index.
 *
 * @example debtTokenUnits(state)
 */
export function debtTokenUnits(state: LeveragedShortState): bigint {
  return balanceFromScaled(state.debtScaled, state.variableBorrowIndexRay);
}

/**
 * The position's equity (fund base units): collateral − debt value (rounded up); negative
 * when the debt is worth more than the collateral (bad debt).
 *
 * @example equityUnits(state, market)
 */
export function equityUnits(state: LeveragedShortState, market: LeveragedShortMarket): bigint {
  return collateralUnits(state) - tokenValueUnits(market, debtTokenUnits(state), 'ceil');
}

/**
 * Health factor: collateral × liquidationThreshold / debt value; Infinity without debt.
 *
 * @example healthFactorOf(state, market) // > 1 while safe
 */
export function healthFactorOf(state: LeveragedShortState, market: LeveragedShortMarket): number {
  const debtUsd = unitsToUsd(tokenValueUnits(market, debtTokenUnits(state), 'ceil'));
  if (debtUsd === 0) return Infinity;
  return (unitsToUsd(collateralUnits(state)) * market.liquidationThreshold) / debtUsd;
}

/** A state with the collateral and debt moved by signed amounts (scaled at the current indexes). */
function moveBalances(state: LeveragedShortState, collateralDelta: bigint, debtDelta: bigint): LeveragedShortState {
  const collateral = collateralUnits(state) + collateralDelta;
  const debt = debtTokenUnits(state) + debtDelta;
  return {
    ...state,
    collateralScaled: collateral <= 0n ? 0n : scaledAmount(collateral, state.liquidityIndexRay),
    debtScaled: debt <= 0n ? 0n : scaledAmount(debt, state.variableBorrowIndexRay),
  };
}

/**
 * Adds `reserveUnits` of the fund's cash as collateral and borrows `leverage` × it in the
 * token, sold for collateral at the swap fee (as `estimateOpenShort`, which checks the
 * leverage and the health after fees; errors name `leverage` / `feePct`).
 *
 * @example increaseLeveragedShort(market, state, 1_000_000_000n, 3)
 */
export function increaseLeveragedShort(market: LeveragedShortMarket, state: LeveragedShortState, reserveUnits: bigint, leverage: number): LeveragedShortStep {
  if (reserveUnits <= 0n) throw new UserError({ field: 'reserveUnits', value: reserveUnits, message: 'must be > 0' });
  estimateOpenShort({ reserveUsd: unitsToUsd(reserveUnits), leverage, price: market.price, feePct: market.swapFeePct, collateralFactor: market.liquidationThreshold });
  const borrowValue = mulDiv(reserveUnits, BigInt(Math.round(leverage * 1e9)), FEE_SCALE, 'floor');
  const debt = tokensForValue(market, borrowValue);
  const sold = tokenValueUnits(market, debt, 'floor');
  const fee = feeUnits(market, sold);
  const collateralDelta = reserveUnits + sold - fee;
  return {
    state: moveBalances(state, collateralDelta, debt),
    moved: { transferUnits: reserveUnits, collateralUnits: collateralDelta, debtTokenUnits: debt, costUnits: fee },
  };
}

/**
 * Opens a short on `reserveUnits` of collateral at `leverage` (from no position).
 *
 * @example openLeveragedShort(market, 1_000_000_000n, 3).state
 */
export function openLeveragedShort(market: LeveragedShortMarket, reserveUnits: bigint, leverage: number): LeveragedShortStep {
  return increaseLeveragedShort(market, emptyLeveragedShort(), reserveUnits, leverage);
}

/**
 * Closes the fraction `fraction` (0, 1] of the position: buys back that part of the debt with
 * collateral (paying P·q/(1 − f), fee included, as `estimateCloseShort`), repays it, and
 * returns the same fraction of the equity left to the fund's reserve, so the leverage stays
 * as it was. Throws when the collateral cannot pay the buy-back (the position is under water).
 *
 * @example reduceLeveragedShort(market, state, 0.5).moved.transferUnits // < 0: cash back
 */
export function reduceLeveragedShort(market: LeveragedShortMarket, state: LeveragedShortState, fraction: number): LeveragedShortStep {
  if (!(fraction > 0 && fraction <= 1)) throw new UserError({ field: 'fraction', value: fraction, message: 'must be in (0, 1]' });
  const debt = debtTokenUnits(state);
  const collateral = collateralUnits(state);
  const repay = fraction === 1 ? debt : mulDiv(debt, BigInt(Math.round(fraction * 1e9)), FEE_SCALE, 'floor');
  const cost = tokenValueUnits(market, repay, 'ceil');
  const payment = mulDiv(cost, FEE_SCALE, FEE_SCALE - BigInt(Math.round(market.swapFeePct * 1e9)), 'ceil');
  const fee = payment - cost;
  if (payment > collateral) {
    throw new UserError({ field: 'price', value: market.price, message: `the collateral ${unitsToUsd(collateral)} USD cannot pay the buy-back of ${unitsToUsd(payment)} USD: the position is under water` });
  }
  const left = collateral - payment;
  const equityLeft = left - tokenValueUnits(market, debt - repay, 'ceil');
  const withdraw = fraction === 1 ? left : equityLeft <= 0n ? 0n : mulDiv(equityLeft, BigInt(Math.round(fraction * 1e9)), FEE_SCALE, 'floor');
  const next = fraction === 1 ? { ...state, collateralScaled: 0n, debtScaled: 0n } : moveBalances(state, -(payment + withdraw), -repay);
  return { state: next, moved: { transferUnits: -withdraw, collateralUnits: -(payment + withdraw), debtTokenUnits: -repay, costUnits: fee } };
}

/**
 * Takes `units` of cash out while keeping the leverage (debt value / equity): repays the
 * fraction f = `units` / (equity − the fee of a full buy-back) of the debt (bought back at the
 * swap fee), so the equity left is (1 − f) × equity, the fund receives exactly `units` and the
 * fee comes out of the position. When `units` reaches what a full close pays
 * (equity less the buy-back fee), the whole position closes and pays that. Nothing moves when
 * `units` ≤ 0 or the collateral cannot pay the buy-back (under water: a liquidation's matter).
 *
 * @example withdrawLeveragedShort(market, state, 100_000_000n).moved.transferUnits // -100_000_000n
 */
export function withdrawLeveragedShort(market: LeveragedShortMarket, state: LeveragedShortState, units: bigint): LeveragedShortStep {
  const debt = debtTokenUnits(state);
  const collateral = collateralUnits(state);
  const equity = collateral - tokenValueUnits(market, debt, 'ceil');
  if (units <= 0n || equity <= 0n) return { state, moved: NOTHING };
  const buyBack = (repay: bigint): { payment: bigint; fee: bigint } => {
    const cost = tokenValueUnits(market, repay, 'ceil');
    const payment = mulDiv(cost, FEE_SCALE, FEE_SCALE - BigInt(Math.round(market.swapFeePct * 1e9)), 'ceil');
    return { payment, fee: payment - cost };
  };
  const full = buyBack(debt);
  if (full.payment > collateral) return { state, moved: NOTHING };
  const f = Number(units) / Number(equity - full.fee); // the equity left is (1 − f) × equity: debt / equity unchanged
  const repay = !(f < 1) ? debt : mulDiv(debt, BigInt(Math.round(f * 1e18)), 10n ** 18n, 'floor');
  const { payment, fee } = buyBack(repay);
  const equityLeft = collateral - payment - tokenValueUnits(market, debt - repay, 'ceil');
  if (!(f < 1) || units >= equityLeft) return reduceLeveragedShort(market, state, 1);
  return { state: moveBalances(state, -(payment + units), -repay), moved: { transferUnits: -units, collateralUnits: -(payment + units), debtTokenUnits: -repay, costUnits: fee } };
}

/**
 * Closes the whole position: every token bought back and repaid, the collateral left returned.
 *
 * @example closeLeveragedShort(market, state).state.debtScaled // 0n
 */
export function closeLeveragedShort(market: LeveragedShortMarket, state: LeveragedShortState): LeveragedShortStep {
  return reduceLeveragedShort(market, state, 1);
}

/**
 * Accrues `dtSeconds` of interest by the indexes: the liquidity index linearly at the
 * collateral reserve's rate, the borrow index compounded at the token reserve's rate. `moved`
 * has the collateral and debt growth; nothing leaves or enters the fund.
 *
 * @example accrueLeveragedShort(state, market, 86_400)
 */
export function accrueLeveragedShort(state: LeveragedShortState, market: LeveragedShortMarket, dtSeconds: number): LeveragedShortStep {
  const dt = BigInt(Math.max(0, Math.trunc(dtSeconds)));
  const next: LeveragedShortState = {
    ...state,
    liquidityIndexRay: nextLiquidityIndexRay(state.liquidityIndexRay, market.liquidityRateRay, dt),
    variableBorrowIndexRay: nextVariableBorrowIndexRay(state.variableBorrowIndexRay, market.variableBorrowRateRay, dt),
  };
  return {
    state: next,
    moved: { transferUnits: 0n, collateralUnits: collateralUnits(next) - collateralUnits(state), debtTokenUnits: debtTokenUnits(next) - debtTokenUnits(state), costUnits: 0n },
  };
}

/**
 * Liquidates when the health factor is below 1 (otherwise nothing moves): the liquidator
 * repays half the debt (all of it below a health factor of 0.95, as Aave's close factor) and
 * seizes collateral worth the repaid debt × (1 + liquidationPenaltyPct) at the price; with too
 * little collateral it repays what all the collateral buys. The penalty is the cost booked.
 *
 * @example liquidateLeveragedShort(state, { ...market, price: 5000 }).moved.costUnits
 */
export function liquidateLeveragedShort(state: LeveragedShortState, market: LeveragedShortMarket): LeveragedShortStep {
  const hf = healthFactorOf(state, market);
  if (!(hf < 1)) return { state, moved: NOTHING };
  const debt = debtTokenUnits(state);
  const collateral = collateralUnits(state);
  const penaltyE9 = BigInt(Math.round(market.liquidationPenaltyPct * 1e9));
  let repay = hf < 0.95 ? debt : debt / 2n;
  let repaidValue = tokenValueUnits(market, repay, 'ceil');
  let seized = mulDiv(repaidValue, FEE_SCALE + penaltyE9, FEE_SCALE, 'ceil');
  if (seized > collateral) {
    seized = collateral;
    repaidValue = mulDiv(collateral, FEE_SCALE, FEE_SCALE + penaltyE9, 'floor');
    repay = tokensForValue(market, repaidValue);
    repaidValue = tokenValueUnits(market, repay, 'ceil');
  }
  const penalty = seized - repaidValue < 0n ? 0n : seized - repaidValue;
  return { state: moveBalances(state, -seized, -repay), moved: { transferUnits: 0n, collateralUnits: -seized, debtTokenUnits: -repay, costUnits: penalty } };
}

/**
 * Options of {@link observeLeveragedShort}: the health factor the fund keeps when it takes
 * money out (default 1.5) and its trade costs.
 *
 * @example const o: LeveragedShortObserveOptions = { targetHealthFactor: 1.6, entryCostUsd: 10, exitCostPct: 0.0005 };
 */
export interface LeveragedShortObserveOptions {
  targetHealthFactor?: number;
  entryCostUsd?: number;
  exitCostPct?: number;
}

/**
 * The short as the policy reads it: `positionUsd` = equity, `tvlUsd` the collateral reserve's
 * when known (NaN otherwise), `availableLiquidityUsd` = the equity that can be withdrawn while
 * keeping `targetHealthFactor` (collateral − targetHF × debt value / liquidationThreshold,
 * within [0, equity]), `apy` the net yield on equity (collateral supply APY less the borrow
 * APY on the debt, over equity; 0 without equity).
 *
 * @example observeLeveragedShort(state, market, 'eth-short', '2025-03-01T00:00:00.000Z').positionUsd
 */
export function observeLeveragedShort(state: LeveragedShortState, market: LeveragedShortMarket, name: string, asOf: string, options: LeveragedShortObserveOptions = {}): VenueObservation {
  const targetHealthFactor = options.targetHealthFactor ?? 1.5;
  const collateralUsd = unitsToUsd(collateralUnits(state));
  const debtUsd = unitsToUsd(tokenValueUnits(market, debtTokenUnits(state), 'ceil'));
  const equityUsd = collateralUsd - debtUsd;
  const freeUsd = collateralUsd - (targetHealthFactor * debtUsd) / market.liquidationThreshold;
  const supplyApy = aprToApy(rayToNumber(market.liquidityRateRay));
  const borrowApy = aprToApy(rayToNumber(market.variableBorrowRateRay));
  return {
    venue: name,
    kind: 'leveraged_short',
    positionUsd: equityUsd,
    tvlUsd: market.tvlUsd,
    availableLiquidityUsd: Math.min(Math.max(freeUsd, 0), Math.max(equityUsd, 0)),
    redeemQueuedUsd: 0,
    apy: equityUsd > 0 ? (collateralUsd * supplyApy - debtUsd * borrowApy) / equityUsd : 0,
    sharePrice: NaN,
    withdrawDelayDays: 0,
    entryCostUsd: options.entryCostUsd ?? 0,
    exitCostPct: options.exitCostPct ?? market.swapFeePct,
    asOf,
  };
}

/**
 * The maximum short leverage for the market's liquidation threshold: 1/(1 − LT) − 1.
 *
 * @example maxLeverageOf(market) // 5.666… for LT 0.85
 */
export function maxLeverageOf(market: LeveragedShortMarket): number {
  return maxShortLeverage(market.liquidationThreshold);
}
