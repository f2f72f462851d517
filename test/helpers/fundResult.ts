import { Rng } from '../../src/core/rng.ts';
import { createFundBands, createFundRunSeries, type FundBands, type FundResult, type FundRunSeries } from '../../src/scenarios/fund/result.ts';
import { addDays } from '../../src/scenarios/fund/setup.ts';

/**
 * A synthetic but internally consistent fund result (for testing the report without running
 * the model): a share price with drift and noise, two venues earning yield, a sleeve.
 */
export function syntheticFundRun(run: number, days: number, seed = 1): FundRunSeries {
  const rng = Rng.stream(seed, run);
  const n = days + 1;
  const dates = Array.from({ length: n }, (_, d) => addDays('2025-01-01', d));
  const r = createFundRunSeries(
    days,
    [
      { name: 'aave-usdc', kind: 'credit_supply', withdrawDelayDays: 0 },
      { name: 'morpho-usdc', kind: 'vault', withdrawDelayDays: 0 },
      { name: 'lagoon-usdc', kind: 'async_vault', withdrawDelayDays: 3 },
    ],
    run,
    dates,
  );
  r.sharePrice[0] = 1;
  r.grossSharePrice[0] = 1;
  r.totalShares[0] = 1_000_000;
  for (let d = 0; d < n; d++) {
    if (d > 0) {
      r.grossSharePrice[d] = r.grossSharePrice[d - 1] * (1 + 0.0002 + 0.001 * rng.normal());
      r.sharePrice[d] = r.grossSharePrice[d] * (1 - 0.01 / 365) ** d; // a 1% management fee
      r.depositsUsd[d] = rng.uniform() < 0.3 ? 10_000 : 0;
      r.redemptionsPaidUsd[d] = d % 7 === 0 ? 4_000 : 0;
      r.totalShares[d] = r.totalShares[d - 1] + (r.depositsUsd[d] - r.redemptionsPaidUsd[d]) / r.sharePrice[d];
      r.shortfallUsd[d] = d === 10 ? 500 : 0;
      r.pendingRedemptionsUsd[d] = d % 7 === 6 ? 4_000 : 0;
      r.costsUsd[d] = d % 30 === 1 ? 25 : 0;
    }
    r.navUsd[d] = r.sharePrice[d] * r.totalShares[d];
    r.cashUsd[d] = 0.05 * r.navUsd[d];
    r.bufferUsd[d] = 0.04 * r.navUsd[d];
    r.managementFeesUsd[d] = d > 0 ? (r.navUsd[d] * 0.01) / 365 : 0;
    r.venues[0].valueUsd[d] = 0.4 * r.navUsd[d];
    r.venues[1].valueUsd[d] = 0.3 * r.navUsd[d];
    r.venues[2].valueUsd[d] = 0.15 * r.navUsd[d];
    r.venues[0].lockedUsd[d] = 0.05 * r.navUsd[d]; // beyond the reserve's liquidity
    r.venues[2].lockedUsd[d] = 0.14 * r.navUsd[d]; // all but the instant buffer
    r.venues[0].yieldEarnedUsd[d] = d * 60;
    r.venues[1].yieldEarnedUsd[d] = d * 50;
    r.venues[2].yieldEarnedUsd[d] = d * 30;
    r.venues[0].apy[d] = 0.04 + 0.01 * Math.sin(d / 20);
    r.venues[1].apy[d] = 0.06;
    r.venues[2].apy[d] = 0.08;
    r.sleeve.valueUsd[d] = 0.1 * r.navUsd[d];
    r.sleeve.feesUsd[d] = d * 20;
    r.sleeve.lvrUsd[d] = -d * 5;
    r.decisions.push({ day: d, venue: 'aave-usdc', askedUsd: 1000, boundBy: 'remainder', acceptedUsd: 1000, existingUsd: 900, deltaUsd: 100, action: d % 2 ? 'supply' : 'none', capUsd: 1000, lockedUsd: 0, redeemRequestUsd: 0, noTradeReason: '' });
  }
  return r;
}

function bands(paths: Float64Array[]): FundBands {
  const n = paths[0].length;
  const out = createFundBands(n);
  const column = new Float64Array(paths.length);
  for (let d = 0; d < n; d++) {
    paths.forEach((p, i) => (column[i] = p[d]));
    column.sort();
    const q = (x: number): number => column[Math.round(x * (paths.length - 1))];
    out.p5[d] = q(0.05);
    out.p25[d] = q(0.25);
    out.p50[d] = q(0.5);
    out.p75[d] = q(0.75);
    out.p95[d] = q(0.95);
  }
  return out;
}

/** A synthetic {@link FundResult} with `runs` runs of `days` days (benchmark aave-usdc; `null`: no report settings). */
export function syntheticFundResult(runs: number, days: number, report: FundResult['report'] | null = { benchmark: 'aave-usdc' }): FundResult {
  const all = Array.from({ length: runs }, (_, i) => syntheticFundRun(i, days));
  const last = (x: Float64Array): number => x[x.length - 1];
  return {
    name: 'synthetic fund',
    seed: 1,
    runs,
    days,
    startDate: '2025-01-01',
    detail: all[0],
    summaries: {
      finalNavUsd: Float64Array.from(all, (r) => last(r.navUsd)),
      totalReturn: Float64Array.from(all, (r) => last(r.sharePrice) - 1),
      maxDrawdown: Float64Array.from(all, (r) => -Math.abs(r.sharePrice.reduce((m, v) => Math.min(m, v - 1), 0))),
      shortfallDays: Float64Array.from(all, () => 1),
    },
    sharePriceBands: bands(all.map((r) => r.sharePrice)),
    navBands: bands(all.map((r) => r.navUsd)),
    ...(report === null ? {} : { report }),
  };
}
