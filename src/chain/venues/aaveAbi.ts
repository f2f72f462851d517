/**
 * The Aave V3 functions capflow's live venue reader and transaction builder call, as viem
 * ABIs (human-readable signatures). ERC-20, ERC-4626 and ERC-7540 are in `../abi.ts`.
 */
import { parseAbi } from 'viem';

/**
 * Aave V3 Pool: reserve data (rates, indexes, token addresses), supply and withdraw.
 *
 * @example client.readContract({ address: pool, abi: aavePoolAbi, functionName: 'getReserveData', args: [asset] })
 */
export const aavePoolAbi = parseAbi([
  'struct ReserveConfigurationMap { uint256 data; }',
  'struct ReserveData { ReserveConfigurationMap configuration; uint128 liquidityIndex; uint128 currentLiquidityRate; uint128 variableBorrowIndex; uint128 currentVariableBorrowRate; uint128 currentStableBorrowRate; uint40 lastUpdateTimestamp; uint16 id; address aTokenAddress; address stableDebtTokenAddress; address variableDebtTokenAddress; address interestRateStrategyAddress; uint128 accruedToTreasury; uint128 unbacked; uint128 isolationModeTotalDebt; }',
  'function getReserveData(address asset) view returns (ReserveData)',
  'function supply(address asset, uint256 amount, address onBehalfOf, uint16 referralCode)',
  'function withdraw(address asset, uint256 amount, address to) returns (uint256)',
]);

/**
 * Aave V3 DefaultReserveInterestRateStrategy: the variable-rate curve's parameters (ray).
 *
 * @example client.readContract({ address: strategy, abi: aaveRateStrategyAbi, functionName: 'OPTIMAL_USAGE_RATIO' })
 */
export const aaveRateStrategyAbi = parseAbi([
  'function OPTIMAL_USAGE_RATIO() view returns (uint256)',
  'function getBaseVariableBorrowRate() view returns (uint256)',
  'function getVariableRateSlope1() view returns (uint256)',
  'function getVariableRateSlope2() view returns (uint256)',
]);
