/**
 * History as the venue modules' market paths (pure): a credit-supply reserve's path whose
 * liquidity index grows by exactly each day's historical return, and a vault's path whose
 * share price is the compounded history. Works on a loaded {@link VenueHistory} or on a
 * bootstrapped path alike.
 */
import { numberToBaseUnits } from '../../core/fixedPoint.ts';
import { DAYS_PER_YEAR } from '../../core/time.ts';
import type { ReservePath, VaultPath } from '../venues.ts';
import type { VenueHistory } from './series.ts';

/** What the adapters read of a history (a {@link VenueHistory} or a bootstrapped venue path). @example const d: DailyMarket = history; */
export type DailyMarket = Pick<VenueHistory, 'dailyReturn' | 'apy' | 'tvlUsd' | 'availableLiquidityUsd'>;

/**
 * A credit-supply reserve's path from history: `liquidityRateRay[t]` is the supply rate
 * that, accrued linearly over the day from t to t + 1 (Aave's `linearInterest`, 365-day year),
 * grows the index by exactly `dailyReturn[t + 1]` (to 1e-27); the last day repeats the one
 * before. The APY read by policies is the history's; utilisation is 1 − available / TVL where both are known.
 *
 * @example creditSupply.accrue(terms, reservePathFromHistory(h), state, 1) // the index grows by 1 + h.dailyReturn[1]
 */
export function reservePathFromHistory(h: DailyMarket): ReservePath {
  const n = h.dailyReturn.length;
  const liquidityRateRay = new Array<bigint>(n);
  const supplyApr = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const next = t + 1 < n ? h.dailyReturn[t + 1] : t > 0 ? h.dailyReturn[t] : 0;
    liquidityRateRay[t] = numberToBaseUnits(next, 27) * BigInt(DAYS_PER_YEAR);
    supplyApr[t] = next * DAYS_PER_YEAR;
  }
  const utilisation = Float64Array.from(h.tvlUsd, (tvl, t) => (tvl > 0 ? 1 - h.availableLiquidityUsd[t] / tvl : NaN));
  return { utilisation, liquidityRateRay, supplyApr, supplyApy: Float64Array.from(h.apy), tvlUsd: Float64Array.from(h.tvlUsd), availableLiquidityUsd: Float64Array.from(h.availableLiquidityUsd) };
}

/**
 * A vault's path from history: the share price starts at `initialSharePrice` and compounds
 * each day's return, so its ratio over any span is the history's growth.
 *
 * @example vaultPathFromHistory(h, 1).sharePrice[h.dates.length - 1] // compoundedGrowth(h)
 */
export function vaultPathFromHistory(h: DailyMarket, initialSharePrice = 1): VaultPath {
  const n = h.dailyReturn.length;
  const sharePrice = new Float64Array(n);
  for (let t = 0; t < n; t++) sharePrice[t] = t === 0 ? initialSharePrice : sharePrice[t - 1] * (1 + h.dailyReturn[t]);
  return { apy: Float64Array.from(h.apy), tvlUsd: Float64Array.from(h.tvlUsd), sharePrice };
}
