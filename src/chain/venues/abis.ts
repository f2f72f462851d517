/**
 * The contract functions capflow's live venue readers and transaction builder call, as viem
 * ABIs (human-readable signatures; the standards' names and types).
 */
import { parseAbi } from 'viem';

/**
 * ERC-20: balances, supply, decimals, approvals.
 *
 * @example client.readContract({ address: asset, abi: erc20Abi, functionName: 'decimals' })
 */
export const erc20Abi = parseAbi([
  'function balanceOf(address owner) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
  'function decimals() view returns (uint8)',
  'function symbol() view returns (string)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function approve(address spender, uint256 amount) returns (bool)',
]);

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

/**
 * ERC-4626 tokenized vault (shares are an ERC-20 too).
 *
 * @example client.readContract({ address: vault, abi: erc4626Abi, functionName: 'totalAssets' })
 */
export const erc4626Abi = parseAbi([
  'function asset() view returns (address)',
  'function totalAssets() view returns (uint256)',
  'function totalSupply() view returns (uint256)',
  'function decimals() view returns (uint8)',
  'function balanceOf(address owner) view returns (uint256)',
  'function convertToAssets(uint256 shares) view returns (uint256)',
  'function convertToShares(uint256 assets) view returns (uint256)',
  'function previewRedeem(uint256 shares) view returns (uint256)',
  'function previewWithdraw(uint256 assets) view returns (uint256)',
  'function maxWithdraw(address owner) view returns (uint256)',
  'function deposit(uint256 assets, address receiver) returns (uint256)',
  'function withdraw(uint256 assets, address receiver, address owner) returns (uint256)',
  'function redeem(uint256 shares, address receiver, address owner) returns (uint256)',
]);

/**
 * ERC-7540 asynchronous redemptions (request, then claim once the vault settled it).
 *
 * @example client.readContract({ address: vault, abi: erc7540Abi, functionName: 'pendingRedeemRequest', args: [0n, holder] })
 */
export const erc7540Abi = parseAbi([
  'function requestRedeem(uint256 shares, address controller, address owner) returns (uint256 requestId)',
  'function pendingRedeemRequest(uint256 requestId, address controller) view returns (uint256 pendingShares)',
  'function claimableRedeemRequest(uint256 requestId, address controller) view returns (uint256 claimableShares)',
]);
