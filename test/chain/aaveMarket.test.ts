/**
 * The real Aave V3 code on anvil (from @aave/core-v3's artifacts): the reserve's on-chain
 * rates after real supplies and borrows agree exactly with capflow's own Aave math.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployAaveMarket, moveAaveUtilisation, type AaveMarket } from '../../src/chain/devnet/aaveMarket.ts';
import { readAaveV3Reserve } from '../../src/chain/venues/aaveV3.ts';
import { USDC_RATE_STRATEGY, liquidityRateRay, rateStrategyToRay, usageRatioRay, variableBorrowRateRay } from '../../src/protocols/aave.ts';
import { reserveRatesRay } from '../../src/protocols/aaveV3Rates.ts';
import { startAnvilClients, type Anvil } from '../helpers/anvil.ts';

let anvil: Anvil;
let market: AaveMarket;
const USDC = 10n ** 6n;

beforeAll(async () => {
  anvil = await startAnvilClients();
  market = await deployAaveMarket({ wallet: anvil.wallet(0), client: anvil.client });
});
afterAll(async () => anvil?.stop());

async function readNow() {
  const blockNumber = await anvil.client.getBlockNumber({ cacheTime: 0 });
  return readAaveV3Reserve({ client: anvil.client, blockNumber, field: 'venues.aave' }, { pool: market.pool, asset: market.usdc.asset, holder: anvil.wallet(1).account.address });
}

async function warp(seconds: number): Promise<void> {
  await anvil.client.request({ method: 'evm_increaseTime' as never, params: [seconds] as never });
}

describe('Aave V3 one-reserve market on anvil', () => {
  it('reads the strategy it was deployed with', async () => {
    const r = await readNow();
    expect(r.rateStrategy).toEqual(rateStrategyToRay(USDC_RATE_STRATEGY));
    expect(r.decimals).toBe(6);
    expect(r.totalSupplied).toBe(0n);
  });

  it("the pool's rates equal capflow's Aave math at every step, below and above the kink", async () => {
    const steps = [
      { supplyUsdc: 1_000_000n * USDC, collateralWeth: 1_000n * 10n ** 18n, borrowUsdc: 600_000n * USDC },
      { supplyUsdc: 123_457n * USDC + 891_011n, collateralWeth: 0n, borrowUsdc: 77_777n * USDC + 1n },
      { supplyUsdc: 0n, collateralWeth: 0n, borrowUsdc: 440_000n * USDC + 4242n },
      { supplyUsdc: 50_001n * USDC, collateralWeth: 0n, borrowUsdc: 0n },
    ];
    let seen = 0;
    for (const step of steps) {
      await warp(86_400 * 3 + 17);
      await moveAaveUtilisation(market, { wallet: anvil.wallet(1), client: anvil.client }, step);
      const r = await readNow();
      const usage = usageRatioRay(r.totalVariableDebt, r.availableLiquidity);
      expect(r.currentVariableBorrowRateRay).toBe(variableBorrowRateRay(r.rateStrategy, usage));
      const rates = reserveRatesRay(r.rateStrategy, r);
      expect(rates.borrowUsageRatioRay).toBe(usage);
      expect(r.currentLiquidityRateRay).toBe(rates.liquidityRateRay);
      // the plain formula (borrow rate × usage × (1 − RF)) is within a few ray units of it
      const plain = liquidityRateRay(r.rateStrategy, usage);
      expect(Number(plain - rates.liquidityRateRay) / 1e27).toBeCloseTo(0, 18);
      if (usage > r.rateStrategy.optimalUsageRatioRay) seen++;
    }
    expect(seen).toBeGreaterThan(0);
  });
});
