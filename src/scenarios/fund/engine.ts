/**
 * The fund as a model of the generic engine (`sim/`): one block per day whose policy runs the
 * fund's day ({@link runFundDay}) and whose updates record the daily fund columns. This is
 * what the scenario registry's `build` returns, so sweeps and the generic `results` table work
 * for the fund like for any model; `capflow run` on a fund file uses the study runner
 * ({@link runFundStudy}) for the full result (venues, sleeve, decisions, bands). Both draw run
 * each process of run r from `Rng.named(seed, r, name)` and give the same numbers.
 */
import type { Model } from '../../sim/model.ts';
import { createFundRun, runFundDay, type FundRun } from './model.ts';
import type { FundParams } from './schema.ts';
import { compileFund, NO_FUND_INPUTS, type FundInputs, type FundSetup } from './setup.ts';
import { FUND_DAILY_COLUMNS, type FundDailyColumn } from './study.ts';

/** Engine state of the fund: the daily fund columns. */
export type FundEngineState = Record<FundDailyColumn, number>;

/**
 * The engine model of fund parameters and their inputs (the registry's `build`). The setup is
 * compiled for the run's `timesteps` (days) on first use.
 *
 * @example runModel(buildFundModel(params), params, { timesteps: 30, seed: 42, run: 0, subset: 0, substeps: 'last' })
 */
export function buildFundModel(params: FundParams, inputs: FundInputs = NO_FUND_INPUTS): Model<FundParams, FundEngineState> {
  let setup: FundSetup | null = null;
  let sim: FundRun | null = null;
  const current = (): FundRun => sim as FundRun;
  const updates = Object.fromEntries(FUND_DAILY_COLUMNS.map((c) => [c, (ctx: { timestep: number }) => current().series[c][ctx.timestep]])) as {
    [K in FundDailyColumn]: (ctx: { timestep: number }) => number;
  };
  return {
    name: 'fund',
    initialState(ctx) {
      if (setup === null || setup.days !== ctx.timesteps) setup = compileFund(params, ctx.timesteps, inputs);
      sim = createFundRun(setup, ctx.seed, ctx.run, { detail: false, venueSeries: false }); // the engine records the fund's columns only
      runFundDay(sim, 0);
      const s = sim.series;
      return Object.fromEntries(FUND_DAILY_COLUMNS.map((c) => [c, s[c][0]])) as FundEngineState;
    },
    blocks: [
      {
        label: 'day',
        policies: [{ name: 'fund day', emits: [], run: (ctx) => runFundDay(current(), ctx.timestep) }],
        updates,
      },
    ],
  };
}
