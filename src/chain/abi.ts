/**
 * The ABI fragments capflow reads: ERC-20 metadata and Transfer, ERC-4626 views and events,
 * ERC-7540 asynchronous redemption and deposit views and events, and the settlement events of
 * capflow's own async vaults (`RedeemSettled`, `DepositSettled`: per-controller settlements as
 * Lagoon-style vaults emit).
 */
import { parseAbi } from 'viem';

/**
 * ERC-20 metadata, balances and the Transfer event.
 *
 * @example await client.readContract({ address, abi: ERC20_ABI, functionName: 'decimals' })
 */
export const ERC20_ABI = parseAbi([
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address account) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);

/**
 * ERC-4626 views and events (with ERC-20 ones).
 *
 * @example await client.readContract({ address: vault, abi: ERC4626_ABI, functionName: 'totalAssets', blockNumber: 100n })
 */
export const ERC4626_ABI = parseAbi([
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address account) view returns (uint256)',
  'function asset() view returns (address)',
  'function totalAssets() view returns (uint256)',
  'function convertToAssets(uint256 shares) view returns (uint256)',
  'function previewRedeem(uint256 shares) view returns (uint256)',
  'function maxWithdraw(address owner) view returns (uint256)',
  'function maxRedeem(address owner) view returns (uint256)',
  'function deposit(uint256 assets, address receiver) returns (uint256)',
  'function withdraw(uint256 assets, address receiver, address owner) returns (uint256)',
  'function redeem(uint256 shares, address receiver, address owner) returns (uint256)',
  'function transfer(address to, uint256 amount) returns (bool)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares)',
  'event Withdraw(address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares)',
]);

/**
 * ERC-7540 asynchronous redemption (and deposit) views and events, plus `RedeemSettled`.
 *
 * @example await client.readContract({ address: vault, abi: ERC7540_ABI, functionName: 'pendingRedeemRequest', args: [0n, owner] })
 */
export const ERC7540_ABI = parseAbi([
  'function pendingRedeemRequest(uint256 requestId, address controller) view returns (uint256)',
  'function claimableRedeemRequest(uint256 requestId, address controller) view returns (uint256)',
  'function claimableRedeemAssets(address controller) view returns (uint256)',
  'function requestRedeem(uint256 shares, address controller, address owner) returns (uint256)',
  'function settleRedeem(address controller, uint256 shares) returns (uint256)',
  'function setOperator(address operator, bool approved) returns (bool)',
  'function isOperator(address controller, address operator) view returns (bool)',
  'function supportsInterface(bytes4 interfaceId) view returns (bool)',
  'event RedeemRequest(address indexed controller, address indexed owner, uint256 indexed requestId, address sender, uint256 shares)',
  'event DepositRequest(address indexed controller, address indexed owner, uint256 indexed requestId, address sender, uint256 assets)',
  'event OperatorSet(address indexed controller, address indexed operator, bool approved)',
  'event RedeemSettled(address indexed controller, uint256 shares, uint256 assets)',
  'function pendingDepositRequest(uint256 requestId, address controller) view returns (uint256)',
  'function claimableDepositRequest(uint256 requestId, address controller) view returns (uint256)',
  'function maxMint(address controller) view returns (uint256)',
  'function requestDeposit(uint256 assets, address controller, address owner) returns (uint256)',
  'function settleDeposit(address controller, uint256 assets) returns (uint256)',
  'event DepositSettled(address indexed controller, uint256 assets, uint256 shares)',
]);

/**
 * The ERC-7540 claim of a settled asynchronous deposit (the overloaded ERC-4626 `deposit` and
 * `mint` with a controller), apart from {@link ERC4626_ABI} so its two-argument `deposit` stays unambiguous.
 *
 * @example encodeFunctionData({ abi: ERC7540_CLAIM_ABI, functionName: 'deposit', args: [assets, receiver, controller] })
 */
export const ERC7540_CLAIM_ABI = parseAbi([
  'function deposit(uint256 assets, address receiver, address controller) returns (uint256)',
  'function mint(uint256 shares, address receiver, address controller) returns (uint256)',
]);

/**
 * Every vault event the ledger's chain source decodes.
 *
 * @example decodeEventLog({ abi: VAULT_EVENTS_ABI, data: log.data, topics: log.topics })
 */
export const VAULT_EVENTS_ABI = [
  ...ERC4626_ABI.filter((item) => item.type === 'event'),
  ...ERC7540_ABI.filter((item) => item.type === 'event'),
] as const;

/** ERC-165 interface id of ERC-7540 asynchronous redemption. */
export const ERC7540_REDEEM_INTERFACE_ID = '0x620ee8e4';
/** ERC-165 interface id of ERC-7540 asynchronous deposit. */
export const ERC7540_DEPOSIT_INTERFACE_ID = '0xce3bbe50';
