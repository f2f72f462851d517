/**
 * The σ²/8 law (loss-versus-rebalancing): a constant-product LP hedged with a linear short
 * loses, in expectation, the pool's convexity — about σ²/8 of pool value per unit time — and
 * rebalancing more often does not change that expectation, only its spread.
 *
 * Closed form for GBM with per-step log-vol σ and no drift, hedge rebalanced on a schedule,
 * no margin moves: E[√(P′/P)] = e^(−σ²/8) per step, so E[Vₙ] = V₀·e^(−nσ²/8) and the short's
 * expected P&L is 0 (prices are a martingale). Hence E[costOfNeutrality] = (V₀/C)(e^(−nσ²/8) − 1)
 * whatever the interval.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { fillSyntheticPath } from '../../src/market/prices.ts';
import { summarize, type Summary } from '../../src/market/stats.ts';
import { checkExactParams, EXACT_DEFAULTS, simulateExactPath, type ExactParams } from '../../src/strategies/deltaNeutral.ts';

const SIGMA = 0.03;
const STEPS = 365;
const RUNS = 3000;
const SEED = 2024;

function study(rebalanceEvery: number): { cost: Summary; lvr: Summary; params: ExactParams } {
  const params = checkExactParams({ ...EXACT_DEFAULTS, dtYears: 1 / 365, poolApr: 0, makerFeePct: 0, takerFeePct: 0, rebalanceEvery, marginBand: Infinity, shortLeverage: 0.5 });
  const prices = new Float64Array(STEPS + 1);
  const funding = new Float64Array(STEPS);
  const cost = new Float64Array(RUNS);
  const lvr = new Float64Array(RUNS);
  for (let i = 0; i < RUNS; i++) {
    fillSyntheticPath(prices, { kind: 'gbm', initialPrice: 35000, volPerStep: SIGMA, steps: STEPS }, Rng.stream(SEED, i));
    const out = simulateExactPath(prices, funding, params);
    cost[i] = out.costOfNeutrality;
    lvr[i] = out.lvr;
  }
  return { cost: summarize(cost), lvr: summarize(lvr), params };
}

/** Pool share of the committed capital: V₀ / C = 1 / (1 + 1/(2·leverage)). */
const poolShare = (p: ExactParams): number => 1 / (1 + 1 / (2 * p.shortLeverage));

describe('loss-versus-rebalancing: the σ²/8 law', () => {
  const daily = study(1);
  const weekly = study(7);
  const expectedCost = poolShare(daily.params) * (Math.exp((-STEPS * SIGMA * SIGMA) / 8) - 1);

  it('the mean cost of neutrality is (V0/C)(e^(-nσ²/8) - 1) ≈ -σ²/8 of pool value per step, within 3 standard errors', () => {
    expect(Math.abs(daily.cost.mean - expectedCost)).toBeLessThan(3 * daily.cost.sem);
    // and that is the σ²/8 rule to first order
    expect(expectedCost).toBeCloseTo((-poolShare(daily.params) * STEPS * SIGMA * SIGMA) / 8, 3);
  });

  it('rebalancing weekly instead of daily leaves the expected cost unchanged but widens its spread', () => {
    expect(Math.abs(weekly.cost.mean - expectedCost)).toBeLessThan(3 * weekly.cost.sem);
    expect(weekly.cost.std).toBeGreaterThan(2 * daily.cost.std);
  });

  it('the LVR estimate -ΣV·u²/8 matches the realised cost within its standard error', () => {
    // E[u²] = e^(σ²) − 1 for a GBM simple return; E[Vₜ] = V₀·e^(−tσ²/8)
    let expectedLvr = 0;
    for (let t = 0; t < STEPS; t++) expectedLvr -= (poolShare(daily.params) * Math.exp((-t * SIGMA * SIGMA) / 8) * (Math.exp(SIGMA * SIGMA) - 1)) / 8;
    expect(Math.abs(daily.lvr.mean - expectedLvr)).toBeLessThan(3 * daily.lvr.sem);
    expect(Math.abs(daily.lvr.mean - daily.cost.mean)).toBeLessThan(3 * Math.hypot(daily.lvr.sem, daily.cost.sem));
  });
});
