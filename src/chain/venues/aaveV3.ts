/**
 * Reads one Aave V3 reserve and a holder's supply position at one block: the reserve data,
 * the aToken and debt-token supplies, the liquidity left in the aToken, and the interest-rate
 * strategy's curve (so the rate after a deposit can be computed with capflow's Aave math).
 */
import type { Address } from 'viem';
import { UserError } from '../../core/errors.ts';
import type { RateStrategyRay } from '../../protocols/aave.ts';
import { ERC20_ABI } from '../abi.ts';
import { aavePoolAbi, aaveRateStrategyAbi } from './aaveAbi.ts';
import { call, readAll, requireCode, type ReadContext } from './read.ts';

/**
 * What {@link readAaveV3Reserve} returns; amounts in the asset's base units, rates in ray.
 *
 * @example const r: AaveReserveRead = await readAaveV3Reserve(ctx, { pool, asset, holder }); r.currentLiquidityRateRay
 */
export interface AaveReserveRead {
  pool: Address;
  asset: Address;
  aToken: Address;
  decimals: number;
  /** The holder's aToken balance (their supply position). */
  holderBalance: bigint;
  /** aToken total supply: what all suppliers are owed (the reserve's TVL). */
  totalSupplied: bigint;
  /** The asset held by the aToken: what can be withdrawn right now. */
  availableLiquidity: bigint;
  totalVariableDebt: bigint;
  totalStableDebt: bigint;
  currentLiquidityRateRay: bigint;
  currentVariableBorrowRateRay: bigint;
  liquidityIndexRay: bigint;
  /** The strategy's curve plus the reserve factor from the reserve configuration. */
  rateStrategy: RateStrategyRay;
  unbacked: bigint;
}

/** Reserve factor: bits 64–79 of the reserve configuration bitmap (basis points). */
function reserveFactorBps(configuration: bigint): bigint {
  return (configuration >> 64n) & 0xffffn;
}

interface ReserveData {
  configuration: { data: bigint };
  liquidityIndex: bigint;
  currentLiquidityRate: bigint;
  currentVariableBorrowRate: bigint;
  aTokenAddress: Address;
  stableDebtTokenAddress: Address;
  variableDebtTokenAddress: Address;
  interestRateStrategyAddress: Address;
  unbacked: bigint;
}

/**
 * Reads the reserve of `asset` in `pool` and `holder`'s aToken balance, all at `ctx.blockNumber`.
 * An asset the pool does not list is a UserError naming the venue.
 *
 * @example await readAaveV3Reserve({ client, blockNumber, field: 'venues.aave' }, { pool, asset, holder })
 */
export async function readAaveV3Reserve(ctx: ReadContext, where: { pool: Address; asset: Address; holder: Address }): Promise<AaveReserveRead> {
  await requireCode(ctx, where.pool, 'pool');
  await requireCode(ctx, where.asset, 'asset');
  const [data] = (await readAll(ctx, [call(where.pool, aavePoolAbi, 'getReserveData', [where.asset])])) as [ReserveData];
  if (data.aTokenAddress === '0x0000000000000000000000000000000000000000') {
    throw new UserError({ field: ctx.field, value: where.asset, message: `pool ${where.pool} has no reserve for asset ${where.asset}`, hint: 'check the asset address' });
  }
  const strategy = data.interestRateStrategyAddress;
  const r = await readAll(ctx, [
    call(where.asset, ERC20_ABI, 'decimals'),
    call(data.aTokenAddress, ERC20_ABI, 'balanceOf', [where.holder]),
    call(data.aTokenAddress, ERC20_ABI, 'totalSupply'),
    call(where.asset, ERC20_ABI, 'balanceOf', [data.aTokenAddress]),
    call(data.variableDebtTokenAddress, ERC20_ABI, 'totalSupply'),
    call(data.stableDebtTokenAddress, ERC20_ABI, 'totalSupply'),
    call(strategy, aaveRateStrategyAbi, 'OPTIMAL_USAGE_RATIO'),
    call(strategy, aaveRateStrategyAbi, 'getBaseVariableBorrowRate'),
    call(strategy, aaveRateStrategyAbi, 'getVariableRateSlope1'),
    call(strategy, aaveRateStrategyAbi, 'getVariableRateSlope2'),
  ]);
  const [decimals, holderBalance, totalSupplied, availableLiquidity, totalVariableDebt, totalStableDebt, optimal, base, slope1, slope2] = r as [number, ...bigint[]];
  return {
    pool: where.pool,
    asset: where.asset,
    aToken: data.aTokenAddress,
    decimals,
    holderBalance,
    totalSupplied,
    availableLiquidity,
    totalVariableDebt,
    totalStableDebt,
    currentLiquidityRateRay: data.currentLiquidityRate,
    currentVariableBorrowRateRay: data.currentVariableBorrowRate,
    liquidityIndexRay: data.liquidityIndex,
    rateStrategy: {
      optimalUsageRatioRay: optimal,
      baseVariableBorrowRateRay: base,
      variableRateSlope1Ray: slope1,
      variableRateSlope2Ray: slope2,
      reserveFactorBps: reserveFactorBps(data.configuration.data),
    },
    unbacked: data.unbacked,
  };
}
