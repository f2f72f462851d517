import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { UserError } from '../../src/core/errors.ts';
import { checkFlowSpec, createDayFlows, sampleDayFlows, type FlowSpec } from '../../src/market/flows.ts';

const spec: FlowSpec = {
  depositsPerDay: 3,
  depositMeanUsd: 20_000,
  depositSizeVol: 0.8,
  redemptionsPerDay: 1.5,
  redemptionMeanPct: 0.004,
  redemptionSizeVol: 0.6,
  redemptionMaxPct: 0.05,
};

describe('investor flows', () => {
  it('has the configured mean counts and sizes over many days', () => {
    const rng = Rng.fromSeed(7);
    const day = createDayFlows(1);
    let deposits = 0;
    let depositUsd = 0;
    let redemptions = 0;
    let redemptionPct = 0;
    const days = 40_000;
    for (let d = 0; d < days; d++) {
      sampleDayFlows(rng, spec, day);
      deposits += day.depositCount;
      redemptions += day.redemptionCount;
      for (let i = 0; i < day.depositCount; i++) depositUsd += day.depositsUsd[i];
      for (let i = 0; i < day.redemptionCount; i++) {
        expect(day.redemptionPcts[i]).toBeLessThanOrEqual(spec.redemptionMaxPct);
        redemptionPct += day.redemptionPcts[i];
      }
    }
    expect(deposits / days).toBeCloseTo(3, 1);
    expect(redemptions / days).toBeCloseTo(1.5, 1);
    expect(depositUsd / deposits / spec.depositMeanUsd).toBeCloseTo(1, 1);
    expect(redemptionPct / redemptions / spec.redemptionMeanPct).toBeCloseTo(1, 1);
  });

  it('gives the same flows for the same seed', () => {
    const a = createDayFlows();
    const b = createDayFlows();
    const ra = Rng.stream(9, 2);
    const rb = Rng.stream(9, 2);
    for (let d = 0; d < 50; d++) {
      sampleDayFlows(ra, spec, a);
      sampleDayFlows(rb, spec, b);
      expect(a.depositCount).toBe(b.depositCount);
      expect(Array.from(a.depositsUsd.subarray(0, a.depositCount))).toEqual(Array.from(b.depositsUsd.subarray(0, b.depositCount)));
    }
  });

  it('rejects bad specs naming the field', () => {
    expect(() => checkFlowSpec({ ...spec, depositsPerDay: -1 })).toThrow(/flows\.depositsPerDay/);
    expect(() => checkFlowSpec({ ...spec, depositMeanUsd: NaN })).toThrow(UserError);
    expect(() => checkFlowSpec({ ...spec, redemptionMaxPct: 0 })).toThrow(/redemptionMaxPct/);
    expect(() => checkFlowSpec({ ...spec, redemptionMeanPct: 0.1 })).toThrow(/above the cap/);
    expect(checkFlowSpec(spec)).toBe(spec);
  });
});
