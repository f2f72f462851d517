/**
 * The fund ledger: the books of a holder's cash and venue positions (a ledger of kind `fund`,
 * kept by `capflow execute --db`), and their check against the chain.
 *
 * What "the books agree with the chain" means for a fund holding venue positions: at the
 * ledger's cursor block, the `reserve` equals the holder's balance of the fund asset, and each
 * venue's position (in the fund asset's base units) equals what the holder has there — the
 * aToken balance of an Aave V3 reserve; `previewRedeem` of the shares of an ERC-4626 vault;
 * for an ERC-7540 vault the shares held and pending at `convertToAssets` plus the claimable
 * assets — read with `eth_call` at that block, as `capflow plan --rpc` reads them.
 *
 * Booking an executed transaction (mined at block B): the cash that left (or came back to)
 * the reserve is a transfer between the reserve and the transaction's venue (two corrections,
 * NAV unchanged); then each position is revalued to what the chain holds at B (interest since
 * the last booking, and the venue's rounding: a deposit of X assets is worth X − 1 units when
 * the vault rounds the shares down). Opening balances are booked the same way when the ledger
 * is created. Gas is paid in the chain's native coin and not booked.
 */
import type { Address, Hex, PublicClient } from 'viem';
import { ERC20_ABI } from '../chain/abi.ts';
import { rpcErrorText } from '../chain/venues/read.ts';
import { UserError } from '../core/errors.ts';
import type { LedgerBackend } from '../ledger/backend.ts';
import type { ChainDifference, ChainVerifyReport } from '../ledger/chainSync.ts';
import type { SourcedEvent } from '../ledger/feed.ts';
import { applyEvent, holdingOf, type TreasuryState } from '../ledger/treasury.ts';
import { RESERVE_POSITION, type BalanceUpdate, type Deployment, type LedgerEvent, type LedgerFundVenue } from '../ledger/types.ts';
import { readLiveFund, type LiveFundSpec, type LiveVenueSpec } from './chainSource.ts';

/** Log indexes of the events a booking writes start here (they are the ledger's, not the chain's logs). */
export const FUND_LOG_INDEX_BASE = 1_000_000;

/**
 * The chain side of one booking: the block and transaction it belongs to.
 *
 * @example const at: FundBookingPoint = { chainId: 31337, blockNumber: 120, blockHash: '0x…', txHash: '0x…', timestamp: '2024-01-01T00:00:00.000Z' };
 */
export interface FundBookingPoint {
  chainId: number;
  blockNumber: number;
  blockHash: string;
  /** The executed transaction (the block hash for the opening balances). */
  txHash: string;
  timestamp: string;
}

/**
 * What the chain holds for the fund at a block: its cash and each venue's position (base units of the fund asset).
 *
 * @example const h: FundHoldings = { cashUnits: 250_000_000_000n, positions: new Map([['aave-usdc', 0n]]) };
 */
export interface FundHoldings {
  cashUnits: bigint;
  positions: Map<string, bigint>;
}

/**
 * The venues of a live fund spec as the ledger records them.
 *
 * @example fundVenuesOf(spec.venues)[0].position // 'demo-vault'
 */
export function fundVenuesOf(venues: readonly LiveVenueSpec[]): LedgerFundVenue[] {
  return venues.map((v) =>
    v.kind === 'aave-v3'
      ? { position: v.name, kind: v.kind, address: v.pool.toLowerCase(), asset: v.asset.toLowerCase() }
      : { position: v.name, kind: v.kind, address: v.address.toLowerCase(), asset: null },
  );
}

/** The live read spec of a fund ledger's venues (no APY look-back: only positions are needed). */
function readSpecOf(holder: Address, asset: Address, venues: readonly LedgerFundVenue[]): LiveFundSpec {
  const specs = venues.map((v): LiveVenueSpec => {
    const terms = { name: v.position, entryCostUsd: 0, exitCostPct: 0 };
    if (v.kind === 'aave-v3') return { ...terms, kind: 'aave-v3', pool: v.address as Address, asset: (v.asset ?? asset) as Address };
    if (v.kind === 'erc7540') return { ...terms, kind: 'erc7540', address: v.address as Address, withdrawDelayDays: 0 };
    return { ...terms, kind: 'erc4626', address: v.address as Address };
  });
  return { holder, asset, assetPriceUsd: 1, apyLookbackBlocks: 0, venues: specs, pendingRedemptionsUsd: 0, directionalTrades: [] };
}

/**
 * The fund's cash and venue positions at `block`, read with `eth_call` at that block.
 *
 * @example const h = await readFundHoldings(client, holder, asset, venues, 120n);
 */
export async function readFundHoldings(client: PublicClient, holder: Address, asset: Address, venues: readonly LedgerFundVenue[], block: bigint): Promise<FundHoldings> {
  const read = await readLiveFund(client, readSpecOf(holder, asset, venues), block);
  const positions = new Map<string, bigint>();
  for (const v of read.venues) positions.set(v.spec.name, v.kind === 'aave-v3' ? v.reserve.holderBalance : v.vault.holderAssets);
  return { cashUnits: read.cashUnits, positions };
}

/**
 * The events that bring the books to `holdings`: the cash that moved between the reserve and
 * `trade.venue` as a transfer (two corrections), then every position's revaluation. Without a
 * venue (the opening balances, an approval) a cash change is a correction of the reserve.
 *
 * @example fundBookingEvents(state, holdings, at, { venue: 'aave-usdc', label: '#2 supply' }).map((e) => e.kind) // ['correction', 'correction']
 */
export function fundBookingEvents(state: TreasuryState, holdings: FundHoldings, at: FundBookingPoint, trade: { venue: string | null; label: string }): LedgerEvent[] {
  const asset = state.config.assetSymbol;
  const base = { chainId: at.chainId, blockNumber: at.blockNumber, blockHash: at.blockHash, txHash: at.txHash, timestamp: at.timestamp };
  const events: LedgerEvent[] = [];
  const correction = (position: string, quantity: bigint, reason: string): void => {
    events.push({ ...base, logIndex: FUND_LOG_INDEX_BASE + events.length, kind: 'correction', asset, quantity, reason, position });
  };
  const expected = new Map<string, bigint>();
  for (const name of holdings.positions.keys()) expected.set(name, holdingOf(state, name, asset));
  const cashDelta = holdings.cashUnits - holdingOf(state, RESERVE_POSITION, asset);
  if (cashDelta !== 0n && trade.venue !== null) {
    const reason = `trade ${trade.label}: ${cashDelta < 0n ? `${-cashDelta} paid into` : `${cashDelta} received from`} ${trade.venue}`;
    correction(RESERVE_POSITION, cashDelta, reason);
    correction(trade.venue, -cashDelta, reason);
    expected.set(trade.venue, (expected.get(trade.venue) ?? 0n) - cashDelta);
  } else if (cashDelta !== 0n) {
    correction(RESERVE_POSITION, cashDelta, `${trade.label}: the holder's cash at block ${at.blockNumber}`);
  }
  for (const [name, value] of holdings.positions) {
    const diff = value - (expected.get(name) ?? 0n);
    if (diff !== 0n) correction(name, diff, `${trade.label}: revaluation of ${name} at block ${at.blockNumber} (interest, rounding)`);
  }
  return events;
}

async function bookingPoint(client: PublicClient, chainId: number, block: bigint, txHash: string | null): Promise<FundBookingPoint> {
  const b = await client.getBlock({ blockNumber: block });
  const blockHash = (b.hash as Hex).toLowerCase();
  return { chainId, blockNumber: Number(block), blockHash, txHash: (txHash ?? blockHash).toLowerCase(), timestamp: new Date(Number(b.timestamp) * 1000).toISOString() };
}

/** Applies `events` to the stored books and commits them with the cursor at `at`. */
async function commitBooking(store: LedgerBackend, events: readonly LedgerEvent[], at: FundBookingPoint, now: Date): Promise<number> {
  const state = await store.loadState();
  const updates: BalanceUpdate[] = [];
  const sourced: SourcedEvent[] = [];
  for (const event of events) {
    applyEvent(state, event, updates);
    sourced.push({ event, where: `tx ${at.txHash}` });
  }
  state.lastBlockScanned = at.blockNumber;
  state.lastBlockHash = at.blockHash;
  await store.commitBatch({ events: sourced, updates, state, syncedAt: now.toISOString() });
  return events.length;
}

/**
 * Refuses a ledger that is not the fund ledger of `holder` and `asset` on `chainId`.
 *
 * @example requireFundLedger(await store.deployment(), { chainId: 31337, holder, asset })
 */
export function requireFundLedger(d: Deployment, fund: { chainId: number; holder: string; asset: string }): void {
  const problem =
    d.kind !== 'fund' ? `keeps the books of the vault ${d.address}, not of a fund` :
    d.chainId !== fund.chainId ? `keeps chain ${d.chainId}, the batch is for chain ${fund.chainId}` :
    d.address.toLowerCase() !== fund.holder.toLowerCase() ? `keeps the fund ${d.address}, the batch's holder is ${fund.holder}` :
    (d.assetAddress ?? '').toLowerCase() !== fund.asset.toLowerCase() ? `keeps the asset ${d.assetAddress}, the batch's asset is ${fund.asset}` : null;
  if (problem !== null) throw new UserError({ field: '--db', message: `the ledger ${problem}; nothing was sent`, hint: 'pass the fund ledger of this holder, or a new path (created on first use)' });
}

/**
 * Creates the fund ledger of `holder` at `block`: the deployment (kind `fund`: the holder's
 * address, the fund asset), its venues and the opening balances read at that block.
 *
 * @example await createFundLedger(store, client, { chainId: 31337, holder, asset, venues }, 100n);
 */
export async function createFundLedger(store: LedgerBackend, client: PublicClient, fund: { chainId: number; holder: Address; asset: Address; venues: readonly LiveVenueSpec[] }, block: bigint, now = new Date()): Promise<void> {
  const venues = fundVenuesOf(fund.venues);
  let symbol: string;
  let decimals: number;
  try {
    [symbol, decimals] = await Promise.all([
      client.readContract({ address: fund.asset, abi: ERC20_ABI, functionName: 'symbol', blockNumber: block }),
      client.readContract({ address: fund.asset, abi: ERC20_ABI, functionName: 'decimals', blockNumber: block }),
    ]);
  } catch (e) {
    throw new UserError({ field: 'asset', value: fund.asset, message: `reading the fund asset's symbol and decimals failed: ${rpcErrorText(e)}` });
  }
  const holdings = await readFundHoldings(client, fund.holder, fund.asset, venues, block);
  const at = await bookingPoint(client, fund.chainId, block, null);
  await store.init({
    chainId: fund.chainId, address: fund.holder.toLowerCase(), deploymentBlock: Number(block), txHash: null, blockTime: at.timestamp,
    name: 'capflow fund', symbol: 'FUND', assetSymbol: /^[A-Za-z0-9._-]{1,32}$/.test(symbol) ? symbol : 'ASSET', assetDecimals: Number(decimals), shareDecimals: Number(decimals),
    initialisedAt: now.toISOString(), assetAddress: fund.asset.toLowerCase(), asyncRedeem: false, asyncDeposit: false, kind: 'fund',
  });
  await store.recordFundVenues(venues);
  await commitBooking(store, fundBookingEvents(await store.loadState(), holdings, at, { venue: null, label: 'opening balance' }), at, now);
}

/**
 * Books one mined transaction of the fund: reads the holder's cash and positions at its block
 * and writes the transfer and revaluations (one ledger transaction, the cursor at that block).
 * Returns the events written.
 *
 * @example await bookFundTransaction(store, client, { hash, blockNumber: 120n, venue: 'aave-usdc', label: '#2 supply' });
 */
export async function bookFundTransaction(store: LedgerBackend, client: PublicClient, tx: { hash: string; blockNumber: bigint; venue: string | null; label: string }, now = new Date()): Promise<number> {
  const d = await store.deployment();
  const venues = await store.fundVenues();
  const holdings = await readFundHoldings(client, d.address as Address, d.assetAddress as Address, venues, tx.blockNumber);
  const at = await bookingPoint(client, d.chainId, tx.blockNumber, tx.hash);
  return commitBooking(store, fundBookingEvents(await store.loadState(), holdings, at, { venue: tx.venue, label: tx.label }), at, now);
}

/**
 * Compares a fund ledger at its cursor with the chain at that block: the reserve with the
 * holder's cash, each venue's position with what the holder has there.
 *
 * @example const report = await verifyFundLedger(store, client); report.equal
 */
export async function verifyFundLedger(store: LedgerBackend, client: PublicClient): Promise<ChainVerifyReport> {
  const d = await store.deployment();
  const chainId = await client.getChainId().catch((e: unknown) => {
    throw new UserError({ field: '--rpc', message: `the RPC does not answer: ${rpcErrorText(e)}`, hint: 'check the URL and that the node is up' });
  });
  if (chainId !== d.chainId) throw new UserError({ field: '--rpc', value: chainId, message: `serves chain ${chainId} but the ledger keeps chain ${d.chainId}`, hint: 'pass an RPC of the ledger’s chain' });
  const books = await store.loadState();
  const block = books.lastBlockScanned;
  if (block === null) return { equal: true, block: null, compared: 0, differences: [] };
  const venues = await store.fundVenues();
  const holdings = await readFundHoldings(client, d.address as Address, d.assetAddress as Address, venues, BigInt(block));
  const asset = books.config.assetSymbol;
  const compared: ChainDifference[] = [{ item: `cash of ${d.address}`, ledger: holdingOf(books, RESERVE_POSITION, asset).toString(), chain: holdings.cashUnits.toString() }];
  for (const [name, value] of holdings.positions) compared.push({ item: `position ${name}`, ledger: holdingOf(books, name, asset).toString(), chain: value.toString() });
  const differences = compared.filter((c) => c.ledger !== c.chain);
  return { equal: differences.length === 0, block, compared: compared.length, differences };
}
