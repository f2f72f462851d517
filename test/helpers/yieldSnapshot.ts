/**
 * The yield manager's snapshot from the issue: two venues (a vault `ipor` first, Aave last)
 * and 10,000 USD of cash, as a plain document for `YieldSnapshotSchema` or `capflow plan`.
 * Each call builds fresh objects, so callers may change them.
 *
 * @example twoVenueSnapshot({ cashUsd: 500, positionsUsd: { ipor: 3000, aave: 6500 } })
 */
export function twoVenueSnapshot(over: Record<string, unknown> = {}): Record<string, any> {
  return {
    rules: {
      cashBufferPct: 0.05,
      sellHaircutPct: 0.01,
      cashChangeToleranceUsd: 5,
      weights: [
        { venue: 'ipor', maxConcentration: 0.33 },
        { venue: 'aave', maxConcentration: 1 },
      ],
    },
    venues: { ipor: { kind: 'vault', sharePrice: 2 }, aave: { kind: 'credit_supply' } },
    cashUsd: 10000,
    positionsUsd: { ipor: 0, aave: 0 },
    totalEquityUsd: 10000,
    ...over,
  };
}

/**
 * The rules of {@link twoVenueSnapshot} with some fields replaced.
 *
 * @example twoVenueSnapshot({ rules: twoVenueRules({ sellHaircutPct: 0 }) })
 */
export function twoVenueRules(over: Record<string, unknown>): Record<string, unknown> {
  return { ...twoVenueSnapshot().rules, ...over };
}
