/**
 * `capflow/strategies`: the policies — pure functions from observations and parameters to a
 * decision with its explanation: the yield manager (where idle cash goes, rule by rule, and
 * the marginal-APY mode), the capital allocation model (targets and transfers), the
 * delta-neutral LP + short paths, the sleeve resize rule, and the live plan's inputs and
 * trade orders.
 *
 * To add a public module of this layer: one `export` line below.
 *
 * @example
 * import { rebalancePlan } from 'capflow/strategies';
 * rebalancePlan([700, 300], [0.4, 0.6], 1, 'direct').transfers; // [{ from: 0, to: 1, amount: ≈ 300 }]
 *
 * @packageDocumentation
 */
export * from './capitalAllocation.ts';
export * from './deltaNeutral.ts';
export * from './sleeveResize.ts';
export * from './yieldManager.ts';
export * from './yieldManager/snapshot.ts';
export * from './yieldManager/observation.ts';
export * from './yieldManager/marginal.ts';
export * from './yieldManager/liveInput.ts';
export * from './yieldManager/liveModes.ts';
export * from './yieldManager/liveTrades.ts';
export * from './yieldManager/liveBatch.ts';
