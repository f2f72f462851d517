/**
 * The marginal allocation mode on two real Aave V3 pools on anvil that share one stablecoin:
 * the rule fill puts everything in the first pool, the marginal mode spreads it; its plan is
 * reproduced offline from its snapshot, executes, and the rates the pools then report are the
 * ones it modelled (apyAfter to 1e-9; the realised yield is the modelled one and beats the rule fill's).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { deployAaveMarket, mintTestToken, moveAaveUtilisation, type AaveMarket } from '../../src/chain/devnet/aaveMarket.ts';
import { readAaveV3Reserve } from '../../src/chain/venues/aaveV3.ts';
import { liquidityRateApy } from '../../src/protocols/aaveV3Rates.ts';
import { runCliJson } from '../helpers/cli.ts';
import { ANVIL_KEYS, startAnvilClients, type Anvil } from '../helpers/anvil.ts';
import { twoVenueSnapshot } from '../helpers/yieldSnapshot.ts';

const USDC = 10n ** 6n;
const dir = mkdtempSync(join(tmpdir(), 'capflow-marginal-'));
let anvil: Anvil;
let a: AaveMarket;
let b: AaveMarket;
let holder: `0x${string}`;

beforeAll(async () => {
  anvil = await startAnvilClients();
  const deployer = { wallet: anvil.wallet(0), client: anvil.client };
  a = await deployAaveMarket(deployer);
  b = await deployAaveMarket({ ...deployer, stablecoin: a.usdc.asset, usdcRateStrategy: { baseVariableBorrowRate: 0.01, variableRateSlope1: 0.08, variableRateSlope2: 0.75, optimalUsageRatio: 0.8, reserveFactor: 0.15 } });
  const borrower = { wallet: anvil.wallet(1), client: anvil.client };
  await moveAaveUtilisation(a, borrower, { supplyUsdc: 3_000_000n * USDC, collateralWeth: 2_000n * 10n ** 18n, borrowUsdc: 1_800_000n * USDC });
  await moveAaveUtilisation(b, borrower, { supplyUsdc: 1_000_000n * USDC, collateralWeth: 1_000n * 10n ** 18n, borrowUsdc: 700_000n * USDC });
  holder = anvil.wallet(2).account.address;
  await mintTestToken(a.usdc.asset, holder, 1_000_000n * USDC, deployer);
});
afterAll(async () => anvil?.stop());

function venue(m: AaveMarket) {
  return { kind: 'aave-v3', pool: m.pool, asset: m.usdc.asset };
}

describe('rules.mode: marginal on two Aave V3 pools', () => {
  it('spreads the cash to equal marginal APYs, beats the rule fill, and the pools then pay what it modelled', async () => {
    const rules = { ...twoVenueSnapshot().rules, cashChangeToleranceUsd: 10, mode: 'marginal', weights: [{ venue: 'pool-a', maxConcentration: 1 }, { venue: 'pool-b', maxConcentration: 1 }] };
    const input = join(dir, 'live.yaml');
    writeFileSync(input, stringify({ holder, asset: a.usdc.asset, rules, venues: { 'pool-a': venue(a), 'pool-b': venue(b) } }));
    const snap = join(dir, 'snap.yaml');
    const batch = join(dir, 'batch.json');
    const r = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input, '--snapshot-out', snap, '--emit-txs', batch]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { rules: ruleFill, marginal, planned } = r.json.modes;
    expect(planned).toBe('marginal');
    expect(ruleFill.venues[1].amountUsd).toBe(0); // the rule fill puts everything in pool-a
    expect(marginal.venues.every((v: any) => v.amountUsd > 100_000)).toBe(true);
    expect(marginal.expectedYieldUsd).toBeGreaterThan(ruleFill.expectedYieldUsd);
    expect(r.json.plan.decisions.map((d: any) => d.amountUsd)).toEqual(marginal.venues.map((v: any) => expect.closeTo(v.amountUsd, 3)));
    // the snapshot reproduces the marginal plan offline
    expect(runCliJson(['plan', '--input', snap]).json).toEqual(r.json.plan);

    const sent = runCliJson(['execute', batch, '--rpc', anvil.rpcUrl], { env: { CAPFLOW_PRIVATE_KEY: ANVIL_KEYS[2] } });
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    const block = await anvil.client.getBlockNumber({ cacheTime: 0 });
    let realisedYieldUsd = 0;
    for (const [i, m] of [a, b].entries()) {
      const reserve = await readAaveV3Reserve({ client: anvil.client, blockNumber: block, field: 'x' }, { pool: m.pool, asset: m.usdc.asset, holder });
      const apy = liquidityRateApy(reserve.currentLiquidityRateRay);
      expect(Math.abs(r.json.rateImpact[i].apyAfter - apy)).toBeLessThan(1e-9);
      expect(Math.abs(marginal.venues[i].apy - apy)).toBeLessThan(1e-9);
      realisedYieldUsd += (Number(reserve.holderBalance) / 1e6) * apy;
    }
    expect(Math.abs(realisedYieldUsd - marginal.expectedYieldUsd)).toBeLessThan(1e-6 * marginal.expectedYieldUsd + 1);
    expect(realisedYieldUsd).toBeGreaterThan(ruleFill.expectedYieldUsd);
  });
});
