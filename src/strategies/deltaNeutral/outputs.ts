/**
 * The part of an output row both accountings share: the cost of neutrality and the fees, each
 * a fraction of the accounting's base (committed capital in `exact`, 2k in `reference`).
 */

/**
 * Keys of the shared breakdown, in row order: costOfNeutrality = poolMoney + shortPnl, then
 * feesSum = poolFees + fundingFees + shortingFees.
 *
 * @example ['roi', ...COST_BREAKDOWN_KEYS] // the first 8 exact output keys
 */
export const COST_BREAKDOWN_KEYS = ['costOfNeutrality', 'poolMoney', 'shortPnl', 'poolFees', 'fundingFees', 'shortingFees', 'feesSum'] as const;

/**
 * Writes the breakdown at out[offset…offset + 6], in {@link COST_BREAKDOWN_KEYS} order.
 *
 * @example writeCostBreakdown(row, 1, -0.002, 0.001, 0.05, 0.02, -0.001) // row[1] = -0.001, row[7] = 0.069
 */
export function writeCostBreakdown(out: Float64Array, offset: number, poolMoney: number, shortPnl: number, poolFees: number, fundingFees: number, shortingFees: number): void {
  out[offset] = poolMoney + shortPnl;
  out[offset + 1] = poolMoney;
  out[offset + 2] = shortPnl;
  out[offset + 3] = poolFees;
  out[offset + 4] = fundingFees;
  out[offset + 5] = shortingFees;
  out[offset + 6] = poolFees + fundingFees + shortingFees;
}
