/**
 * The fund's books during a run: the treasury ledger, and how the fund's own actions become
 * its events (one block per day, log indexes in the order of the day's events).
 */
import { applyEvent, createTreasury, holdingOf, type TreasuryConfig, type TreasuryState } from '../../ledger/treasury.ts';
import { RESERVE_POSITION, type BalanceUpdate, type EventBase, type LedgerEvent } from '../../ledger/types.ts';

/** The fund's tokens: USDC (6 decimals) and an 18-decimal share (decimals offset 12). */
export const FUND_TREASURY_CONFIG: TreasuryConfig = Object.freeze({ assetSymbol: 'USDC', assetDecimals: 6, shareSymbol: 'cfUSD', shareDecimals: 18 });

/** Reason of the corrections that mark a position the books held nothing of (or that is worth less than nothing). */
export const MARK_REASON = 'mark to market';

/**
 * A run's books and the key fields of the day's next event.
 *
 * @example const books = createBooks(true); beginBooksDay(books, 0, '2025-01-01');
 */
export interface FundBooks {
  readonly ledger: TreasuryState;
  /** Every event applied (detail runs only). */
  readonly events: LedgerEvent[] | null;
  /** Every balance update (detail runs only; other runs build none). */
  readonly updates: BalanceUpdate[] | null;
  day: number;
  /** The day's block (day + 1). */
  block: number;
  logIndex: number;
  timestamp: string;
  /** The day's tx hashes up to the log index (kept books only; '' otherwise). */
  txPrefix: string;
}

/** Log indexes as the 8 hex digits ending a fund event's tx hash (the common ones, precomputed). */
const LOG_INDEX_HEX = Array.from({ length: 1024 }, (_, i) => i.toString(16).padStart(8, '0'));

type EventFields<E> = E extends LedgerEvent ? Omit<E, keyof EventBase> : never;
/**
 * A fund event as its caller writes it: the kind's own fields and the day's block and time
 * (`books.block`, `books.timestamp`). Written in the literal, not added by {@link book}: an
 * object that gets properties after its birth changes shape twice and grows a property store,
 * for each of the run's ~6,000 events.
 */
type DayEventFields = EventFields<LedgerEvent> & Pick<EventBase, 'blockNumber' | 'timestamp'>;
type Mutable<E> = { -readonly [K in keyof E]: E[K] };

/**
 * Empty books; `detail` keeps every event and balance update.
 *
 * @example createBooks(false).ledger.totalAssets // 0n
 */
export function createBooks(detail: boolean): FundBooks {
  return { ledger: createTreasury(FUND_TREASURY_CONFIG), events: detail ? [] : null, updates: detail ? [] : null, day: 0, block: 1, logIndex: 0, timestamp: '', txPrefix: '' };
}

/**
 * Starts day `day` (its events go in block day + 1, stamped at midnight UTC of `date`).
 *
 * @example beginBooksDay(books, 3, '2025-01-04');
 */
export function beginBooksDay(books: FundBooks, day: number, date: string): void {
  books.day = day;
  books.block = day + 1;
  books.logIndex = 0;
  books.timestamp = `${date}T00:00:00.000Z`;
  books.txPrefix = books.events === null ? '' : `0x${day.toString(16).padStart(8, '0')}${'0'.repeat(48)}`;
}

/**
 * Applies the fund's own event, stamped with the day's block and time by its caller. Books that
 * keep no events (a study's runs after run 0) apply it as it is, without balance updates: no
 * transaction hash is built for an event nobody keeps.
 *
 * @example book(books, { kind: 'deposit', owner, assets: 10n ** 9n, shares: 10n ** 21n, blockNumber: books.block, timestamp: books.timestamp });
 */
export function book(books: FundBooks, fields: DayEventFields): void {
  const logIndex = books.logIndex++;
  // the caller's fresh literal becomes the event (no copy: this runs for every event of every run)
  const event = fields as Mutable<LedgerEvent>;
  if (books.events === null) {
    applyEvent(books.ledger, event, null);
    return;
  }
  event.chainId = 1;
  event.txHash = books.txPrefix + (logIndex < LOG_INDEX_HEX.length ? LOG_INDEX_HEX[logIndex] : logIndex.toString(16).padStart(8, '0'));
  event.logIndex = logIndex;
  applyEvent(books.ledger, event, books.updates);
  books.events.push(event);
}

/**
 * Cash in the reserve, base units.
 *
 * @example cashUnits(books) // 4_850_000_000_000n
 */
export function cashUnits(books: FundBooks): bigint {
  return holdingOf(books.ledger, RESERVE_POSITION, FUND_TREASURY_CONFIG.assetSymbol);
}

/**
 * What the books hold of a venue position (the position's own token), base units.
 *
 * @example positionUnits(books, 'aave') // 1_000_000_000n
 */
export function positionUnits(books: FundBooks, position: string): bigint {
  return holdingOf(books.ledger, position, position);
}

/**
 * Moves `units` from the reserve into `position` (negative: back into the reserve) as a
 * pair of corrections.
 *
 * @example transfer(books, 'aave', 1_000_000n, 'supply to aave');
 */
export function transfer(books: FundBooks, position: string, units: bigint, reason: string): void {
  if (units === 0n) return;
  const usdc = FUND_TREASURY_CONFIG.assetSymbol;
  const into = { kind: 'correction', asset: position, quantity: units, reason, position, blockNumber: books.block, timestamp: books.timestamp } as const;
  const out = { kind: 'correction', asset: usdc, quantity: -units, reason, blockNumber: books.block, timestamp: books.timestamp } as const;
  if (units > 0n) {
    book(books, into);
    book(books, out);
  } else {
    book(books, out);
    book(books, into);
  }
}

/**
 * Pays `units` out of the fund (a `cost` event) from the reserve, or from a venue position.
 *
 * @example payCost(books, 5_000_000n, 'gas: deposit into aave');
 */
export function payCost(books: FundBooks, units: bigint, reason: string, position?: string): void {
  if (units <= 0n) return;
  if (position === undefined) book(books, { kind: 'cost', asset: FUND_TREASURY_CONFIG.assetSymbol, quantity: units, reason, blockNumber: books.block, timestamp: books.timestamp });
  else book(books, { kind: 'cost', asset: position, quantity: units, reason, position, blockNumber: books.block, timestamp: books.timestamp });
}

/**
 * Records a position's true value: as interest for a rebasing balance (a jump above the
 * ledger's 5% guard is forced: the value is the venue's own), as a `<position> pnl` correction
 * for a marked-to-market position; a position the books held nothing of (or worth less than
 * nothing) gets a mark-to-market correction. Returns the change booked.
 *
 * @example markPosition(books, 'aave', 1_000_137_000n, 'interest') // 137_000n
 */
export function markPosition(books: FundBooks, position: string, valueUnits: bigint, valueChange: 'interest' | 'pnl'): bigint {
  const held = positionUnits(books, position);
  const change = valueUnits - held;
  if (change === 0n) return 0n;
  if (valueChange === 'pnl') {
    book(books, { kind: 'correction', asset: position, quantity: change, reason: `${position} pnl`, position, blockNumber: books.block, timestamp: books.timestamp });
  } else if (held <= 0n || valueUnits < 0n) {
    book(books, { kind: 'correction', asset: position, quantity: change, reason: MARK_REASON, position, blockNumber: books.block, timestamp: books.timestamp });
  } else {
    const force = (change < 0n ? -change : change) * 20n > held; // a real jump above 5% (e.g. a vault loss)
    const { block: blockNumber, timestamp } = books;
    book(books, force ? { kind: 'interest', asset: position, balance: valueUnits, force, blockNumber, timestamp } : { kind: 'interest', asset: position, balance: valueUnits, blockNumber, timestamp });
  }
  return change;
}
