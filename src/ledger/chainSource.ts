/**
 * The chain as an event source: a vault's logs decoded into ledger events, block range by
 * block range (ranges adapt to what the node accepts).
 *
 * - ERC-4626 `Deposit` → `deposit`; `Withdraw` → `redeem` (a claim when the owner has a
 *   settled redemption); share `Transfer`s between two holders → `transfer` (mints, burns and
 *   moves into or out of the vault itself are the other events' business).
 * - ERC-7540 `RedeemRequest` → `redeem_request` of the controller; the vault's settlement event
 *   `RedeemSettled(controller, shares, assets)` → `settle` for those assets.
 * - ERC-7540 asynchronous deposits: `DepositRequest` → `deposit_request` of the controller; the
 *   settlement event `DepositSettled(controller, assets, shares)` → `deposit_settle`; the claim,
 *   a `Deposit(controller, receiver, …)` of a controller with a settled deposit → `deposit`
 *   with that `controller` (the shares move to the receiver; no assets move).
 * - Interest: after every block with activity (a vault log, or a transfer of the asset into or
 *   out of the vault, such as a donation) and at the end of each range, `totalAssets()` is read
 *   at that block; when the books would differ from it an `interest` event (forced: the chain is
 *   the record) brings the reserve to it. Its key is the block hash and log index 2^31 − 1.
 *
 * The source mirrors the reserve and the settled claims from the books it is given, so it
 * knows when interest is due without reading the store again, and the settled deposits, to
 * tell a claim from a deposit. A redemption request whose controller is not the share owner is
 * booked against the controller's share balance.
 */
import { decodeEventLog, pad, toEventSelector, type Address, type Hex } from 'viem';
import { VAULT_EVENTS_ABI } from '../chain/abi.ts';
import type { ChainClient } from '../chain/client.ts';
import { DEFAULT_MAX_RANGE, readLogsAdaptive, type ChainLog, type RangeWindow } from '../chain/logs.ts';
import { readBlocks, readTotalAssetsAt } from '../chain/reads.ts';
import type { SourcedEvent } from './feed.ts';
import type { BlockRange, EventBatch, EventSource } from './source.ts';
import { holdingOf, type TreasuryState } from './state.ts';
import { RESERVE_POSITION, type Deployment, type EventBase, type LedgerEvent } from './types.ts';

/** Log index of the interest event booked at the end of a block (after every real log). */
export const INTEREST_LOG_INDEX = 2 ** 31 - 1;

const ZERO = '0x0000000000000000000000000000000000000000';
const TRANSFER_TOPIC = toEventSelector('Transfer(address,address,uint256)');

/**
 * What the chain source reads.
 *
 * @example new ChainEventSource({ chain, deployment, books: await store.loadState(), toBlock: 1200 })
 */
export interface ChainSourceOptions {
  chain: ChainClient;
  deployment: Deployment;
  /** The books at the cursor (the source mirrors their reserve and claims). */
  books: TreasuryState;
  /** Last block to read (head − confirmations, or --to-block). */
  toBlock: number;
  /** Largest log range tried, in blocks (default {@link DEFAULT_MAX_RANGE}). */
  maxRange?: number;
}

interface Claim {
  shares: bigint;
  assets: bigint;
}

/**
 * A vault on a chain as an {@link EventSource}.
 *
 * @example const result = await syncLedger(store, new ChainEventSource({ chain, deployment, books, toBlock }), { commitEachBatch: true });
 */
export class ChainEventSource implements EventSource {
  readonly name: string;
  readonly repeatedEvents = 0;
  private readonly chain: ChainClient;
  private readonly deployment: Deployment;
  private readonly vault: Address;
  private readonly asset: Address | null;
  private readonly toBlock: number;
  private readonly window: RangeWindow;
  private reserve: bigint;
  private readonly claims = new Map<string, Claim>();
  /** Settled, unclaimed deposits per controller. */
  private readonly depositClaims = new Map<string, Claim>();

  constructor(opts: ChainSourceOptions) {
    this.chain = opts.chain;
    this.name = opts.chain.name;
    this.deployment = opts.deployment;
    this.vault = opts.deployment.address.toLowerCase() as Address;
    this.asset = (opts.deployment.assetAddress ?? null) as Address | null;
    this.toBlock = opts.toBlock;
    const max = opts.maxRange ?? DEFAULT_MAX_RANGE;
    this.window = { size: max, max };
    this.reserve = holdingOf(opts.books, RESERVE_POSITION, opts.books.config.assetSymbol);
    for (const [owner, r] of opts.books.redemptions) if (r.claimableShares > 0n || r.claimableAssets > 0n) this.claims.set(owner, { shares: r.claimableShares, assets: r.claimableAssets });
    for (const [owner, d] of opts.books.deposits) if (d.claimableShares > 0n || d.claimableAssets > 0n) this.depositClaims.set(owner, { shares: d.claimableShares, assets: d.claimableAssets });
  }

  async head(): Promise<number | null> {
    return this.toBlock;
  }

  async read(range: BlockRange): Promise<EventBatch> {
    const vaultTopic = pad(this.vault);
    const queries = [{ address: this.vault }];
    if (this.asset !== null) {
      queries.push({ address: this.asset, topics: [TRANSFER_TOPIC, vaultTopic] } as never, { address: this.asset, topics: [TRANSFER_TOPIC, null, vaultTopic] } as never);
    }
    const { toBlock, logs } = await readLogsAdaptive(this.chain, queries, range.fromBlock, Math.min(range.toBlock, this.toBlock), this.window);
    const activity = [...new Set(logs.map((l) => l.blockNumber))];
    const checkBlocks = activity.includes(toBlock) ? activity : [...activity, toBlock];
    const [blocks, totals] = await Promise.all([readBlocks(this.chain, checkBlocks), readTotalAssetsAt(this.chain, this.vault, checkBlocks)]);
    const events: SourcedEvent[] = [];
    let i = 0;
    for (const block of checkBlocks) {
      const ref = blocks.get(block);
      if (ref === undefined) throw new Error(`block ${block} was not read`);
      for (; i < logs.length && logs[i].blockNumber === block; i++) {
        const log = logs[i];
        const base: EventBase = { chainId: this.deployment.chainId, blockNumber: block, blockHash: log.blockHash, txHash: log.transactionHash, logIndex: log.logIndex, timestamp: ref.timestamp };
        const event = log.address === this.vault ? this.decode(log, base) : null;
        if (event !== null) events.push({ event, where: `block ${block} log ${log.logIndex} (tx ${log.transactionHash})` });
      }
      const interest = this.interestAt(totals.get(block) ?? 0n, { chainId: this.deployment.chainId, blockNumber: block, blockHash: ref.hash, txHash: ref.hash, logIndex: INTEREST_LOG_INDEX, timestamp: ref.timestamp });
      if (interest !== null) events.push({ event: interest, where: `block ${block} totalAssets()` });
    }
    return { events, cursor: toBlock, cursorHash: blocks.get(toBlock)?.hash };
  }

  /** The interest (or, with no reserve to spread it on, correction) event that brings the books to `totalAssets`, or null. */
  private interestAt(totalAssets: bigint, base: EventBase): LedgerEvent | null {
    let claimable = 0n;
    for (const c of this.claims.values()) claimable += c.assets;
    const balance = totalAssets + claimable;
    if (balance === this.reserve) return null;
    const asset = this.deployment.assetSymbol;
    const event: LedgerEvent =
      this.reserve <= 0n
        ? { ...base, kind: 'correction', asset, quantity: balance - this.reserve, reason: 'assets the vault holds beyond its books while it has no reserve (a donation)' }
        : { ...base, kind: 'interest', asset, balance, force: true };
    this.reserve = balance;
    return event;
  }

  /** A vault log as a ledger event (mirroring the reserve and claims), or null for logs the books do not need. */
  private decode(log: ChainLog, base: EventBase): LedgerEvent | null {
    let decoded: { eventName: string; args: Record<string, unknown> };
    try {
      decoded = decodeEventLog({ abi: VAULT_EVENTS_ABI, data: log.data, topics: log.topics as [Hex, ...Hex[]] }) as never;
    } catch {
      return null; // an event capflow does not book (e.g. OperatorSet, Approval)
    }
    const a = decoded.args;
    const lower = (v: unknown): string => String(v).toLowerCase();
    switch (decoded.eventName) {
      case 'Deposit': {
        const assets = a.assets as bigint;
        const shares = a.shares as bigint;
        if (assets === 0n && shares === 0n) return null;
        const controller = lower(a.sender);
        const claim = this.depositClaims.get(controller);
        if (claim !== undefined) {
          claim.shares -= shares;
          claim.assets -= assets;
          if (claim.shares <= 0n && claim.assets <= 0n) this.depositClaims.delete(controller);
          return { ...base, kind: 'deposit', owner: lower(a.owner), assets, shares, controller };
        }
        this.reserve += assets;
        return { ...base, kind: 'deposit', owner: lower(a.owner), assets, shares };
      }
      case 'DepositRequest': {
        const assets = a.assets as bigint;
        if (assets === 0n) return null;
        return { ...base, kind: 'deposit_request', owner: lower(a.controller), assets };
      }
      case 'DepositSettled': {
        const owner = lower(a.controller);
        const assets = a.assets as bigint;
        const shares = a.shares as bigint;
        if (assets === 0n) return null;
        const claim = this.depositClaims.get(owner) ?? { shares: 0n, assets: 0n };
        claim.shares += shares;
        claim.assets += assets;
        this.depositClaims.set(owner, claim);
        this.reserve += assets;
        return { ...base, kind: 'deposit_settle', owner, assets, shares };
      }
      case 'Withdraw': {
        const owner = lower(a.owner);
        const assets = a.assets as bigint;
        const shares = a.shares as bigint;
        if (assets === 0n && shares === 0n) return null;
        const claim = this.claims.get(owner);
        if (claim !== undefined) {
          claim.shares -= shares;
          claim.assets -= assets;
          if (claim.shares <= 0n && claim.assets <= 0n) this.claims.delete(owner);
        }
        this.reserve -= assets;
        return { ...base, kind: 'redeem', owner, assets, shares };
      }
      case 'Transfer': {
        const from = lower(a.from);
        const to = lower(a.to);
        const shares = a.value as bigint;
        if (from === ZERO || to === ZERO || from === this.vault || to === this.vault || shares === 0n || from === to) return null;
        return { ...base, kind: 'transfer', from, to, shares };
      }
      case 'RedeemRequest': {
        const shares = a.shares as bigint;
        if (shares === 0n) return null;
        return { ...base, kind: 'redeem_request', owner: lower(a.controller), shares };
      }
      case 'RedeemSettled': {
        const owner = lower(a.controller);
        const shares = a.shares as bigint;
        const assets = a.assets as bigint;
        const claim = this.claims.get(owner) ?? { shares: 0n, assets: 0n };
        claim.shares += shares;
        claim.assets += assets;
        this.claims.set(owner, claim);
        return { ...base, kind: 'settle', owner, shares, assets };
      }
      default:
        return null;
    }
  }
}
