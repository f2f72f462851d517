/**
 * Seeded yield-venue paths for fund simulations, one value per day (`out[t]`, t = 0…days):
 *
 * - an Aave-like credit-supply reserve: a utilisation path (any rate process, clamped to
 *   [0, 1]) drives the reserve's interest-rate strategy (`protocols/aave.ts`), which gives the
 *   supply (liquidity) rate in ray — the exact rate the liquidity index accrues at — and its
 *   float APR/APY twins; the reserve's TVL is its own process (floored at 0), and the liquidity
 *   a supplier can withdraw at once is TVL · (1 − utilisation);
 * - ERC-4626 vaults: an APY path (floored at −99 %) and a TVL path (floored at 0); the share
 *   price compounds the APY daily from an initial price.
 *
 * Draw order is fixed (reserves then vaults, in the order given; per venue its first process
 * then its second), so a seeded stream gives the same paths on any worker.
 */
import { RAY } from '../core/fixedPoint.ts';
import type { Rng } from '../core/rng.ts';
import { aprToApy, liquidityRateRay, rateStrategyToRay, rayToNumber, type RateStrategy } from '../protocols/aave.ts';
import { fillRateProcess, type RateProcess } from './processes.ts';
import { gridStrategy, supplyRateRayOnGrid, type GridStrategy } from './utilisationGrid.ts';
import { DAYS_PER_YEAR } from '../core/time.ts';

/** Lowest vault APY a path takes (a vault cannot lose more than everything in a year). */
export const MIN_VAULT_APY = -0.99;
/** Utilisation is carried to the rate strategy with this many decimals (1e-9 steps). */
const UTILISATION_SCALE = 1e9;
const UTILISATION_TO_RAY = RAY / 1_000_000_000n;

/**
 * A credit-supply reserve's processes.
 *
 * @example const r: ReservePathSpec = { strategy: USDC_RATE_STRATEGY, utilisation: { kind: 'meanReverting', level: 0.8, speed: 20, vol: 0.3 }, tvlUsd: { kind: 'constant', value: 4e8 } };
 */
export interface ReservePathSpec {
  /** The reserve's interest-rate strategy (0..1 fractions). */
  strategy: RateStrategy;
  /** Utilisation (borrowed / supplied), clamped to [0, 1]. */
  utilisation: RateProcess;
  /** Total supplied, USD, floored at 0. */
  tvlUsd: RateProcess;
}

/**
 * An ERC-4626 vault's processes.
 *
 * @example const v: VaultPathSpec = { apy: { kind: 'constant', value: 0.06 }, tvlUsd: { kind: 'constant', value: 5e7 }, initialSharePrice: 1.05 };
 */
export interface VaultPathSpec {
  /** Annual yield (0..1 fraction), floored at {@link MIN_VAULT_APY}. */
  apy: RateProcess;
  /** Total assets, USD, floored at 0. */
  tvlUsd: RateProcess;
  /** Share price on day 0, USD per share (> 0). */
  initialSharePrice: number;
}

/** One reserve's daily path. */
export interface ReservePath {
  utilisation: Float64Array;
  /** Supply (liquidity) rate in ray, from the strategy at the day's utilisation: what the index accrues at. */
  liquidityRateRay: bigint[];
  /** The same rate as a float APR (rayToNumber of the ray rate). */
  supplyApr: Float64Array;
  /** APR → APY with per-second compounding (how front ends show it). */
  supplyApy: Float64Array;
  tvlUsd: Float64Array;
  /** TVL · (1 − utilisation): what suppliers can withdraw at once, USD. */
  availableLiquidityUsd: Float64Array;
}

/** One vault's daily path. */
export interface VaultPath {
  apy: Float64Array;
  tvlUsd: Float64Array;
  /** USD per share: sharePrice[t] = sharePrice[t − 1] · (1 + apy[t − 1])^(1/DAYS_PER_YEAR). */
  sharePrice: Float64Array;
}

/**
 * Fills `out` with a utilisation path clamped to [0, 1].
 *
 * @example fillUtilisationPath(new Float64Array(366), { kind: 'constant', value: 1.2 }, 1 / 365, rng) // all 1
 */
export function fillUtilisationPath(out: Float64Array, process: RateProcess, dtYears: number, rng: Rng, field = 'utilisation'): Float64Array {
  fillRateProcess(out, process, dtYears, rng, field);
  for (let t = 0; t < out.length; t++) out[t] = out[t] < 0 ? 0 : out[t] > 1 ? 1 : out[t];
  return out;
}

/**
 * Fills `out` with a process floored at `floor` (TVLs at 0, APYs at −99 %).
 *
 * @example fillFlooredPath(new Float64Array(3), { kind: 'constant', value: -5 }, 0, 1 / 365, rng) // [0, 0, 0]
 */
export function fillFlooredPath(out: Float64Array, process: RateProcess, floor: number, dtYears: number, rng: Rng, field = 'process'): Float64Array {
  fillRateProcess(out, process, dtYears, rng, field);
  for (let t = 0; t < out.length; t++) if (!(out[t] >= floor)) out[t] = floor;
  return out;
}

/**
 * The reserve's supply rate in ray at a float utilisation (carried with 9 decimals), exactly
 * as the v3 strategy computes it: borrowRate(U)·U·(1 − reserveFactor).
 *
 * @example supplyRateRayAt(rateStrategyToRay(USDC_RATE_STRATEGY), 0.9) // 0.06·0.9·0.9 = 0.0486 in ray
 */
export function supplyRateRayAt(strategyRay: ReturnType<typeof rateStrategyToRay>, utilisation: number): bigint {
  const usage = BigInt(Math.round(utilisation * UTILISATION_SCALE)) * UTILISATION_TO_RAY;
  return liquidityRateRay(strategyRay, usage);
}

/** Each strategy's grid form, made once (a fund samples its reserves' paths in every run). */
const GRID_STRATEGIES = new WeakMap<RateStrategy, GridStrategy>();

function gridStrategyOf(strategy: RateStrategy): GridStrategy {
  let grid = GRID_STRATEGIES.get(strategy);
  if (grid === undefined) {
    grid = gridStrategy(rateStrategyToRay(strategy));
    GRID_STRATEGIES.set(strategy, grid);
  }
  return grid;
}

/**
 * Samples a reserve's daily path (days + 1 values): utilisation, then TVL; the supply rate is
 * {@link supplyRateRayAt}'s (computed on the utilisation grid, `market/utilisationGrid.ts`).
 *
 * @example sampleReservePath(spec, 365, Rng.stream(42, 0)).supplyApy[0]
 */
export function sampleReservePath(spec: ReservePathSpec, days: number, rng: Rng, field = 'reserve'): ReservePath {
  const n = days + 1;
  const dtYears = 1 / DAYS_PER_YEAR;
  const utilisation = fillUtilisationPath(new Float64Array(n), spec.utilisation, dtYears, rng, `${field}.utilisation`);
  const tvlUsd = fillFlooredPath(new Float64Array(n), spec.tvlUsd, 0, dtYears, rng, `${field}.tvlUsd`);
  const grid = gridStrategyOf(spec.strategy);
  const liquidityRate: bigint[] = new Array<bigint>(n);
  const supplyApr = new Float64Array(n);
  const supplyApy = new Float64Array(n);
  const availableLiquidityUsd = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    liquidityRate[t] = supplyRateRayOnGrid(grid, BigInt(Math.round(utilisation[t] * UTILISATION_SCALE)));
    supplyApr[t] = rayToNumber(liquidityRate[t]);
    supplyApy[t] = aprToApy(supplyApr[t]);
    availableLiquidityUsd[t] = tvlUsd[t] * (1 - utilisation[t]);
  }
  return { utilisation, liquidityRateRay: liquidityRate, supplyApr, supplyApy, tvlUsd, availableLiquidityUsd };
}

/**
 * Samples a vault's daily path (days + 1 values): APY, then TVL; the share price compounds
 * the previous day's APY.
 *
 * @example sampleVaultPath(spec, 365, Rng.stream(42, 0)).sharePrice[365]
 */
export function sampleVaultPath(spec: VaultPathSpec, days: number, rng: Rng, field = 'vault'): VaultPath {
  const n = days + 1;
  const dtYears = 1 / DAYS_PER_YEAR;
  const apy = fillFlooredPath(new Float64Array(n), spec.apy, MIN_VAULT_APY, dtYears, rng, `${field}.apy`);
  const tvlUsd = fillFlooredPath(new Float64Array(n), spec.tvlUsd, 0, dtYears, rng, `${field}.tvlUsd`);
  const sharePrice = new Float64Array(n);
  sharePrice[0] = spec.initialSharePrice;
  for (let t = 1; t < n; t++) sharePrice[t] = sharePrice[t - 1] * Math.pow(1 + apy[t - 1], dtYears);
  return { apy, tvlUsd, sharePrice };
}
