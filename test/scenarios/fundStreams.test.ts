import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfigFile } from '../../src/core/config.ts';
import { sampleFundMarket } from '../../src/scenarios/fund/market.ts';
import { simulateFundRun } from '../../src/scenarios/fund/model.ts';
import type { FundParams } from '../../src/scenarios/fund/schema.ts';
import { compileFund, type FundSetup } from '../../src/scenarios/fund/setup.ts';
import { parseScenario } from '../../src/scenarios/index.ts';
import { ROOT } from '../helpers/cli.ts';

type Doc = Record<string, any>;

function setupOf(change: (d: Doc) => void = () => undefined): FundSetup {
  const doc = loadConfigFile(join(ROOT, 'examples/fund.yaml'), z.any()) as Doc;
  doc.timesteps = 90;
  change(doc);
  const scenario = parseScenario(doc, 'fund.yaml');
  return compileFund(scenario.subsets[0] as FundParams, scenario.timesteps);
}

/** Each venue's sampled path arrays by name, and the sleeve's. */
function paths(setup: FundSetup, seed: number, run: number): Map<string, unknown> {
  const m = sampleFundMarket(setup, seed, run);
  const out = new Map<string, unknown>(setup.venueTerms.map((t, i) => [t.name, m.venues[i]]));
  out.set('sleeve', m.sleeve);
  return out;
}

describe('common random numbers: each process draws from its own named stream', () => {
  const base = paths(setupOf(), 42, 3);

  const variants: [string, (d: Doc) => void, string[]][] = [
    ['re-parameterising one venue', (d) => (d.params.venues['lagoon-usdc'].apy.vol = 0.2), ['lagoon-usdc']],
    ['removing a venue', (d) => {
      delete d.params.venues['steakhouse-usdc'];
      d.params.rules.weights.splice(0, 1);
    }, ['steakhouse-usdc']],
    ['adding a venue', (d) => {
      d.params.venues.extra = { kind: 'vault', apy: { kind: 'meanReverting', level: 0.05, speed: 5, vol: 0.1 }, tvlUsd: { kind: 'constant', value: 1e7 } };
      d.params.rules.weights.unshift({ venue: 'extra', maxConcentration: 0.1 });
    }, []],
    ['reordering the rules', (d) => d.params.rules.weights.unshift(...d.params.rules.weights.splice(1, 1)), []],
    ['changing the sleeve', (d) => (d.params.sleeve.price.dailyVol = 0.08), ['sleeve']],
  ];
  for (const [name, change, changed] of variants) {
    it(`leaves every other path exactly as it was when ${name}`, () => {
      const after = paths(setupOf(change), 42, 3);
      for (const [venue, path] of base) {
        if (!after.has(venue)) continue;
        if (changed.includes(venue)) expect(after.get(venue), venue).not.toEqual(path);
        else expect(after.get(venue), venue).toEqual(path);
      }
    });
  }

  it('keeps the investor flows when a venue changes, and changes them with the run', () => {
    const deposits = (setup: FundSetup, run: number): number[] => [...simulateFundRun(setup, 42, run, { detail: false }).series.depositsUsd];
    expect(deposits(setupOf((d) => (d.params.venues['aave-usdc'].utilisation.vol = 0.9)), 1)).toEqual(deposits(setupOf(), 1));
    expect(deposits(setupOf(), 2)).not.toEqual(deposits(setupOf(), 1));
  });
});
