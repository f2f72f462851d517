import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { twoVenueRules, twoVenueSnapshot } from '../helpers/yieldSnapshot.ts';

const dir = mkdtempSync(join(tmpdir(), 'capflow-plan-'));

/** The snapshot of the issue with a 20% pool-participation cap on ipor (TVL 4,000 USD: 1,000 more is 20%) and a 1,000 USD buy. */
function issueSnapshot(over: Record<string, unknown> = {}): Record<string, unknown> {
  return twoVenueSnapshot({
    rules: twoVenueRules({
      weights: [
        { venue: 'ipor', maxConcentration: 0.33, maxPoolParticipation: 0.2 },
        { venue: 'aave', maxConcentration: 1 },
      ],
    }),
    venues: { ipor: { kind: 'vault', tvlUsd: 4000, sharePrice: 2 }, aave: { kind: 'credit_supply' } },
    pendingRedemptionsUsd: 0,
    directionalTrades: [{ side: 'buy', reserveUsd: 1000 }],
    ...over,
  });
}

function write(name: string, data: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
}

describe('capflow plan', () => {
  it('plans the issue snapshot as JSON with the waterfall, decisions and trades', () => {
    const r = runCliJson(['plan', '--input', write('issue.json', issueSnapshot())]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ cashLikeUsd: 10000, tradeCashDiffUsd: 1000, pendingRedemptionsUsd: 0, availableForYieldUsd: 8500, shortfallUsd: 0 });
    expect(r.json.alwaysInCashUsd).toBeCloseTo(500, 9);
    expect(r.json.decisions.map((d: any) => [d.venue, d.amountUsd, d.existingUsd, d.boundBy])).toEqual([
      ['ipor', 1000, 0, 'poolParticipation'],
      ['aave', 7500, 0, 'remainder'],
    ]);
    expect(r.json.decisions.map((d: any) => d.weight)).toEqual([1000 / 8500, 7500 / 8500]);
    expect(r.json.trades).toEqual([
      { venue: 'ipor', kind: 'vault', action: 'deposit', deltaUsd: 1000, deltaShares: 500, settlesInDays: 0 },
      { venue: 'aave', kind: 'credit_supply', action: 'supply', deltaUsd: 7500, deltaShares: null, settlesInDays: 0 },
    ]);
  });

  it('converges: with rules.convergenceDays one plan moves √(dtDays / convergenceDays) of the way and says so', () => {
    const snap = twoVenueSnapshot({ rules: twoVenueRules({ convergenceDays: 16, dtDays: 4, weights: [{ venue: 'ipor', maxConcentration: 0 }, { venue: 'aave', maxConcentration: 1 }] }) });
    const { code, json } = runCliJson(['plan', '--input', write('converge.json', snap)]);
    expect(code).toBe(0);
    expect(json.decisions[1].targetUsd).toBeCloseTo(9500, 9);
    expect(json.trades).toEqual([{ venue: 'aave', kind: 'credit_supply', action: 'supply', deltaUsd: 4750, deltaShares: null, settlesInDays: 0 }]);
    const human = runCli(['plan', '--input', write('converge2.json', snap)]);
    expect(human.stdout).toContain('Converging over 16 d, one plan every 4 d: this plan moves 50% of the way');
    expect(human.stdout).toContain('aave: target 9,500.00 USD; this plan takes it to 4,750.00 USD.');
    const bad = runCli(['plan', '--input', write('converge3.json', twoVenueSnapshot({ rules: twoVenueRules({ convergenceDays: 0 }) }))]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rules.convergenceDays');
  });

  it('reads YAML and prints the waterfall, a row per venue and the trades', () => {
    const r = runCli(['plan', '--input', 'examples/plan.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/= available for yield\s+1,529,600\.00\s+USD/);
    expect(r.stdout).toMatch(/lagoon-usdc\s+async_vault\s+229,440\.00\s+200,000\.00\s+liquidity\s+270,000\.00/);
    expect(r.stdout).toContain('request redeem 70,000.00 (pays in 3 d)');
    expect(r.stdout).toMatch(/holds 120,000\.00 USD above its pool-participation cap/);
    expect(r.stdout).toMatch(/4\s+aave-usdc\s+supply\s+47,760\.00\s+now/);
  });

  it('gives the same plan for the example as JSON', () => {
    const r = runCliJson(['plan', '--input', 'examples/plan.yaml']);
    expect(r.code).toBe(0);
    expect(r.json.trades.map((t: any) => [t.venue, t.action, t.deltaUsd, t.settlesInDays])).toEqual([
      ['lagoon-usdc', 'redeem', -50000, 0],
      ['morpho-steakhouse-usdc', 'redeem', -88160, 0],
      ['lagoon-usdc', 'redeem', -70000, 3],
      ['aave-usdc', 'supply', 47760, 0],
    ]);
    expect(r.json.cashAfterUsd).toBeCloseTo(270400, 6);
  });

  it('reports a shortfall instead of failing', () => {
    const r = runCliJson(['plan', '--input', write('short.json', issueSnapshot({ positionsUsd: { ipor: 500, aave: 1000 }, cashUsd: 100, directionalTrades: [{ side: 'buy', reserveUsd: 5000 }] }))]);
    expect(r.code).toBe(0);
    expect(r.json.shortfallUsd).toBeCloseTo(5000 + 500 - 1600, 9);
    expect(r.json.trades.map((t: any) => t.venue)).toEqual(['aave', 'ipor']);
    const human = runCli(['plan', '--input', join(dir, 'short.json')]);
    expect(human.stdout).toMatch(/Shortfall 3,900\.00 USD/);
  });

  it('requests the locked money a shortfall needs from a delayed venue, and says so', () => {
    const snap = twoVenueSnapshot({ positionsUsd: { ipor: 3000, aave: 4000 }, cashUsd: 500, directionalTrades: [{ side: 'buy', reserveUsd: 5000 }] });
    snap.venues.ipor.kind = 'async_vault';
    snap.venues.ipor.withdrawDelayDays = 3;
    snap.venues.aave.availableLiquidityUsd = 1000;
    const r = runCliJson(['plan', '--input', write('short-delayed.json', snap)]);
    expect(r.code).toBe(0);
    expect(r.json.shortfallUsd).toBeCloseTo(4000, 9);
    const ipor = r.json.decisions[0];
    expect(ipor.redeemRequest.deltaUsd).toBeCloseTo(-3000, 9);
    expect(ipor.shortfallRedeemUsd).toBeCloseTo(660, 9);
    const human = runCli(['plan', '--input', join(dir, 'short-delayed.json')]);
    expect(human.stdout).toContain('ipor: requests the redemption of 3,000.00 USD (pays in 3 d): 2,340.00 USD above its caps + 660.00 USD towards the 4,000.00 USD shortfall.');
  });

  it('exits 2 when totalEquityUsd is below cash + yield positions, naming it and both numbers', () => {
    const r = runCliJson(['plan', '--input', write('equity.json', twoVenueSnapshot({ totalEquityUsd: 0 }))]);
    expect(r.code).toBe(2);
    expect(r.json.error.field).toBe('totalEquityUsd');
    expect(r.json.error.message).toMatch(/^totalEquityUsd: must be at least cashUsd \+ Σ positionsUsd − pendingRedemptionsUsd = 10000 \(cash 10000 \+ yield positions 0 − owed 0\): .*\(got 0\)/);
  });

  it('exits 2 naming the config path of a bad value', () => {
    const bad = issueSnapshot();
    (bad.rules as any).weights[1].maxConcentration = 0.5;
    const r = runCli(['plan', '--input', write('bad.json', bad)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^capflow: rules\.weights\[1\]\.maxConcentration: the last rule must have maxConcentration 1/);
    const j = runCliJson(['plan', '--input', join(dir, 'bad.json')]);
    expect(j.code).toBe(2);
    expect(j.json.error.field).toBe('rules.weights[1].maxConcentration');
  });

  it('exits 2 for an unknown venue, a missing file and a missing --input', () => {
    const unknown = runCli(['plan', '--input', write('unknown.yaml', 'rules:\n  cashBufferPct: 0.1\n  sellHaircutPct: 0.01\n  cashChangeToleranceUsd: 5\n  weights: [{ venue: nope, maxConcentration: 1 }]\nvenues: {}\ncashUsd: 1\ntotalEquityUsd: 1\n')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/rules\.weights\[0\]\.venue: unknown venue "nope"/);
    expect(runCli(['plan', '--input', join(dir, 'missing.yaml')]).stderr).toMatch(/file not found/);
    const noInput = runCliJson(['plan']);
    expect(noInput.code).toBe(2);
    expect(noInput.json.error.field).toBe('--input');
  });

  it('has --help', () => {
    const r = runCli(['plan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--input <file>');
    expect(r.stdout).toContain('--json');
  });
});

describe('capflow plan: a venue whose data is stale or anomalous', () => {
  it('gives it no new money (what it holds stays) and names the flag', () => {
    for (const flag of ['stale', 'anomalous']) {
      const snap = twoVenueSnapshot({ cashUsd: 7000, positionsUsd: { ipor: 1000, aave: 2000 } });
      snap.venues.ipor.dataFlag = flag;
      const r = runCliJson(['plan', '--input', write(`flag-${flag}.json`, snap)]);
      expect(r.code).toBe(0);
      const [ipor, aave] = r.json.decisions;
      expect(ipor.boundBy).toBe(flag);
      expect(ipor.amountUsd).toBe(1000);
      expect(ipor.trade).toBeNull();
      expect(aave.amountUsd).toBeGreaterThan(2000 + 0.33 * 9500 - 1000); // what ipor could not take goes on
      const human = runCli(['plan', '--input', write(`flag-${flag}-h.json`, snap)]).stdout;
      expect(human).toMatch(new RegExp(`ipor\\s+vault.*${flag}`));
    }
  });
});
