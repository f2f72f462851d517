/**
 * `exact` accounting (capflow's default) of a delta-neutral LP farm: liquidity in a
 * constant-product stable/token pool plus a short of the pool's token amount.
 *
 * ## Positions and units
 * - Pool: liquidity `L` (√(token·USD)); token amount Q = L/√P, value V = 2L√P (USD).
 * - Short: modelled as a lending-protocol short — USD collateral `c` (margin plus the proceeds
 *   of the tokens sold) against a debt of `q` tokens. Its equity is c − q·P; its health factor
 *   c·cf / (q·P) (cf = liquidation threshold); below 1 it is liquidated (bought back at P, minus
 *   a liquidation penalty on the notional).
 * - Cash: pool fees harvested and not reinvested.
 * - Committed capital C = V₀ + margin, with margin = V₀ / (2·leverage) (the short's notional
 *   V₀/2 at the chosen leverage). Every output is a fraction of C.
 *
 * ## One step (Pₜ → Pₜ₊₁)
 * 1. Policy at Pₜ: rebalance on the schedule (t % rebalanceEvery = 0) and/or when the hedge ratio
 *    q/Q leaves its band (|q/Q − 1| > band). Step 0 always opens the hedge.
 * 2. Rebalance: first, when the short's leverage left its band, restore it *in kind* — withdraw liquidity and
 *    repay token debt with the withdrawn tokens (or borrow tokens and add liquidity), no trade,
 *    value conserved — then trade the short to q = Q at Pₜ paying the maker fee (schedule) or the
 *    taker fee (band only) on |Δq|·Pₜ, plus a fixed cost per rebalance.
 * 3. Market: the pool earns 2L(√Pₜ₊₁ − √Pₜ), the short −q(Pₜ₊₁ − Pₜ); funding q·Pₜ₊₁·rate·dt is paid on
 *    the mark notional (> 0: shorts receive); pool fees V(Pₜ₊₁)·apr·dt go to cash or are
 *    reinvested as liquidity; then the liquidation check at Pₜ₊₁. A liquidated short is bought
 *    back at Pₜ₊₁ paying the penalty; a gap far through the liquidation price can leave the
 *    collateral negative (the shortfall is the fund's loss). The next rebalance reopens the hedge.
 * 4. Wipe-out: when equity (pool + cash + collateral − debt·P) falls to 0 or below — in practice
 *    after a gap liquidation — the position is gone: the path stops there, equity is 0 (roi = −1,
 *    maxDrawdown = −1, `wipedOut` = 1) and every other output keeps its value at that step
 *    (prices after it are ignored). On such a path the parts sum to ≤ −1: the excess is the
 *    shortfall left unpaid (the lender's bad debt). So roi ≥ −1 and −1 ≤ maxDrawdown ≤ 0 always.
 * After the last step the short is bought back at Pₙ with the taker fee (a close that takes
 * equity to 0 wipes the position out too).
 *
 * ## Why rebalancing more often does not remove the loss (LVR)
 * Hedged at Pₜ (q = Q = L/√Pₜ), a move to P(1+u) earns L√P·(2√(1+u) − 2 − u) ≈ −V·u²/8: the pool
 * is short convexity (its value is concave in P), the linear short cannot offset a curvature.
 * Summed over a period the cost is ≈ σ²/8 of pool value per unit time (loss-versus-rebalancing),
 * whatever the rebalance interval: the expected pool P&L over any interval is
 * V·(E[√(P′/P)] − 1) ≈ −V·σ²·Δt/8 while the short's expected P&L is 0. Rebalancing more often only
 * narrows the spread of the outcome around that cost (and adds trading fees). `lvr` reports the
 * estimate −Σ Vₜ·uₜ²/8 / C from the path's own squared returns, beside the realised
 * `costOfNeutrality` = poolMoney + shortPnl.
 *
 * State lives in a Float64Array (indexes `X_*`) so nothing is allocated per step; the step
 * functions serve the generic engine, and {@link exactRunSteps} — the Monte Carlo hot loop —
 * runs a whole path with the state in locals, doing their arithmetic in the same order.
 */

export * from './exactState.ts';
export {
  exactAdvance, exactEquity, exactFinish, exactInit, exactRebalance, exactStep, exactWipedOut, hedgeDecision, hedgeRatio, marginOutOfBand, positionDelta, restoreMarginInKind,
} from './exactSteps.ts';
export { exactRunSteps, runExactPath } from './exactPath.ts';
