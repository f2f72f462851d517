/**
 * A seeded synthetic event feed that obeys the book-keeping rules: deposits and synchronous
 * redemptions priced by ERC-4626 previews, redemption requests settled at the posted NAV per
 * share and then claimed, part of the cash supplied to a lending position by corrections,
 * and interest on it. For demos, benchmarks and the reliability tests.
 */
import { Rng, type Seed } from '../core/rng.ts';
import { formatFeedLine } from './feed.ts';
import {
  applyEvent,
  createTreasury,
  freeSharesOf,
  holdingOf,
  quoteDeposit,
  quoteNavPerShare,
  quoteRedeem,
  type TreasuryConfig,
  type TreasuryState,
} from './treasury.ts';
import { RESERVE_POSITION, type BalanceUpdate, type CorrectionEvent, type EventBase, type LedgerEvent } from './types.ts';

/**
 * Options of {@link generateFeed}.
 *
 * @example const opts: FeedOptions = { events: 1000, seed: 7 };
 */
export interface FeedOptions {
  events: number;
  seed: Seed;
  chainId?: number;
  /** Block of the first event (default 1). */
  startBlock?: number;
  /** Events per block (default 3). */
  eventsPerBlock?: number;
  /** Time of the first block (default 2024-01-01T00:00:00Z); blocks are 12 s apart. */
  startTime?: string;
}

/** The token side the generated feed assumes: USDC (6 decimals) and an 18-decimal share. */
export const GENERATED_FEED_CONFIG: TreasuryConfig = { assetSymbol: 'USDC', assetDecimals: 6, shareSymbol: 'cfUSD', shareDecimals: 18 };

/** The lending position the generated feed supplies cash to, and its rebasing token. */
const LENDING_POSITION = 'aave';
const LENDING_TOKEN = 'aUSDC';
const OWNERS = 64;

function hex(rng: Rng, digits: number): string {
  let out = '';
  while (out.length < digits) out += rng.nextUint32().toString(16).padStart(8, '0');
  return `0x${out.slice(0, digits)}`;
}

/** A random amount of USDC base units, log-uniform between $10 and $1M. */
function randomAssets(rng: Rng): bigint {
  return BigInt(Math.floor(10 ** (1 + rng.uniform() * 5) * 1e6));
}

function nextEvent(state: TreasuryState, rng: Rng, owners: readonly string[], base: EventBase): LedgerEvent {
  const owner = owners[rng.int(owners.length)];
  const cash = holdingOf(state, RESERVE_POSITION, state.config.assetSymbol);
  const supplied = holdingOf(state, LENDING_POSITION, LENDING_TOKEN);
  const claim = state.redemptions.get(owner);
  if (claim !== undefined && claim.claimableShares > 0n) {
    if (claim.claimableAssets <= cash) return { ...base, kind: 'redeem', owner, assets: claim.claimableAssets, shares: claim.claimableShares };
    if (claim.claimableAssets - cash <= supplied) {
      // withdraw from the lending position to pay the claim: into the reserve, then out of the position
      return { ...base, kind: 'correction', asset: state.config.assetSymbol, quantity: claim.claimableAssets - cash, reason: `withdraw from ${LENDING_POSITION}` };
    }
  }
  if (claim !== undefined && claim.pendingShares > 0n && rng.uniform() < 0.5) {
    return { ...base, kind: 'settle', owner, shares: claim.pendingShares, navPerShare: quoteNavPerShare(state) };
  }
  const u = rng.uniform();
  const free = freeSharesOf(state);
  if (u < 0.1 && free > 0n) return { ...base, kind: 'redeem_request', owner, shares: free / BigInt(2 + rng.int(50)) };
  if (u < 0.25 && free > 0n) {
    const shares = free / BigInt(5 + rng.int(50));
    const assets = quoteRedeem(state, shares);
    if (assets <= cash) return { ...base, kind: 'redeem', owner, assets, shares };
  }
  if (u < 0.35 && supplied > 0n) return { ...base, kind: 'interest', asset: LENDING_TOKEN, balance: supplied + supplied / BigInt(200_000 + rng.int(800_000)) };
  if (u < 0.38 && cash > 1_000_000n) {
    // supply half the idle cash: into the lending position, then out of the reserve
    return { ...base, kind: 'correction', asset: LENDING_TOKEN, quantity: cash / 2n, reason: `supply to ${LENDING_POSITION}`, position: LENDING_POSITION };
  }
  const assets = randomAssets(rng);
  return { ...base, kind: 'deposit', owner, assets, shares: quoteDeposit(state, assets) };
}

/** The second leg of a transfer between the reserve and the lending position (the first leg adds, this one takes away). */
function mirror(event: CorrectionEvent, assetSymbol: string): CorrectionEvent {
  const intoReserve = event.position === LENDING_POSITION;
  return {
    ...event,
    asset: intoReserve ? assetSymbol : LENDING_TOKEN,
    quantity: -event.quantity,
    position: intoReserve ? RESERVE_POSITION : LENDING_POSITION,
  };
}

/**
 * Feed lines (JSON text, no newline) of a seeded, valid event stream.
 *
 * @example for (const line of generateFeed({ events: 10, seed: 1 })) console.log(line);
 */
export function* generateFeed(opts: FeedOptions): Generator<string> {
  const rng = Rng.fromSeed(opts.seed);
  const chainId = opts.chainId ?? 1;
  const perBlock = opts.eventsPerBlock ?? 3;
  const startMs = Date.parse(opts.startTime ?? '2024-01-01T00:00:00Z');
  const state = createTreasury(GENERATED_FEED_CONFIG);
  const owners = Array.from({ length: OWNERS }, () => hex(rng, 40));
  const sink: BalanceUpdate[] = [];
  let followUp: LedgerEvent | null = null;
  for (let i = 0; i < opts.events; i++) {
    const blockOffset = Math.floor(i / perBlock);
    const base: EventBase = {
      chainId,
      blockNumber: (opts.startBlock ?? 1) + blockOffset,
      txHash: hex(rng, 64),
      logIndex: i % perBlock,
      timestamp: new Date(startMs + blockOffset * 12_000).toISOString(),
    };
    let event: LedgerEvent;
    if (followUp !== null) {
      event = { ...followUp, ...base } as LedgerEvent;
      followUp = null;
    } else {
      event = nextEvent(state, rng, owners, base);
      if (event.kind === 'correction') followUp = mirror(event, state.config.assetSymbol);
    }
    applyEvent(state, event, sink);
    sink.length = 0;
    yield formatFeedLine(event);
  }
}
