import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployAaveMarket, moveAaveUtilisation, type AaveMarket } from '../../src/chain/devnet/aaveMarket.ts';
import { loadAaveArtifact } from '../../src/chain/devnet/aaveArtifacts.ts';
import { startAnvil, type Anvil } from '../helpers/anvil.ts';

let anvil: Anvil;
let market: AaveMarket;

beforeAll(async () => {
  anvil = await startAnvil();
  market = await deployAaveMarket({ wallet: anvil.wallet(0), client: anvil.client });
});
afterAll(async () => anvil?.stop());

describe('Aave V3 market on anvil', () => {
  it('deploys and moves', async () => {
    await moveAaveUtilisation(market, { wallet: anvil.wallet(1), client: anvil.client }, { supplyUsdc: 1_000_000n * 10n ** 6n, collateralWeth: 1000n * 10n ** 18n, borrowUsdc: 600_000n * 10n ** 6n });
    const data = await anvil.client.readContract({ address: market.pool, abi: loadAaveArtifact('protocol/pool/Pool.sol/Pool').abi, functionName: 'getReserveData', args: [market.usdc.asset] });
    console.log(data);
    expect(market.pool).toMatch(/^0x/);
  });
});
