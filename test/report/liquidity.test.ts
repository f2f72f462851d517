import { describe, expect, it } from 'vitest';
import { liquidityProfile, liquiditySeries } from '../../src/report/liquidity.ts';
import { createFundRunSeries } from '../../src/scenarios/fund/result.ts';

describe('liquidity profile', () => {
  it('adds locked value of delayed venues at their delay, never an instant venue’s', () => {
    const run = createFundRunSeries(1, [
      { name: 'aave', kind: 'credit_supply', withdrawDelayDays: 0 },
      { name: 'lagoon', kind: 'async_vault', withdrawDelayDays: 3 },
      { name: 'slow', kind: 'async_vault', withdrawDelayDays: 10 },
      { name: 'unknown', kind: 'async_vault' },
    ]);
    const t = 1;
    run.navUsd[t] = 1000;
    run.cashUsd[t] = 50;
    run.sleeve.valueUsd[t] = 100;
    const set = (i: number, value: number, locked: number): void => {
      run.venues[i].valueUsd[t] = value;
      run.venues[i].lockedUsd[t] = locked;
    };
    set(0, 400, 40); // 40 beyond the reserve's liquidity
    set(1, 200, 190); // 10 instant buffer
    set(2, 150, 150);
    set(3, 100, 100);
    const p = liquidityProfile(run, t);
    const now = 50 + 100 + 360 + 10;
    expect(p.withdrawableUsd).toEqual([now, now, now + 190, now + 190 + 150]);
    expect(p.withdrawablePct).toEqual([0.52, 0.52, 0.71, 0.86]);
    expect(liquiditySeries(run)[2][t]).toBe(0.71);
  });

  it('is capped at NAV and is NaN without NAV', () => {
    const run = createFundRunSeries(0, []);
    run.cashUsd[0] = 10;
    expect(liquidityProfile(run, 0).withdrawablePct[0]).toBeNaN();
    run.navUsd[0] = 5;
    expect(liquidityProfile(run, 0).withdrawablePct).toEqual([1, 1, 1, 1]);
  });
});
