/**
 * Yield manager: parks a fund's idle cash in yield venues (a lending reserve's credit supply,
 * ERC-4626 and ERC-7540 vaults) by an ordered rule list, and says why.
 *
 * The policy is pure and runs in two layers:
 * - `planYieldInto` (`yieldManager/kernel.ts`, whose header documents the semantics): typed,
 *   already-validated input ({@link YieldPolicy} + {@link YieldState}), results written into a
 *   reusable {@link YieldWorkspace} of typed arrays; no allocation per call. A simulation calls
 *   this every step.
 * - `planYield` (`yieldManager/plan.ts`): the same kernel, then the result as plain objects
 *   (decisions with their explanation, trades in execution order) for `capflow plan` and
 *   library users.
 *
 * This module gathers them so that they import from one path.
 */
import type { YieldPolicy, YieldState, YieldWorkspace } from './yieldManager/types.ts';

export * from './yieldManager/types.ts';
export * from './yieldManager/kernel.ts';
export * from './yieldManager/plan.ts';
export { convergenceFraction } from './yieldManager/convergence.ts';
