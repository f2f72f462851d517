/**
 * The live-plan demo market on a devnet: the project's USDC-like token with its ERC-4626 and
 * ERC-7540 demo vaults, a real Aave V3 market listing the same token, some activity from other
 * accounts (Aave supply and borrow, vault deposits), and a fund holder with cash and a vault
 * position. Returns the addresses and a ready `capflow plan --rpc` plan file, so a newcomer
 * can run plan → batch → execute against it.
 */
import { createWalletClient, http, type Address } from 'viem';
import { ERC20_ABI, ERC4626_ABI } from '../abi.ts';
import { deployAaveMarket, mintTestToken, moveAaveUtilisation, type AaveMarket } from './aaveMarket.ts';
import { connectDevnet, deployDemoVaults, send, type DemoVaults } from './deploy.ts';

/** Base units of one demo USDC. */
const USDC = 1_000_000n;

/**
 * The demo market's addresses.
 *
 * @example const demo: MarketDemo = await deployMarketDemo(anvil.rpcUrl); demo.holder
 */
export interface MarketDemo {
  chainId: number;
  /** The USDC-like token every venue holds. */
  token: Address;
  vaults: DemoVaults;
  aave: AaveMarket;
  /** The fund: dev account 2 (anvil's third default account), with cash and a vault position. */
  holder: Address;
  /** Blocks from just after both vaults were deployed to the end of the seeding (a look-back for their APY). */
  vaultAgeBlocks: number;
}

/**
 * Deploys and seeds the demo market from the devnet's unlocked dev accounts: account 0
 * deploys, account 1 supplies 2,000,000 USDC to Aave and borrows 1,200,000 against WETH,
 * account 3 deposits 500,000 USDC in each vault, the holder (account 2) gets 250,000 USDC
 * of cash and 50,000 USDC in the ERC-4626 vault; then the vaults earn (500 and 700 USDC are
 * donated to them) and a week passes.
 *
 * @example const demo = await deployMarketDemo((await startAnvil()).rpcUrl);
 */
export async function deployMarketDemo(rpcUrl: string): Promise<MarketDemo> {
  const devnet = await connectDevnet(rpcUrl);
  const [deployer, borrower, holder, depositor] = devnet.accounts;
  const vaults = await deployDemoVaults(devnet);
  const client = devnet.publicClient;
  const wallet = (account: Address) => createWalletClient({ account, transport: http(rpcUrl, { retryCount: 0 }), pollingInterval: 50 });
  const aave = await deployAaveMarket({ wallet: wallet(deployer), client, stablecoin: vaults.token });
  await moveAaveUtilisation(aave, { wallet: wallet(borrower), client }, { supplyUsdc: 2_000_000n * USDC, collateralWeth: 1_000n * 10n ** 18n, borrowUsdc: 1_200_000n * USDC });
  const minter = { wallet: wallet(deployer), client };
  const deposit = async (who: Address, vault: Address, assets: bigint): Promise<void> => {
    await mintTestToken(vaults.token, who, assets, minter);
    await send(devnet, who, vaults.token, ERC20_ABI, 'approve', [vault, assets]);
    await send(devnet, who, vault, ERC4626_ABI, 'deposit', [assets, who]);
  };
  for (const vault of [vaults.vault4626, vaults.vault7540]) await deposit(depositor, vault, 500_000n * USDC);
  await deposit(holder, vaults.vault4626, 50_000n * USDC);
  await mintTestToken(vaults.token, holder, 250_000n * USDC, minter);
  // a week of vault yield (donated to the vaults) and Aave interest
  for (const [vault, assets] of [[vaults.vault4626, 500n * USDC], [vaults.vault7540, 700n * USDC]] as const) {
    await mintTestToken(vaults.token, depositor, assets, minter);
    await send(devnet, depositor, vaults.token, ERC4626_ABI, 'transfer', [vault, assets]);
  }
  await client.request({ method: 'evm_increaseTime' as never, params: [7 * 86_400] as never });
  await client.request({ method: 'evm_mine' as never, params: [] as never });
  const head = await client.getBlockNumber({ cacheTime: 0 });
  const sinceVaults = Number(head) - Math.max(vaults.vault4626Block, vaults.vault7540Block) - 1;
  return { chainId: await client.getChainId(), token: vaults.token, vaults, aave, holder, vaultAgeBlocks: sinceVaults };
}

/**
 * A `capflow plan --rpc` plan file for the demo market: three venues (the ERC-4626 vault with
 * a 20 % pool-participation cap, the ERC-7540 vault, the Aave reserve taking the rest), 5 % of
 * equity kept in cash, vault APYs over the vaults' life (`apyLookbackBlocks` = {@link MarketDemo.vaultAgeBlocks}).
 *
 * @example stringify(marketDemoPlanFile(demo))
 */
export function marketDemoPlanFile(demo: MarketDemo): Record<string, unknown> {
  const apyLookbackBlocks = demo.vaultAgeBlocks;
  return {
    chainId: demo.chainId,
    holder: demo.holder,
    asset: demo.token,
    apyLookbackBlocks,
    rules: {
      cashBufferPct: 0.05,
      sellHaircutPct: 0.01,
      cashChangeToleranceUsd: 10,
      weights: [
        { venue: 'demo-vault', maxConcentration: 0.4, maxPoolParticipation: 0.2 },
        { venue: 'async-vault', maxConcentration: 0.2 },
        { venue: 'aave-usdc', maxConcentration: 1 },
      ],
    },
    venues: {
      'demo-vault': { kind: 'erc4626', address: demo.vaults.vault4626, entryCostUsd: 1 },
      'async-vault': { kind: 'erc7540', address: demo.vaults.vault7540, withdrawDelayDays: 3, entryCostUsd: 1 },
      'aave-usdc': { kind: 'aave-v3', pool: demo.aave.pool, asset: demo.token, entryCostUsd: 1 },
    },
  };
}
