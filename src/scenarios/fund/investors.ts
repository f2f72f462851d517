/**
 * The fund's investors: deposits and redemption requests (from the seeded flow process or a
 * feed), settlement of requests that fall due at the day's NAV per share, and payment of the
 * settled claims from cash.
 */
import { Rng, type Seed } from '../../core/rng.ts';
import { freeSharesOf, quoteDeposit, quoteNavPerShare } from '../../ledger/treasury.ts';
import { createDayFlows, sampleDayFlows, type DayFlows } from '../../market/flows.ts';
import { usdToUnits } from '../../venues/units.ts';
import { book, cashUnits, type FundBooks } from './books.ts';
import type { FundSetup } from './setup.ts';

const OWNERS = 64;

/** A redemption request waiting for settlement. */
interface PendingRequest {
  owner: string;
  shares: bigint;
  dueDay: number;
}

/**
 * The investors' side of a run.
 *
 * @example const inv = createInvestors(42, 0);
 */
export interface Investors {
  readonly flowRng: Rng;
  readonly dayFlows: DayFlows;
  readonly owners: readonly string[];
  ownerCursor: number;
  readonly requests: PendingRequest[];
  /** Owners with a settled claim, in settlement order. */
  readonly claimants: string[];
  /** Deposits and claims paid today, base units. */
  depositsUnits: bigint;
  paidUnits: bigint;
}

/** The investors' addresses, the same in every run. */
const OWNER_ADDRESSES: readonly string[] = Object.freeze(Array.from({ length: OWNERS }, (_, i) => `0x${(0xf00d0000 + i).toString(16).padStart(40, '0')}`));

/**
 * Investors of run `run`: 64 owner addresses in turn, flows from the stream named `flows`.
 *
 * @example createInvestors(42, 0).owners.length // 64
 */
export function createInvestors(seed: Seed, run: number): Investors {
  return { flowRng: Rng.named(seed, run, 'flows'), dayFlows: createDayFlows(), owners: OWNER_ADDRESSES, ownerCursor: 0, requests: [], claimants: [], depositsUnits: 0n, paidUnits: 0n };
}

function nextOwner(inv: Investors): string {
  const owner = inv.owners[inv.ownerCursor];
  inv.ownerCursor = (inv.ownerCursor + 1) % OWNERS;
  return owner;
}

function deposit(books: FundBooks, inv: Investors, units: bigint, owner: string): void {
  if (units <= 0n) return;
  book(books, { kind: 'deposit', owner, assets: units, shares: quoteDeposit(books.ledger, units), blockNumber: books.block, timestamp: books.timestamp });
  inv.depositsUnits += units;
}

function requestRedemption(books: FundBooks, inv: Investors, setup: FundSetup, shares: bigint, owner: string): void {
  const free = freeSharesOf(books.ledger);
  const locked = shares < free ? shares : free;
  if (locked <= 0n) return;
  book(books, { kind: 'redeem_request', owner, shares: locked, blockNumber: books.block, timestamp: books.timestamp });
  inv.requests.push({ owner, shares: locked, dueDay: books.day + setup.params.redemptions.settlementDays });
}

/**
 * The day's investor flows: the seed deposit on day 0, then the feed's or the flow process's
 * deposits and redemption requests.
 *
 * @example investorFlows(books, inv, setup);
 */
export function investorFlows(books: FundBooks, inv: Investors, setup: FundSetup): void {
  const t = books.day;
  inv.depositsUnits = 0n;
  inv.paidUnits = 0n;
  if (t === 0) deposit(books, inv, usdToUnits(setup.params.initialDepositUsd), nextOwner(inv));
  if (setup.feed !== null) {
    for (const d of setup.feed.days[t].deposits) deposit(books, inv, d.assets, d.owner);
    for (const r of setup.feed.days[t].requests) requestRedemption(books, inv, setup, r.shares, r.owner);
    return;
  }
  if (t === 0 || setup.flowSpec === null) return;
  const day = sampleDayFlows(inv.flowRng, setup.flowSpec, inv.dayFlows);
  for (let k = 0; k < day.depositCount; k++) deposit(books, inv, usdToUnits(day.depositsUsd[k]), nextOwner(inv));
  for (let k = 0; k < day.redemptionCount; k++) {
    const pctNano = BigInt(Math.round(day.redemptionPcts[k] * 1e9));
    requestRedemption(books, inv, setup, (books.ledger.totalShares * pctNano) / 1_000_000_000n, nextOwner(inv));
  }
}

/**
 * Settles the requests due today at today's NAV per share; they become claims.
 *
 * @example settleDueRequests(books, inv);
 */
export function settleDueRequests(books: FundBooks, inv: Investors): void {
  let kept = 0;
  for (const r of inv.requests) {
    if (r.dueDay > books.day) {
      inv.requests[kept++] = r;
      continue;
    }
    book(books, { kind: 'settle', owner: r.owner, shares: r.shares, navPerShare: quoteNavPerShare(books.ledger), blockNumber: books.block, timestamp: books.timestamp });
    if (!inv.claimants.includes(r.owner)) inv.claimants.push(r.owner);
  }
  inv.requests.length = kept;
}

/**
 * Pays settled claims from cash in settlement order; returns what stays unpaid (base units).
 *
 * @example const unpaidUnits = payClaims(books, inv);
 */
export function payClaims(books: FundBooks, inv: Investors): bigint {
  let unpaid = 0n;
  let kept = 0;
  for (const owner of inv.claimants) {
    const claim = books.ledger.redemptions.get(owner);
    if (claim === undefined || claim.claimableAssets === 0n) continue;
    if (claim.claimableAssets <= cashUnits(books)) {
      const assets = claim.claimableAssets;
      book(books, { kind: 'redeem', owner, assets, shares: claim.claimableShares, blockNumber: books.block, timestamp: books.timestamp });
      inv.paidUnits += assets;
      if (books.ledger.redemptions.get(owner)?.claimableAssets) inv.claimants[kept++] = owner;
    } else {
      unpaid += claim.claimableAssets;
      inv.claimants[kept++] = owner;
    }
  }
  inv.claimants.length = kept;
  return unpaid;
}
