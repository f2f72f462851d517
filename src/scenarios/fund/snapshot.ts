/**
 * A fund's state on one day, before its plan, as a `capflow plan` input: the observation the
 * fund's policy reads that day, written with the fund's rules. `capflow plan --input` on it
 * plans exactly the trades the fund executed that day.
 */
import type { Seed } from '../../core/rng.ts';
import type { FundObservation } from '../../venues/types.ts';
import { snapshotDocument } from '../../strategies/yieldManager/observation.ts';
import type { YieldSnapshot } from '../../strategies/yieldManager/snapshot.ts';
import { createFundRun, prepareFundDay, runFundDay } from './model.ts';
import type { FundSetup } from './setup.ts';

/**
 * The observation of run `run` on day `day` (days before it run in full).
 *
 * @example fundObservationOnDay(setup, 42, 0, 30).cashUsd
 */
export function fundObservationOnDay(setup: FundSetup, seed: Seed, run: number, day: number): FundObservation {
  const r = createFundRun(setup, seed, run, { detail: false });
  for (let t = 0; t < day; t++) runFundDay(r, t);
  return prepareFundDay(r, day).observation;
}

/**
 * The `rules` section of a plan snapshot for the fund's policy.
 *
 * @example fundPlanRules(setup).weights.length // setup.venues.length
 */
export function fundPlanRules(setup: FundSetup): YieldSnapshot['rules'] {
  const { rules } = setup.policy;
  return {
    cashBufferPct: rules.cashBufferPct,
    sellHaircutPct: rules.sellHaircutPct,
    cashChangeToleranceUsd: rules.cashChangeToleranceUsd,
    ...(rules.horizonDays === null ? {} : { horizonDays: rules.horizonDays }),
    ...(rules.convergenceDays === undefined || rules.convergenceDays === null ? {} : { convergenceDays: rules.convergenceDays, dtDays: rules.dtDays ?? 1 }),
    weights: setup.params.rules.weights.map((w) => ({ ...w })),
  };
}

/**
 * The `capflow plan` input document of run `run` on day `day`, before the fund's plan.
 *
 * @example stringify(fundSnapshotOnDay(setup, 42, 0, 30)) // a plan.yaml
 */
export function fundSnapshotOnDay(setup: FundSetup, seed: Seed, run: number, day: number): Record<string, unknown> {
  return snapshotDocument(fundObservationOnDay(setup, seed, run, day), fundPlanRules(setup));
}
