import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { loadConfigFile, parseConfig } from '../../src/core/config.ts';
import { completeFundDay, createFundRun, prepareFundDay } from '../../src/scenarios/fund/model.ts';
import type { FundParams } from '../../src/scenarios/fund/schema.ts';
import { compileFund, type FundSetup } from '../../src/scenarios/fund/setup.ts';
import { fundPlanRules } from '../../src/scenarios/fund/snapshot.ts';
import { parseScenario } from '../../src/scenarios/index.ts';
import { planYield } from '../../src/strategies/yieldManager.ts';
import { snapshotDocument } from '../../src/strategies/yieldManager/observation.ts';
import { YieldSnapshotSchema, yieldInputFromSnapshot } from '../../src/strategies/yieldManager/snapshot.ts';
import { ROOT } from '../helpers/cli.ts';

type Doc = Record<string, any>;
interface Trade {
  venue: string;
  action: string;
  amountUsd: number;
}

function setupOf(change: (d: Doc) => void): FundSetup {
  const doc = loadConfigFile(join(ROOT, 'examples/fund.yaml'), z.any()) as Doc;
  change(doc);
  const scenario = parseScenario(doc, 'fund.yaml');
  return compileFund(scenario.subsets[0] as FundParams, scenario.timesteps);
}

/** What `capflow plan --input` decides on the snapshot text: its trades in execution order. */
function plannedTrades(doc: Record<string, unknown>): Trade[] {
  const snapshot = parseConfig(YieldSnapshotSchema, parse(stringify(doc)), 'snap.yaml');
  const { policy, state } = yieldInputFromSnapshot(snapshot);
  return planYield(policy, state).trades.map((t) => ({ venue: t.venue, action: t.settlesInDays > 0 ? 'request redeem' : t.action, amountUsd: Math.abs(t.deltaUsd) }));
}

/** Runs the fund to `lastDay`, checking on every day from `firstDay` that the plan on its snapshot is what the fund executed. */
function checkParity(setup: FundSetup, seed: number, firstDay: number, lastDay: number): number {
  const run = createFundRun(setup, seed, 0, { detail: true });
  let compared = 0;
  for (let t = 0; t <= lastDay; t++) {
    const day = prepareFundDay(run, t);
    const planned = t >= firstDay ? plannedTrades(snapshotDocument(day.observation, fundPlanRules(setup))) : null;
    const before = run.series.trades.length;
    completeFundDay(run, day);
    if (planned === null) continue;
    const executed = run.series.trades.slice(before);
    expect(executed.map((x) => [x.venue, x.action]), `day ${t}`).toEqual(planned.map((x) => [x.venue, x.action]));
    executed.forEach((x, k) => expect(Math.abs(x.amountUsd - planned[k].amountUsd), `day ${t} ${x.venue}`).toBeLessThanOrEqual(1e-6));
    compared += executed.length;
  }
  return compared;
}

describe('plan/fund parity: capflow plan on the fund\'s snapshot of a day gives the trades the fund executed', () => {
  it('on every day of a year of examples/fund.yaml', () => {
    const setup = setupOf(() => undefined);
    expect(checkParity(setup, 42, 0, setup.days)).toBeGreaterThan(100);
  });

  it('with rules.convergenceDays: the fund converges as capflow plan does, and moves less on its first day', () => {
    const setup = setupOf((d) => {
      d.timesteps = 60;
      d.params.rules.convergenceDays = 20;
    });
    expect(setup.policy.rules.convergenceDays).toBe(20);
    expect(checkParity(setup, 42, 0, setup.days)).toBeGreaterThan(20);
    const first = (s: FundSetup): number => {
      const run = createFundRun(s, 42, 0, { detail: true });
      completeFundDay(run, prepareFundDay(run, 0));
      return run.series.trades.reduce((sum, t) => sum + t.amountUsd, 0);
    };
    const fullSpeed = setupOf((d) => {
      d.timesteps = 60;
    });
    expect(first(setup)).toBeLessThan(0.5 * first(fullSpeed));
  });

  it('on 200 random fund states', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 0, max: 1e9 }),
          day: fc.integer({ min: 0, max: 40 }),
          // a cash buffer of at least 0.1% of NAV pays the trades' costs (entry costs, gas); with none, a deposit is cut by its own costs
          cashBufferPct: fc.double({ min: 0.001, max: 0.3, noNaN: true }),
          tolerance: fc.double({ min: 1, max: 5000, noNaN: true }),
          concentration: fc.double({ min: 0, max: 1, noNaN: true }),
          participation: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
          redemptionsPerDay: fc.double({ min: 0, max: 4, noNaN: true }),
          settlementDays: fc.integer({ min: 0, max: 3 }),
          delay: fc.integer({ min: 1, max: 7 }),
          horizon: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
        }),
        (c) => {
          const setup = setupOf((d) => {
            d.timesteps = c.day + 1;
            d.params.rules.cashBufferPct = c.cashBufferPct;
            d.params.rules.cashChangeToleranceUsd = c.tolerance;
            d.params.rules.weights[0].maxConcentration = c.concentration;
            d.params.rules.weights[1].maxPoolParticipation = c.participation;
            if (c.horizon === undefined) delete d.params.rules.horizonDays;
            else d.params.rules.horizonDays = c.horizon;
            d.params.flows.redemptionsPerDay = c.redemptionsPerDay;
            d.params.redemptions.settlementDays = c.settlementDays;
            d.params.venues['lagoon-usdc'].withdrawDelayDays = c.delay;
            d.params.sleeve.sharePct = Math.min(d.params.sleeve.sharePct, 1 - c.cashBufferPct);
          });
          compared += checkParity(setup, c.seed, c.day, c.day);
        },
      ),
      { numRuns: 200, seed: 11 },
    );
    expect(compared).toBeGreaterThan(200);
  });
});
