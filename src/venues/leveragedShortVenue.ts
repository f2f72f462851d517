/**
 * The leveraged short as a {@link VenueModule} (kind `leveraged_short`): the position math of
 * `leveragedShort.ts` driven by the short's daily path (the token's price, the two reserves'
 * rates, the protocol's risk parameters). A deposit opens the short at `terms.leverage` or adds
 * to it at its current leverage; a withdrawal reduces it keeping the leverage (the whole
 * position closes when the amount reaches what a close pays); the day's accrual grows both
 * indexes and liquidates below a health factor of 1, its penalty booked as `positionCostUnits`.
 */
import { UserError } from '../core/errors.ts';
import { aprToApy, rayToNumber } from '../protocols/aave.ts';
import {
  accrueLeveragedShort,
  collateralUnits,
  debtTokenUnits,
  emptyLeveragedShort,
  equityUnits,
  increaseLeveragedShort,
  liquidateLeveragedShort,
  tokenValueUnits,
  withdrawLeveragedShort,
  type LeveragedShortMarket,
  type LeveragedShortState,
  type LeveragedShortStep,
} from './leveragedShort.ts';
import type { VenueModule, VenueReading, VenueStep, VenueTerms } from './types.ts';
import { unitsToUsd } from './units.ts';

const SECONDS_PER_DAY = 86_400;

/**
 * Leveraged-short terms: the leverage a new position opens at (borrowed value / reserve put
 * in, below the market's maximum) and the health factor the fund keeps when it counts what it
 * can take out (default 1.5).
 *
 * @example const t: LeveragedShortTerms = { name: 'eth-short', entryCostUsd: 5, exitCostPct: 0.0005, withdrawDelayDays: 0, leverage: 2 };
 */
export interface LeveragedShortTerms extends VenueTerms {
  leverage: number;
  targetHealthFactor?: number;
}

/**
 * The short's daily path: the token's price per day, the collateral reserve's supply rate and
 * the token reserve's variable borrow rate per day (ray per year; absent: no interest accrues
 * and the APY is unknown, NaN), the collateral reserve's TVL without the holder (absent:
 * unknown, NaN), and the protocol's constant parameters.
 *
 * @example const p: LeveragedShortPath = { prices: new Float64Array([3000, 3030]), tokenDecimals: 18, liquidationThreshold: 0.85, liquidationPenaltyPct: 0.05, swapFeePct: 0.0005 };
 */
export interface LeveragedShortPath {
  /** USD per whole token, by day (> 0). */
  prices: Float64Array;
  liquidityRateRay?: readonly bigint[];
  variableBorrowRateRay?: readonly bigint[];
  othersTvlUsd?: Float64Array;
  tokenDecimals: number;
  liquidationThreshold: number;
  liquidationPenaltyPct: number;
  swapFeePct: number;
}

/**
 * The short's market on `day` (the rates of `day`; 0 when the path has none).
 *
 * @example leveragedShortMarketOn(path, 3).price // path.prices[3]
 */
export function leveragedShortMarketOn(path: LeveragedShortPath, day: number): LeveragedShortMarket {
  const { tokenDecimals, liquidationThreshold, liquidationPenaltyPct, swapFeePct } = path;
  return {
    price: path.prices[day],
    tokenDecimals,
    liquidationThreshold,
    liquidationPenaltyPct,
    swapFeePct,
    liquidityRateRay: path.liquidityRateRay?.[day] ?? 0n,
    variableBorrowRateRay: path.variableBorrowRateRay?.[day] ?? 0n,
    tvlUsd: NaN,
  };
}

function asVenueStep(step: LeveragedShortStep): VenueStep<LeveragedShortState> {
  return { state: step.state, moved: { transferUnits: step.moved.transferUnits, positionCostUnits: step.moved.costUnits } };
}

/**
 * The leverage a deposit adds at: `terms.leverage` for a position without debt; else the one
 * that keeps the position's debt value / equity L once the swap fee is paid: L / (1 + fee × L).
 */
function depositLeverage(terms: LeveragedShortTerms, market: LeveragedShortMarket, state: LeveragedShortState): number {
  const debtUnits = tokenValueUnits(market, debtTokenUnits(state), 'ceil');
  if (debtUnits === 0n) return terms.leverage;
  const equity = equityUnits(state, market);
  if (equity <= 0n) throw new UserError({ field: 'price', value: market.price, message: 'the short is under water (debt worth more than its collateral): nothing can be added to it' });
  const leverage = Number(debtUnits) / Number(equity);
  return leverage / (1 + market.swapFeePct * leverage);
}

/**
 * The carry of the position as an annual yield on its equity: collateral × supply APY − debt
 * value × borrow APY, over equity; for no position, what one opened at `terms.leverage` would
 * earn ((1 + L) × supply − L × borrow, fees aside). NaN when the path has no rates.
 */
function carryApy(terms: LeveragedShortTerms, path: LeveragedShortPath, market: LeveragedShortMarket, state: LeveragedShortState): number {
  if (path.liquidityRateRay === undefined || path.variableBorrowRateRay === undefined) return NaN;
  const supplyApy = aprToApy(rayToNumber(market.liquidityRateRay));
  const borrowApy = aprToApy(rayToNumber(market.variableBorrowRateRay));
  const collateralUsd = unitsToUsd(collateralUnits(state));
  const debtUsd = unitsToUsd(tokenValueUnits(market, debtTokenUnits(state), 'ceil'));
  const equityUsd = collateralUsd - debtUsd;
  if (collateralUsd === 0) return (1 + terms.leverage) * supplyApy - terms.leverage * borrowApy;
  return equityUsd > 0 ? (collateralUsd * supplyApy - debtUsd * borrowApy) / equityUsd : 0;
}

/**
 * The short's market facts on `day`: TVL without the holder from the path (NaN when absent),
 * the equity that can leave while the health factor stays at `terms.targetHealthFactor`
 * (collateral − targetHF × debt value / liquidationThreshold, within [0, equity]), the carry.
 */
function read(terms: LeveragedShortTerms, path: LeveragedShortPath, state: LeveragedShortState, day: number): VenueReading {
  const market = leveragedShortMarketOn(path, day);
  const collateralUsd = unitsToUsd(collateralUnits(state));
  const debtUsd = unitsToUsd(tokenValueUnits(market, debtTokenUnits(state), 'ceil'));
  const freeUsd = collateralUsd - ((terms.targetHealthFactor ?? 1.5) * debtUsd) / market.liquidationThreshold;
  return {
    othersTvlUsd: path.othersTvlUsd?.[day] ?? NaN,
    availableLiquidityUsd: Math.min(Math.max(freeUsd, 0), Math.max(collateralUsd - debtUsd, 0)),
    apy: carryApy(terms, path, market, state),
    sharePrice: NaN,
    redeemQueuedUsd: 0,
  };
}

function withdraw(_t: LeveragedShortTerms, path: LeveragedShortPath, state: LeveragedShortState, day: number, units: bigint): VenueStep<LeveragedShortState> {
  return asVenueStep(withdrawLeveragedShort(leveragedShortMarketOn(path, day), state, units));
}

/**
 * The leveraged-short venue module. Its value is the equity (collateral − debt valued rounding
 * up; 0 under water, the holder owes nothing beyond the position); its value changes are
 * profit and loss.
 *
 * @example
 * let s = leveragedShort.empty(terms);
 * ({ state: s } = leveragedShort.deposit(terms, path, s, 0, 1_000_000_000n)); // opens at terms.leverage
 * ({ state: s } = leveragedShort.accrue(terms, path, s, 1)); // a day of interest; liquidated if HF < 1
 * leveragedShort.value(terms, path, s, 1); // the equity at day 1's price
 */
export const leveragedShort: VenueModule<LeveragedShortTerms, LeveragedShortPath, LeveragedShortState> = {
  kind: 'leveraged_short',
  valueChange: 'pnl',
  empty: () => emptyLeveragedShort(),
  accrue: (_t, path, state, day) => {
    const accrued = accrueLeveragedShort(state, leveragedShortMarketOn(path, day - 1), SECONDS_PER_DAY).state;
    const liquidated = liquidateLeveragedShort(accrued, leveragedShortMarketOn(path, day));
    return { state: liquidated.state, moved: { transferUnits: 0n, positionCostUnits: liquidated.moved.costUnits } };
  },
  value: (_t, path, state, day) => {
    const equity = equityUnits(state, leveragedShortMarketOn(path, day));
    return equity > 0n ? equity : 0n;
  },
  deposit: (terms, path, state, day, units) => {
    if (units <= 0n) return { state, moved: { transferUnits: 0n, positionCostUnits: 0n } };
    const market = leveragedShortMarketOn(path, day);
    return asVenueStep(increaseLeveragedShort(market, state, units, depositLeverage(terms, market, state)));
  },
  withdraw,
  requestRedeem: withdraw,
  read,
};
