/**
 * Capital allocation: how users move capital between N deposits (venues) toward yield- and
 * risk-weighted targets (after the Fei Protocol capital allocation model, rewritten from its
 * formulas).
 *
 * 1. **Targets.** Endogenous: w_i ∝ ȳ_i / (1 + volatileRisk_i + σ_i/μ_i) over a moving window
 *    of past yields, ȳ floored at 1e-18. Exogenous: (w + r·p) / (1 + r) with p ~ Dirichlet(α).
 * 2. **Balance change.** r = √(dt / rebalanceDuration); b_i = r·(target_i − current_i)·total.
 * 3. **Transfers.** b is split into pairwise flows, an n×n matrix M (row-major, only i < j
 *    used): M[i][j] > 0 moves M[i][j] from deposit j to deposit i, M[i][j] < 0 moves |M[i][j]|
 *    from i to j. Methods: `direct` (default; each losing deposit pays gaining deposits in
 *    index order, volume Σ max(b_i, 0)), `min-norm` ((b_i − b_j)/n on every pair) and
 *    `fei-reference` (the original's pseudo-inverse solution, in closed form).
 * 4. **Execution.** Transfers run in row-major order; each is capped at the source's balance
 *    at that moment, and the shortfall is reported. Amounts move on a binary grid (a
 *    multiple of Q = 2^(⌊log2 Σ⌋ − 51)), so every addition and subtraction is exact and Σ
 *    balances is conserved bit for bit.
 *
 * Compatibility: `compat: 'fei-reference'` reproduces the original's target weights exactly,
 * including its edge cases: it divides the window sum by the full window length even when
 * fewer samples exist (early timesteps), and uses σ/(μ + 1e-18) (negative for negative mean
 * yields). The default divides by the number of samples and uses σ / max(μ, 1e-18).
 */

export * from './capitalAllocation/transfers.ts';
export * from './capitalAllocation/targets.ts';
export * from './capitalAllocation/plan.ts';
