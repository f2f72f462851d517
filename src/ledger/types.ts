/**
 * Domain types of the treasury ledger: the vault's deployment, the events of its feed and the
 * balance updates the book-keeping derives from them. Quantities and shares are `bigint` base
 * units; timestamps are ISO-8601 UTC strings.
 */

/** Every event kind a feed may carry, in documentation order. */
export const EVENT_KINDS = ['deposit', 'redeem', 'redeem_request', 'settle', 'interest', 'correction', 'fee', 'cost', 'transfer', 'deposit_request', 'deposit_settle'] as const;

/**
 * What an event is: `deposit`/`redeem` (ERC-4626 Deposit/Withdraw), `redeem_request`
 * (ERC-7540 request, locks shares), `settle` (locked shares priced and burned), `interest`
 * (new on-chain balance of a rebasing token), `correction` (manual accounting fix), `fee`
 * (shares minted to the fee receiver: a management or performance fee), `cost` (money paid
 * out of the fund: gas, entry and exit costs of its trades), `transfer` (shares moved between
 * holders: an ERC-20 Transfer of the share token; the totals do not change), `deposit_request`
 * (ERC-7540 asynchronous deposit request: assets held for the controller, not yet the fund's),
 * `deposit_settle` (requested assets priced: they join the fund and shares are minted, held by
 * the vault until the controller claims them with a `deposit` that names its `controller`).
 *
 * @example const kind: EventKind = 'deposit';
 */
export type EventKind = (typeof EVENT_KINDS)[number];

/** Position that holds the vault's idle cash. */
export const RESERVE_POSITION = 'reserve';
/** Position that holds settled-but-unclaimed redemptions, as a negative (owed) quantity of the vault asset. */
export const CLAIMS_POSITION = 'claims';
/** Position that holds shares locked by redemption requests (in share base units; not part of NAV). */
export const PENDING_POSITION = 'pending';
/** Position that holds the assets of pending asynchronous deposit requests (vault-asset base units; not part of NAV until settled). */
export const DEPOSIT_REQUESTS_POSITION = 'deposit_requests';

/**
 * Positions the ledger keeps itself (corrections and costs may not touch them).
 *
 * @example LEDGER_POSITIONS.includes('claims') // true
 */
export const LEDGER_POSITIONS: readonly string[] = [PENDING_POSITION, CLAIMS_POSITION, DEPOSIT_REQUESTS_POSITION];

/**
 * Whether a position's holdings count in NAV (`totalAssets`): every position except the locked
 * shares of redemption requests and the assets of pending deposit requests.
 *
 * @example countsInNav('reserve') // true
 */
export function countsInNav(position: string): boolean {
  return position !== PENDING_POSITION && position !== DEPOSIT_REQUESTS_POSITION;
}

/** Fields every event has. */
export interface EventBase {
  /** EVM chain id; must be the deployment's. */
  chainId: number;
  /** Block of the log. */
  blockNumber: number;
  /** Transaction hash, lower-case 0x + 64 hex digits. */
  txHash: string;
  /** Hash of the block, lower-case 0x + 64 hex digits, when the source knows it (the chain source always does). */
  blockHash?: string;
  /** Log index inside the block. With chainId and txHash, the event's unique key. */
  logIndex: number;
  /** Block time, ISO-8601 UTC (`2024-01-01T00:00:00.000Z`). */
  timestamp: string;
  /** Strategy cycle the event was included in, if any. */
  cycle?: number;
  /** USD per whole vault-asset token at the time, to value the balance updates. */
  priceUsd?: number;
  /** Free text kept with the balance updates. */
  notes?: string;
}

/**
 * ERC-4626 Deposit: `assets` came in, `shares` were minted to `owner`. With `controller` it is
 * the claim of `controller`'s settled asynchronous deposit (ERC-7540: the Deposit event's first
 * parameter): `shares` (minted at settlement) move to `owner`, the receiver; no assets move.
 *
 * @example const e: DepositEvent = { kind: 'deposit', chainId: 1, blockNumber: 100, txHash: '0x…', logIndex: 0, timestamp: '2024-01-01T00:00:00.000Z', owner: '0x…', assets: 1_000_000_000n, shares: 10n ** 21n };
 */
export interface DepositEvent extends EventBase {
  kind: 'deposit';
  owner: string;
  assets: bigint;
  shares: bigint;
  controller?: string;
}

/**
 * ERC-7540 deposit request: `assets` of the vault asset came in for `owner` (the request's
 * controller); they are held apart (not NAV) until settled.
 *
 * @example const e: DepositRequestEvent = { ...base, kind: 'deposit_request', owner: '0x…', assets: 1_000_000_000n };
 */
export interface DepositRequestEvent extends EventBase {
  kind: 'deposit_request';
  owner: string;
  assets: bigint;
}

/**
 * Settlement of `assets` of `owner`'s pending deposit request: they join the fund and `shares`
 * are minted (held by the vault, claimable by `owner`).
 *
 * @example const e: DepositSettleEvent = { ...base, kind: 'deposit_settle', owner: '0x…', assets: 1_000_000_000n, shares: 10n ** 21n };
 */
export interface DepositSettleEvent extends EventBase {
  kind: 'deposit_settle';
  owner: string;
  assets: bigint;
  shares: bigint;
}

/**
 * ERC-4626 Withdraw: `shares` burned, `assets` paid to `owner`. When the owner has a settled
 * claim the event pays the claim instead (its shares were burned at settlement).
 *
 * @example const e: RedeemEvent = { ...base, kind: 'redeem', owner: '0x…', assets: 500_000_000n, shares: 5n * 10n ** 20n };
 */
export interface RedeemEvent extends EventBase {
  kind: 'redeem';
  owner: string;
  assets: bigint;
  shares: bigint;
}

/**
 * ERC-7540 redeem request: `owner` locks `shares` until they are settled.
 *
 * @example const e: RedeemRequestEvent = { ...base, kind: 'redeem_request', owner: '0x…', shares: 10n ** 20n };
 */
export interface RedeemRequestEvent extends EventBase {
  kind: 'redeem_request';
  owner: string;
  shares: bigint;
}

/**
 * Settlement of `shares` of `owner`'s locked shares, either at a posted `navPerShare` (asset
 * base units per whole share) or for an explicit `assets` amount. Exactly one of the two.
 *
 * @example const e: SettleEvent = { ...base, kind: 'settle', owner: '0x…', shares: 10n ** 20n, navPerShare: 1_010_000n };
 */
export interface SettleEvent extends EventBase {
  kind: 'settle';
  owner: string;
  shares: bigint;
  navPerShare?: bigint;
  assets?: bigint;
}

/**
 * New on-chain `balance` of a rebasing token (aToken, variable-debt token) held by the vault.
 * `force` accepts a jump above the 5% limit.
 *
 * @example const e: InterestEvent = { ...base, kind: 'interest', asset: 'aUSDC', balance: 1_000_400_000n };
 */
export interface InterestEvent extends EventBase {
  kind: 'interest';
  asset: string;
  balance: bigint;
  force?: boolean;
}

/**
 * Manual accounting correction: `quantity` (signed) of `asset` added to `position`
 * (default `reserve`).
 *
 * @example const e: CorrectionEvent = { ...base, kind: 'correction', asset: 'aUSDC', quantity: 250_000_000n, reason: 'supply to Aave', position: 'aave' };
 */
export interface CorrectionEvent extends EventBase {
  kind: 'correction';
  asset: string;
  quantity: bigint;
  reason: string;
  position?: string;
}

/**
 * A fund fee taken as vault curators take it: `shares` minted to the fee receiver `owner`
 * without assets, so every holder is diluted (`reason`: `management` or `performance`).
 *
 * @example const e: FeeEvent = { ...base, kind: 'fee', owner: '0x…', shares: 10n ** 18n, reason: 'management' };
 */
export interface FeeEvent extends EventBase {
  kind: 'fee';
  owner: string;
  shares: bigint;
  reason: FeeReason;
}

/**
 * Money that leaves the fund to pay for its own trades (gas, a venue's entry or exit cost):
 * `quantity` (> 0) of `asset` taken out of `position` (default `reserve`). Lowers NAV.
 *
 * @example const e: CostEvent = { ...base, kind: 'cost', asset: 'USDC', quantity: 5_000_000n, reason: 'gas: deposit into aave' };
 */
export interface CostEvent extends EventBase {
  kind: 'cost';
  asset: string;
  quantity: bigint;
  reason: string;
  position?: string;
}

/**
 * Shares moved from one holder to another (an ERC-20 Transfer of the share token between two
 * holders): `from`'s balance falls and `to`'s rises; supply and assets do not change.
 *
 * @example const e: TransferEvent = { ...base, kind: 'transfer', from: '0x…', to: '0x…', shares: 10n ** 18n };
 */
export interface TransferEvent extends EventBase {
  kind: 'transfer';
  from: string;
  to: string;
  shares: bigint;
}

/**
 * Why fee shares were minted.
 *
 * @example const r: FeeReason = 'performance';
 */
export type FeeReason = 'management' | 'performance';

/**
 * One event of the feed.
 *
 * @example if (event.kind === 'deposit') console.log(event.assets);
 */
export type LedgerEvent =
  | DepositEvent
  | RedeemEvent
  | RedeemRequestEvent
  | SettleEvent
  | InterestEvent
  | CorrectionEvent
  | FeeEvent
  | CostEvent
  | TransferEvent
  | DepositRequestEvent
  | DepositSettleEvent;

/**
 * The vault the ledger keeps the books of.
 *
 * @example const d: Deployment = { chainId: 1, address: '0x…', deploymentBlock: 0, txHash: null, blockTime: null, name: 'Capflow USD', symbol: 'cfUSD', assetSymbol: 'USDC', assetDecimals: 6, shareDecimals: 18, initialisedAt: '2024-01-01T00:00:00.000Z' };
 */
export interface Deployment {
  chainId: number;
  /** Vault (share token) address, lower-case. */
  address: string;
  /** Block the vault was deployed in; earlier events are refused. */
  deploymentBlock: number;
  /** Deployment transaction hash, if known. */
  txHash: string | null;
  /** Deployment block time (ISO-8601 UTC), if known. */
  blockTime: string | null;
  /** Share token name and symbol. */
  name: string;
  symbol: string;
  /** The vault asset's symbol (its cash), e.g. USDC. */
  assetSymbol: string;
  assetDecimals: number;
  /** Share token decimals (≥ asset decimals; the difference is the ERC-4626 decimals offset). */
  shareDecimals: number;
  /** When `treasury init` ran (ISO-8601 UTC). */
  initialisedAt: string;
  /** The vault asset's address (lower-case), when read from the chain; null for a ledger made from flags. */
  assetAddress?: string | null;
  /** The vault has ERC-7540 asynchronous redemptions (read from the chain), else false. */
  asyncRedeem?: boolean;
  /** The vault has ERC-7540 asynchronous deposits (read from the chain), else false. */
  asyncDeposit?: boolean;
  /**
   * `vault` (default): the books of a vault's shares and assets. `fund`: the books of a holder's
   * cash and venue positions (`address` is the holder), kept by `capflow execute --db`.
   */
  kind?: 'vault' | 'fund';
}

/**
 * The venue behind a position of a fund ledger (`kind: 'fund'`): what `treasury verify --rpc`
 * reads to value it. `address` is the Aave V3 pool (with the reserve's `asset`) or the vault.
 *
 * @example const v: LedgerFundVenue = { position: 'aave-usdc', kind: 'aave-v3', address: '0x…pool', asset: '0x…usdc' };
 */
export interface LedgerFundVenue {
  position: string;
  kind: 'aave-v3' | 'erc4626' | 'erc7540';
  /** Lower-case address: the pool (aave-v3) or the vault. */
  address: string;
  /** The reserve's asset (aave-v3), else null. */
  asset: string | null;
}

/**
 * A change of one holding (position × asset) caused by one event.
 *
 * @example const u: BalanceUpdate = { id: 1, eventSeq: 1, cause: 'deposit', position: 'reserve', asset: 'USDC', quantity: 1_000_000_000n, previousBalance: 0n, valueUsd: 1000, chainId: 1, blockNumber: 100, blockHash: null, txHash: '0x…', logIndex: 0, owner: '0x…', timestamp: '2024-01-01T00:00:00.000Z', cycle: null, notes: null };
 */
export interface BalanceUpdate {
  /** 1, 2, 3… in the order the updates were applied. */
  id: number;
  /** Sequence number of the event that caused it (1 = the first event the ledger applied). */
  eventSeq: number;
  cause: EventKind;
  /** `reserve`, `claims`, `pending`, `deposit_requests` or a position id. */
  position: string;
  /** Token symbol (the share symbol for the `pending` position). */
  asset: string;
  /** Signed change in base units. */
  quantity: bigint;
  /** The holding before the change, in base units. */
  previousBalance: bigint;
  /** USD value of `quantity` when the event carried `priceUsd`, else null. */
  valueUsd: number | null;
  chainId: number;
  blockNumber: number;
  /** The block's hash when the event carried it, else null. */
  blockHash: string | null;
  txHash: string;
  logIndex: number;
  owner: string | null;
  timestamp: string;
  cycle: number | null;
  notes: string | null;
}

/**
 * The unique key of an event: `chainId:txHash:logIndex`.
 *
 * @example eventKey({ chainId: 1, txHash: '0xab', logIndex: 3 }) // '1:0xab:3'
 */
export function eventKey(e: Pick<EventBase, 'chainId' | 'txHash' | 'logIndex'>): string {
  return `${e.chainId}:${e.txHash}:${e.logIndex}`;
}
