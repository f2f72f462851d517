import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfigFile } from '../../src/core/config.ts';
import type { FeeEvent, LedgerEvent } from '../../src/ledger/types.ts';
import { simulateFundRun } from '../../src/scenarios/fund/model.ts';
import type { FundParams } from '../../src/scenarios/fund/schema.ts';
import { compileFund, type FundSetup } from '../../src/scenarios/fund/setup.ts';
import { parseScenario } from '../../src/scenarios/index.ts';
import { ROOT } from '../helpers/cli.ts';

type Doc = Record<string, any>;

function setupOf(change: (d: Doc) => void): FundSetup {
  const doc = loadConfigFile(join(ROOT, 'examples/fund.yaml'), z.any()) as Doc;
  doc.timesteps = 365;
  Object.assign(doc.params.flows, { depositsPerDay: 0, redemptionsPerDay: 0 });
  change(doc);
  const scenario = parseScenario(doc, 'fund.yaml');
  return compileFund(scenario.subsets[0] as FundParams, scenario.timesteps);
}

describe('fund fees: shares minted to the fee receiver', () => {
  it('takes the management fee daily: net = gross × (1 − m/365)^days, and the fees series is what the minted shares are worth', () => {
    const run = simulateFundRun(setupOf((d) => (d.params.fees = { managementPct: 0.02 })), 42, 0, { detail: true });
    const s = run.series;
    const n = 365;
    expect(s.sharePrice[n] / s.grossSharePrice[n]).toBeCloseTo((1 - 0.02 / 365) ** n, 9);
    const fees = (run.events as LedgerEvent[]).filter((e): e is FeeEvent => e.kind === 'fee');
    expect(fees.length).toBe(n);
    expect(fees.every((e) => e.reason === 'management' && e.owner === '0x00000000000000000000000000000000000fee00')).toBe(true);
    const paidUsd = s.managementFeesUsd.reduce((a, b) => a + b, 0);
    expect(paidUsd / s.navUsd[n]).toBeGreaterThan(0.019);
    expect(paidUsd / s.navUsd[n]).toBeLessThan(0.021);
    expect(s.navUsd[n]).toBeCloseTo(simulateFundRun(setupOf(() => undefined), 42, 0, { detail: false }).series.navUsd[n], 6); // fees move shares, not assets
  });

  it('crystallises the performance fee above the high-water mark only, at its schedule', () => {
    const run = simulateFundRun(setupOf((d) => (d.params.fees = { performancePct: 0.2, crystallizeEveryDays: 30 })), 42, 0, { detail: false });
    const s = run.series;
    let hwm = s.sharePrice[0];
    for (let t = 1; t <= 365; t++) {
      if (s.performanceFeesUsd[t] === 0) continue;
      expect(t % 30).toBe(0);
      // the price before today's mint: today's net price times today's dilution (gross/net grows by it)
      const before = s.sharePrice[t] * (s.grossSharePrice[t] / s.sharePrice[t]) / (s.grossSharePrice[t - 1] / s.sharePrice[t - 1]);
      expect(before).toBeGreaterThan(hwm);
      const feePerShare = 0.2 * (before - hwm);
      expect(s.sharePrice[t]).toBeCloseTo(before - feePerShare, 6);
      hwm = s.sharePrice[t];
    }
    expect(s.performanceFeesUsd.filter((x) => x > 0).length).toBeGreaterThan(3);
    // gross beats net by about a fifth of the gain
    const grossGain = s.grossSharePrice[365] / s.grossSharePrice[0] - 1;
    const netGain = s.sharePrice[365] / s.sharePrice[0] - 1;
    expect(netGain).toBeLessThan(grossGain);
    expect(netGain).toBeGreaterThan(0.75 * grossGain);
  });

  it('leaves the books without fee events when no fee is set', () => {
    const run = simulateFundRun(setupOf(() => undefined), 42, 0, { detail: true });
    expect((run.events as LedgerEvent[]).some((e) => e.kind === 'fee')).toBe(false);
    expect([...run.series.grossSharePrice]).toEqual([...run.series.sharePrice]);
  });
});
