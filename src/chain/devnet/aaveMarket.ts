/**
 * A real Aave V3 market on a development chain (anvil), deployed with viem from
 * `@aave/core-v3`'s compiled artifacts: PoolAddressesProvider, ACLManager, the logic
 * libraries linked into Pool and PoolConfigurator, AaveOracle over mock Chainlink feeds,
 * AToken / StableDebtToken / VariableDebtToken implementations and one
 * DefaultReserveInterestRateStrategy per reserve.
 *
 * Two reserves: a USDC-like stablecoin (6 decimals, borrowable; the reserve a fund supplies
 * to) and a WETH-like collateral (18 decimals) that a borrower posts to borrow the stablecoin,
 * so the stablecoin's utilisation and rates move. The tokens are Aave's test ERC-20s
 * (anyone may mint), the protocol is the real code.
 */
import { parseAbi, type Abi, type Address, type Hex, type PublicClient, type WalletClient } from 'viem';
import { RAY } from '../../core/fixedPoint.ts';
import { USDC_RATE_STRATEGY, rateStrategyToRay, type RateStrategy } from '../../protocols/aave.ts';
import { gasWithHeadroom } from '../send.ts';
import { linkBytecode, linkedLibraryNames, loadAaveArtifact, type AaveArtifact } from './aaveArtifacts.ts';

const ARTIFACT = {
  provider: 'protocol/configuration/PoolAddressesProvider.sol/PoolAddressesProvider',
  acl: 'protocol/configuration/ACLManager.sol/ACLManager',
  pool: 'protocol/pool/Pool.sol/Pool',
  configurator: 'protocol/pool/PoolConfigurator.sol/PoolConfigurator',
  strategy: 'protocol/pool/DefaultReserveInterestRateStrategy.sol/DefaultReserveInterestRateStrategy',
  aToken: 'protocol/tokenization/AToken.sol/AToken',
  stableDebt: 'protocol/tokenization/StableDebtToken.sol/StableDebtToken',
  variableDebt: 'protocol/tokenization/VariableDebtToken.sol/VariableDebtToken',
  oracle: 'misc/AaveOracle.sol/AaveOracle',
  dataProvider: 'misc/AaveProtocolDataProvider.sol/AaveProtocolDataProvider',
  aggregator: 'mocks/oracle/CLAggregators/MockAggregator.sol/MockAggregator',
  erc20: 'mocks/tokens/MintableERC20.sol/MintableERC20',
} as const;

/** The open `mint` of test tokens (Aave's MintableERC20 returns a bool, capflow's TestToken nothing: no output decoded). */
const MINT_ABI = parseAbi(['function mint(address to, uint256 amount)']);

/** Logic libraries in deployment order (FlashLoanLogic links BorrowLogic). */
const LIBRARIES = ['SupplyLogic', 'BorrowLogic', 'LiquidationLogic', 'EModeLogic', 'BridgeLogic', 'FlashLoanLogic', 'PoolLogic', 'ConfiguratorLogic'] as const;

/**
 * The addresses of one reserve: its underlying asset and the contracts the pool made for it.
 *
 * @example const usdc: AaveReserveAddresses = market.usdc; usdc.aToken
 */
export interface AaveReserveAddresses {
  asset: Address;
  decimals: number;
  symbol: string;
  aToken: Address;
  variableDebtToken: Address;
  stableDebtToken: Address;
  rateStrategy: Address;
  /** Chainlink-style price feed (8 decimals, USD). */
  priceFeed: Address;
}

/**
 * A deployed one-stablecoin Aave V3 market.
 *
 * @example const market: AaveMarket = await deployAaveMarket({ wallet, client }); market.pool
 */
export interface AaveMarket {
  chainId: number;
  addressesProvider: Address;
  aclManager: Address;
  pool: Address;
  poolConfigurator: Address;
  oracle: Address;
  dataProvider: Address;
  /** The stablecoin reserve (USDC-like, 6 decimals, borrowable). */
  usdc: AaveReserveAddresses;
  /** The collateral reserve (WETH-like, 18 decimals, not borrowable). */
  weth: AaveReserveAddresses;
}

/**
 * Choices for {@link deployAaveMarket}. `usdcRateStrategy` defaults to capflow's
 * {@link USDC_RATE_STRATEGY}; `wethPriceUsd` to 3000.
 *
 * @example const options: AaveMarketOptions = { wallet, client, wethPriceUsd: 2500 };
 */
export interface AaveMarketOptions {
  /** Sends the deployment; its account becomes the ACL admin, pool admin and treasury. */
  wallet: WalletClient;
  client: PublicClient;
  usdcRateStrategy?: RateStrategy;
  wethPriceUsd?: number;
  /** List this existing 6-decimal stablecoin (e.g. another market's) instead of deploying one. */
  stablecoin?: Address;
}

/** A deployer bound to one wallet: sends, waits, fails loudly on a revert. */
interface Deployer {
  deploy(artifact: AaveArtifact, args: readonly unknown[], libraries?: Record<string, Address>): Promise<Address>;
  call(address: Address, abi: Abi, functionName: string, args: readonly unknown[]): Promise<void>;
}

function makeDeployer(wallet: WalletClient, client: PublicClient): Deployer {
  const account = wallet.account;
  if (account === undefined) throw new Error('deployAaveMarket: the wallet client needs an account');
  const chain = wallet.chain ?? null;
  return {
    async deploy(artifact, args, libraries = {}) {
      const bytecode: Hex = linkBytecode(artifact, libraries);
      const hash = await wallet.deployContract({ abi: artifact.abi, bytecode, args, account, chain });
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success' || receipt.contractAddress == null) throw new Error(`deploying ${artifact.contractName} reverted (tx ${hash})`);
      return receipt.contractAddress;
    },
    async call(address, abi, functionName, args) {
      const { request } = await client.simulateContract({ address, abi, functionName, args, account });
      const gas = gasWithHeadroom(await client.estimateContractGas({ address, abi, functionName, args, account }));
      const hash = await wallet.writeContract({ ...request, gas, chain });
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`${functionName} on ${address} reverted (tx ${hash})`);
    },
  };
}

/** The Aave strategy's constructor arguments (stable-rate parameters zero: stable borrowing stays off). */
function strategyArgs(provider: Address, strategy: RateStrategy): readonly unknown[] {
  const r = rateStrategyToRay(strategy);
  return [provider, r.optimalUsageRatioRay, r.baseVariableBorrowRateRay, r.variableRateSlope1Ray, r.variableRateSlope2Ray, 0n, 0n, 0n, 0n, RAY / 5n];
}

/** A Chainlink-style answer (8 decimals) for a USD price. */
function feedAnswer(priceUsd: number): bigint {
  return BigInt(Math.round(priceUsd * 1e8));
}

interface ReserveSpec {
  name: string;
  symbol: string;
  decimals: number;
  priceUsd: number;
  strategy: RateStrategy;
}

/** Reserve data as Pool.getReserveData returns it (the fields the deployment needs). */
interface ReserveTokens {
  aTokenAddress: Address;
  stableDebtTokenAddress: Address;
  variableDebtTokenAddress: Address;
  interestRateStrategyAddress: Address;
}

/**
 * Deploys the market and lists both reserves: WETH as collateral (LTV 80 %, liquidation
 * threshold 85 %, bonus 5 %), USDC borrowable with capflow's reserve factor. Returns every
 * address a reader or a test needs.
 *
 * @example
 * const market = await deployAaveMarket({ wallet, client });
 * await client.readContract({ address: market.pool, abi: aavePoolAbi, functionName: 'getReserveData', args: [market.usdc.asset] });
 */
export async function deployAaveMarket(options: AaveMarketOptions): Promise<AaveMarket> {
  const { wallet, client } = options;
  const d = makeDeployer(wallet, client);
  const admin = (wallet.account as { address: Address }).address;
  const art = Object.fromEntries(Object.entries(ARTIFACT).map(([k, path]) => [k, loadAaveArtifact(path)])) as Record<keyof typeof ARTIFACT, AaveArtifact>;

  const provider = await d.deploy(art.provider, ['capflow devnet', admin]);
  await d.call(provider, art.provider.abi, 'setACLAdmin', [admin]);
  const aclManager = await d.deploy(art.acl, [provider]);
  await d.call(provider, art.provider.abi, 'setACLManager', [aclManager]);
  await d.call(aclManager, art.acl.abi, 'addPoolAdmin', [admin]);

  const libraries: Record<string, Address> = {};
  for (const name of LIBRARIES) {
    const artifact = loadAaveArtifact(`protocol/libraries/logic/${name}.sol/${name}`);
    libraries[name] = await d.deploy(artifact, [], pick(libraries, linkedLibraryNames(artifact)));
  }
  const poolImpl = await d.deploy(art.pool, [provider], pick(libraries, linkedLibraryNames(art.pool)));
  await d.call(provider, art.provider.abi, 'setPoolImpl', [poolImpl]);
  const configuratorImpl = await d.deploy(art.configurator, [], pick(libraries, linkedLibraryNames(art.configurator)));
  await d.call(provider, art.provider.abi, 'setPoolConfiguratorImpl', [configuratorImpl]);
  const pool = await readAddress(client, provider, art.provider.abi, 'getPool');
  const poolConfigurator = await readAddress(client, provider, art.provider.abi, 'getPoolConfigurator');

  const specs: ReserveSpec[] = [
    { name: 'USD Coin (capflow devnet)', symbol: 'USDC', decimals: 6, priceUsd: 1, strategy: options.usdcRateStrategy ?? USDC_RATE_STRATEGY },
    {
      name: 'Wrapped Ether (capflow devnet)', symbol: 'WETH', decimals: 18, priceUsd: options.wethPriceUsd ?? 3000,
      strategy: { baseVariableBorrowRate: 0, variableRateSlope1: 0.038, variableRateSlope2: 0.8, optimalUsageRatio: 0.8, reserveFactor: 0.15 },
    },
  ];
  const assets: Address[] = [];
  const feeds: Address[] = [];
  const strategies: Address[] = [];
  for (const [i, spec] of specs.entries()) {
    assets.push(i === 0 && options.stablecoin !== undefined ? options.stablecoin : await d.deploy(art.erc20, [spec.name, spec.symbol, spec.decimals]));
    feeds.push(await d.deploy(art.aggregator, [feedAnswer(spec.priceUsd)]));
    strategies.push(await d.deploy(art.strategy, strategyArgs(provider, spec.strategy)));
  }
  const oracle = await d.deploy(art.oracle, [provider, assets, feeds, '0x0000000000000000000000000000000000000000', '0x0000000000000000000000000000000000000000', 10n ** 8n]);
  await d.call(provider, art.provider.abi, 'setPriceOracle', [oracle]);
  const dataProvider = await d.deploy(art.dataProvider, [provider]);
  await d.call(provider, art.provider.abi, 'setPoolDataProvider', [dataProvider]);

  const aTokenImpl = await d.deploy(art.aToken, [pool]);
  const stableDebtImpl = await d.deploy(art.stableDebt, [pool]);
  const variableDebtImpl = await d.deploy(art.variableDebt, [pool]);
  const inputs = specs.map((spec, i) => ({
    aTokenImpl, stableDebtTokenImpl: stableDebtImpl, variableDebtTokenImpl: variableDebtImpl,
    underlyingAssetDecimals: spec.decimals, interestRateStrategyAddress: strategies[i], underlyingAsset: assets[i],
    treasury: admin, incentivesController: '0x0000000000000000000000000000000000000000',
    aTokenName: `Aave devnet ${spec.symbol}`, aTokenSymbol: `a${spec.symbol}`,
    variableDebtTokenName: `Aave devnet variable debt ${spec.symbol}`, variableDebtTokenSymbol: `variableDebt${spec.symbol}`,
    stableDebtTokenName: `Aave devnet stable debt ${spec.symbol}`, stableDebtTokenSymbol: `stableDebt${spec.symbol}`,
    params: '0x',
  }));
  await d.call(poolConfigurator, art.configurator.abi, 'initReserves', [inputs]);
  await d.call(poolConfigurator, art.configurator.abi, 'configureReserveAsCollateral', [assets[1], 8000n, 8500n, 10500n]);
  await d.call(poolConfigurator, art.configurator.abi, 'setReserveBorrowing', [assets[0], true]);
  for (const [i, spec] of specs.entries()) {
    await d.call(poolConfigurator, art.configurator.abi, 'setReserveFactor', [assets[i], rateStrategyToRay(spec.strategy).reserveFactorBps]);
  }

  const reserve = async (i: number): Promise<AaveReserveAddresses> => {
    const data = (await client.readContract({ address: pool, abi: art.pool.abi, functionName: 'getReserveData', args: [assets[i]] })) as ReserveTokens;
    return {
      asset: assets[i], decimals: specs[i].decimals, symbol: specs[i].symbol, aToken: data.aTokenAddress,
      variableDebtToken: data.variableDebtTokenAddress, stableDebtToken: data.stableDebtTokenAddress,
      rateStrategy: data.interestRateStrategyAddress, priceFeed: feeds[i],
    };
  };
  return {
    chainId: await client.getChainId(),
    addressesProvider: provider, aclManager, pool, poolConfigurator, oracle, dataProvider,
    usdc: await reserve(0), weth: await reserve(1),
  };
}

function pick(all: Record<string, Address>, names: readonly string[]): Record<string, Address> {
  return Object.fromEntries(names.map((n) => [n, all[n]]));
}

async function readAddress(client: PublicClient, address: Address, abi: Abi, functionName: string): Promise<Address> {
  return (await client.readContract({ address, abi, functionName })) as Address;
}

/**
 * What {@link moveAaveUtilisation} does from one wallet, in token base units: mint and supply
 * `supplyUsdc` of the stablecoin, mint and post `collateralWeth` as collateral, borrow
 * `borrowUsdc` of the stablecoin at the variable rate. Zero amounts are skipped.
 *
 * @example const step: AaveMarketActivity = { supplyUsdc: 1_000_000n * 10n ** 6n, collateralWeth: 10n ** 21n, borrowUsdc: 600_000n * 10n ** 6n };
 */
export interface AaveMarketActivity {
  supplyUsdc: bigint;
  collateralWeth: bigint;
  borrowUsdc: bigint;
}

/**
 * Another market participant at work: supplies the stablecoin and borrows it against WETH,
 * so the reserve's utilisation (and its rates) move. Uses the test tokens' open `mint`.
 *
 * @example await moveAaveUtilisation(market, { wallet: borrower, client }, { supplyUsdc: 0n, collateralWeth: 10n ** 20n, borrowUsdc: 50_000n * 10n ** 6n });
 */
export async function moveAaveUtilisation(market: AaveMarket, clients: { wallet: WalletClient; client: PublicClient }, activity: AaveMarketActivity): Promise<void> {
  const d = makeDeployer(clients.wallet, clients.client);
  const who = (clients.wallet.account as { address: Address }).address;
  const erc20 = loadAaveArtifact(ARTIFACT.erc20).abi;
  const poolAbi = loadAaveArtifact(ARTIFACT.pool).abi;
  const supply = async (asset: Address, amount: bigint): Promise<void> => {
    if (amount === 0n) return;
    await d.call(asset, MINT_ABI, 'mint', [who, amount]);
    await d.call(asset, erc20, 'approve', [market.pool, amount]);
    await d.call(market.pool, poolAbi, 'supply', [asset, amount, who, 0]);
  };
  await supply(market.usdc.asset, activity.supplyUsdc);
  await supply(market.weth.asset, activity.collateralWeth);
  if (activity.borrowUsdc > 0n) await d.call(market.pool, poolAbi, 'borrow', [market.usdc.asset, activity.borrowUsdc, 2n, 0, who]);
}

/**
 * Mints `amount` base units of one of the market's test tokens to `to` (anyone may mint them).
 *
 * @example await mintTestToken(market.usdc.asset, holder, 250_000n * 10n ** 6n, { wallet, client });
 */
export async function mintTestToken(asset: Address, to: Address, amount: bigint, clients: { wallet: WalletClient; client: PublicClient }): Promise<void> {
  await makeDeployer(clients.wallet, clients.client).call(asset, MINT_ABI, 'mint', [to, amount]);
}
