/**
 * Keeping the books from the chain: `init` reads the vault's deployment, `sync` checks the
 * cursor's block hash (rolling back above the deepest common block after a reorganisation),
 * then scans from the cursor to head − confirmations, one transaction per block range; and
 * `verify` compares the books at the cursor with the chain at that block.
 */
import type { Address } from 'viem';
import type { ChainClient } from '../chain/client.ts';
import { findDeploymentBlock, readBlock, readBlocks, readChainId, readHead, readHoldersAt, readTotalsAt, readVaultMetadata } from '../chain/reads.ts';
import { UserError } from '../core/errors.ts';
import { applyEvent } from './apply.ts';
import { ChainEventSource } from './chainSource.ts';
import { claimableDepositSharesOf, createTreasury, shareBalanceOf, type TreasuryState } from './state.ts';
import type { LedgerBackend } from './backend.ts';
import { syncLedger, type SyncProgress, type SyncResult } from './sync.ts';
import type { BalanceUpdate, Deployment } from './types.ts';

/** Deepest reorganisation a sync repairs unless told otherwise, in blocks. */
export const DEFAULT_MAX_REORG_DEPTH = 64;

/**
 * The deployment of the vault at `address`, read from the chain: chain id, names, decimals,
 * the asset, and the deployment block (given, or found by bisecting on `eth_getCode`).
 *
 * @example const d = await readDeployment(chain, '0x9fe4…', { fromBlock: 3 });
 */
export async function readDeployment(chain: ChainClient, address: string, opts: { fromBlock?: number; now?: Date } = {}): Promise<Deployment> {
  const meta = await readVaultMetadata(chain, address, '--vault');
  const head = await readHead(chain);
  if (opts.fromBlock !== undefined && opts.fromBlock > head) throw new UserError({ field: '--from-block', value: opts.fromBlock, message: `block ${opts.fromBlock} is beyond the chain head ${head}` });
  const deploymentBlock = opts.fromBlock ?? (await findDeploymentBlock(chain, meta.address, head));
  const block = await readBlock(chain, deploymentBlock, '--from-block');
  return {
    chainId: meta.chainId,
    address: meta.address,
    deploymentBlock,
    txHash: null,
    blockTime: block.timestamp,
    name: meta.name,
    symbol: meta.symbol,
    assetSymbol: meta.assetSymbol,
    assetDecimals: meta.assetDecimals,
    shareDecimals: meta.shareDecimals,
    initialisedAt: (opts.now ?? new Date()).toISOString(),
    assetAddress: meta.asset,
    asyncRedeem: meta.asyncRedeem,
    asyncDeposit: meta.asyncDeposit,
  };
}

/**
 * Options of {@link syncFromChain}.
 *
 * @example await syncFromChain(store, chain, { confirmations: 2, maxRange: 2000 })
 */
export interface ChainSyncOptions {
  /** Blocks below the head left unread (default 0). */
  confirmations?: number;
  /** Read up to this block (default: head − confirmations); beyond the head is an error. */
  toBlock?: number;
  /** Largest log range tried, in blocks. */
  maxRange?: number;
  /** Deepest reorganisation repaired (default {@link DEFAULT_MAX_REORG_DEPTH}). */
  maxReorgDepth?: number;
  onBatch?: (progress: SyncProgress) => void;
  /** Blocks scanned so far of the blocks to scan, after each committed range (for a progress bar). */
  onProgress?: (doneBlocks: number, totalBlocks: number) => void;
  now?: () => Date;
}

/**
 * What a chain sync did.
 *
 * @example const { applied, duplicates, fromBlock, toBlock, reorgedBlocks } = await syncFromChain(store, chain);
 */
export interface ChainSyncResult extends SyncResult {
  /** Blocks rolled back after a reorganisation (0 when none). */
  reorgedBlocks: number;
}

async function checkChain(store: LedgerBackend, chain: ChainClient): Promise<Deployment> {
  const deployment = await store.deployment();
  const chainId = await readChainId(chain);
  if (chainId !== deployment.chainId) throw new UserError({ field: '--rpc', value: chain.name, message: `serves chain ${chainId} but the ledger keeps chain ${deployment.chainId}`, hint: 'pass an RPC of the ledger’s chain' });
  if (!deployment.assetAddress) throw new UserError({ field: '--db', value: store.path, message: 'this ledger was not initialised from the chain', hint: 'run `capflow treasury init --rpc <url> --vault <address>` for a chain ledger' });
  if (deployment.kind === 'fund') throw new UserError({ field: '--db', value: store.path, message: `is the fund ledger of ${deployment.address}: capflow execute --db books its trades; there is no vault to sync`, hint: 'check it with `capflow treasury verify --rpc <url> --db <path>`' });
  return deployment;
}

/** The books replayed from the stored events up to `block`, with the cursor at it. */
async function replayTo(store: LedgerBackend, books: TreasuryState, block: number, hash: string | null): Promise<TreasuryState> {
  const state = createTreasury(books.config);
  const sink: BalanceUpdate[] = [];
  for (const event of await store.eventsUpTo(block)) {
    applyEvent(state, event, sink);
    sink.length = 0;
  }
  state.lastBlockScanned = hash === null ? null : block;
  state.lastBlockHash = hash;
  return state;
}

/**
 * Checks the cursor's block hash and, when the chain changed below it, rolls the ledger back
 * to the deepest block it still shares with the chain. Returns the blocks rolled back.
 */
async function repairReorg(store: LedgerBackend, chain: ChainClient, deployment: Deployment, maxDepth: number, now: () => Date): Promise<number> {
  const books = await store.loadState();
  const cursor = books.lastBlockScanned;
  if (cursor === null || books.lastBlockHash === null) return 0;
  const current = await readBlock(chain, cursor, '--rpc').catch((e: unknown) => {
    if (e instanceof UserError && /does not exist/.test(e.message)) return null; // the chain is now shorter
    throw e;
  });
  if (current !== null && current.hash === books.lastBlockHash) return 0;
  const stored = await store.storedBlockHashes(cursor, 1000);
  const onChain = await readBlocks(chain, stored.map((b) => b.blockNumber).filter((n) => n <= cursor));
  let ancestor = deployment.deploymentBlock - 1;
  let deepestChanged = cursor;
  for (const b of stored) {
    if (onChain.get(b.blockNumber)?.hash === b.blockHash) {
      ancestor = b.blockNumber;
      break;
    }
    deepestChanged = b.blockNumber;
  }
  if (cursor - deepestChanged > maxDepth) {
    throw new UserError({ field: '--max-reorg-depth', value: maxDepth, message: `the chain changed block ${deepestChanged}, ${cursor - deepestChanged} blocks below the ledger's cursor ${cursor}: deeper than ${maxDepth}; nothing was changed`, hint: 'check the node; raise --max-reorg-depth to repair it' });
  }
  const hash = ancestor < deployment.deploymentBlock ? null : (await readBlock(chain, ancestor, '--rpc')).hash;
  const state = await replayTo(store, books, ancestor, hash);
  await store.rollbackTo(state, now().toISOString());
  return cursor - ancestor;
}

/**
 * Syncs the ledger from the chain: repairs a reorganisation at the cursor, then scans from the
 * cursor + 1 to head − confirmations (or `toBlock`), one transaction per block range.
 *
 * @example const result = await syncFromChain(store, createChainClient(rpcUrl), { confirmations: 2 });
 */
export async function syncFromChain(store: LedgerBackend, chain: ChainClient, opts: ChainSyncOptions = {}): Promise<ChainSyncResult> {
  const now = opts.now ?? (() => new Date());
  const deployment = await checkChain(store, chain);
  const head = await readHead(chain);
  if (opts.toBlock !== undefined && opts.toBlock > head) throw new UserError({ field: '--to-block', value: opts.toBlock, message: `block ${opts.toBlock} is beyond the chain head ${head}`, hint: 'wait for the chain, or sync to the head' });
  const target = opts.toBlock ?? head - (opts.confirmations ?? 0);
  const reorgedBlocks = await repairReorg(store, chain, deployment, opts.maxReorgDepth ?? DEFAULT_MAX_REORG_DEPTH, now);
  const books = await store.loadState();
  const fromBlock = (books.lastBlockScanned ?? deployment.deploymentBlock - 1) + 1;
  const source = new ChainEventSource({ chain, deployment, books, toBlock: target, maxRange: opts.maxRange });
  const total = Math.max(0, target - fromBlock + 1);
  const onBatch = (p: SyncProgress): void => {
    opts.onBatch?.(p);
    opts.onProgress?.(Math.max(0, (p.cursor ?? fromBlock - 1) - fromBlock + 1), total);
  };
  const result = await syncLedger(store, source, { fromBlock, commitEachBatch: true, batchSize: Number.MAX_SAFE_INTEGER, onBatch, now });
  return { ...result, reorgedBlocks };
}

/**
 * One figure compared: the ledger's and the chain's values (decimal strings).
 *
 * @example const d: ChainDifference = { item: 'totalSupply', ledger: '10', chain: '11' };
 */
export interface ChainDifference {
  item: string;
  ledger: string;
  chain: string;
}

/**
 * What {@link verifyAgainstChain} compared.
 *
 * @example if (!report.equal) console.table(report.differences);
 */
export interface ChainVerifyReport {
  equal: boolean;
  /** The block compared (the ledger's cursor). */
  block: number | null;
  /** Figures compared. */
  compared: number;
  differences: ChainDifference[];
}

/**
 * Compares the books at the cursor with the chain at that block (`eth_call` with a block
 * number): total supply, total assets, every holder's share balance, each owner's pending
 * and claimable redemption (shares and assets) and, on a vault with asynchronous deposits, each
 * controller's pending and claimable deposit (assets, and the shares minted for it).
 *
 * @example const report = await verifyAgainstChain(store, chain); // report.equal
 */
export async function verifyAgainstChain(store: LedgerBackend, chain: ChainClient): Promise<ChainVerifyReport> {
  const deployment = await checkChain(store, chain);
  const books = await store.loadState();
  const block = books.lastBlockScanned;
  if (block === null) return { equal: true, block: null, compared: 0, differences: [] };
  const vault = deployment.address as Address;
  const compared: ChainDifference[] = [];
  const add = (item: string, ledger: bigint, onChain: bigint): void => {
    compared.push({ item, ledger: ledger.toString(), chain: onChain.toString() });
  };
  const totals = await readTotalsAt(chain, vault, block);
  add('totalSupply', books.totalShares, totals.totalSupply);
  add('totalAssets', books.totalAssets, totals.totalAssets);
  const holders = [...new Set([...books.shareBalances.keys(), ...books.redemptions.keys(), ...books.deposits.keys()])].sort();
  const asyncRedeem = deployment.asyncRedeem === true;
  const asyncDeposit = deployment.asyncDeposit === true;
  const locks = asyncRedeem || asyncDeposit;
  const states = await readHoldersAt(chain, vault, locks ? [...holders, vault] : holders, block, asyncRedeem, asyncDeposit);
  for (const holder of holders) {
    const s = states.get(holder);
    if (s === undefined) continue;
    const r = books.redemptions.get(holder);
    const d = books.deposits.get(holder);
    add(`shares of ${holder}`, shareBalanceOf(books, holder), s.shares);
    if (asyncRedeem) {
      add(`pending redemption of ${holder}`, r?.pendingShares ?? 0n, s.pendingShares);
      add(`claimable shares of ${holder}`, r?.claimableShares ?? 0n, s.claimableShares);
      add(`claimable assets of ${holder}`, r?.claimableAssets ?? 0n, s.claimableAssets);
    }
    if (asyncDeposit) {
      add(`pending deposit of ${holder}`, d?.pendingAssets ?? 0n, s.pendingDepositAssets);
      add(`claimable deposit assets of ${holder}`, d?.claimableAssets ?? 0n, s.claimableDepositAssets);
      add(`claimable deposit shares of ${holder}`, d?.claimableShares ?? 0n, s.claimableDepositShares);
    }
  }
  if (locks) add('shares held by the vault (locked redemptions, unclaimed deposits)', books.pendingShares + claimableDepositSharesOf(books), states.get(vault)?.shares ?? 0n);
  const differences = compared.filter((c) => c.ledger !== c.chain);
  return { equal: differences.length === 0, block, compared: compared.length, differences };
}
