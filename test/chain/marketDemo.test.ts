/**
 * The demo market (the README's plan → batch → execute session): deployed and seeded on
 * anvil, its plan file valid, planned, executed from the holder's key, then nothing left to do.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { deployMarketDemo, marketDemoPlanFile, type MarketDemo } from '../../src/chain/devnet/aaveDemo.ts';
import { startAnvil, type Anvil } from '../../src/chain/devnet/anvil.ts';
import { LivePlanSchema } from '../../src/strategies/yieldManager/liveInput.ts';
import { runCliJson } from '../helpers/cli.ts';
import { ANVIL_KEYS } from '../helpers/anvil.ts';

let anvil: Anvil;
let demo: MarketDemo;

beforeAll(async () => {
  anvil = await startAnvil();
  demo = await deployMarketDemo(anvil.rpcUrl);
});
afterAll(async () => anvil?.stop());

describe('the live-plan demo market', () => {
  it('plans, executes from the holder key, and then has nothing to do', () => {
    const file = marketDemoPlanFile(demo);
    expect(LivePlanSchema.safeParse(file).success).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'capflow-demo-'));
    const input = join(dir, 'live.yaml');
    writeFileSync(input, stringify(file));
    const batch = join(dir, 'batch.json');
    const planned = runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input, '--emit-txs', batch]);
    expect(planned.stderr).toBe('');
    const [demoVault, asyncVault] = planned.json.rateImpact;
    expect(demoVault.apy).toBeCloseTo((1 + 500 / 550_000) ** (365 / 7) - 1, 2); // a week's donated yield
    expect(asyncVault.apy).toBeCloseTo((1 + 700 / 500_000) ** (365 / 7) - 1, 2);
    expect(planned.json.plan.trades.map((t: any) => [t.venue, t.action])).toEqual([
      ['demo-vault', 'deposit'],
      ['async-vault', 'deposit'],
      ['aave-usdc', 'supply'],
    ]);
    const sent = runCliJson(['execute', batch, '--rpc', anvil.rpcUrl], { env: { CAPFLOW_PRIVATE_KEY: ANVIL_KEYS[2] } });
    expect(sent.stderr).toBe('');
    expect(sent.json.sent).toHaveLength(6);
    expect(runCliJson(['plan', '--rpc', anvil.rpcUrl, '--input', input]).json.plan.trades).toEqual([]);
  });
});
