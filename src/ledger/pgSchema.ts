/**
 * The ledger's tables in PostgreSQL: the DuckDB store's tables (storeSchema.ts) at the same
 * schema version, with the same columns, the same unique keys and the same meaning. Token
 * amounts are exact integers: what an event carries is `NUMERIC(78,0)` (any uint256, as on
 * chain), running totals (holdings, balances, share supply, balance updates and the balances
 * before them) `NUMERIC(1000,0)`, since a sum of uint256 amounts may pass 2^256 and the books
 * must still hold it exactly (the DuckDB store keeps decimal strings and sums in bigint: the same
 * numbers). Times are `TIMESTAMPTZ`, UTC. Events are unique by (chainId, txHash, logIndex) and
 * by their place on the chain (chainId, blockNumber, logIndex).
 */
import { SCHEMA_VERSION, type Migration } from './storeSchema.ts';

/** A token amount as an event carries it: 0 ≤ x < 2^256 fits 78 digits. */
const AMOUNT = 'NUMERIC(78,0)';
/** A running total or a signed change of one (holdings of debts are negative). */
const TOTAL = 'NUMERIC(1000,0)';

/**
 * The ledger's tables (without `schema_version`), in the order they are created.
 *
 * @example LEDGER_TABLES.includes('events') // true
 */
export const LEDGER_TABLES: readonly string[] = [
  'deployment', 'treasury_state', 'accounting_state', 'interest_sync', 'holdings', 'redemptions', 'share_balances', 'events', 'balance_updates', 'deposit_requests', 'fund_venues',
];

/**
 * Every PostgreSQL migration, oldest first; the last one's version equals the DuckDB store's
 * {@link SCHEMA_VERSION} (a new DuckDB migration needs its PostgreSQL twin here).
 *
 * @example PG_MIGRATIONS[PG_MIGRATIONS.length - 1].version === SCHEMA_VERSION // true
 */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    // the DuckDB store's versions 1 and 2 in one step: PostgreSQL ledgers start at 2
    version: 2,
    statements: [
      `CREATE TABLE deployment (chain_id BIGINT NOT NULL, address TEXT NOT NULL, deployment_block BIGINT NOT NULL, tx_hash TEXT,
        block_time TIMESTAMPTZ, name TEXT NOT NULL, symbol TEXT NOT NULL, asset_symbol TEXT NOT NULL,
        asset_decimals INTEGER NOT NULL, share_decimals INTEGER NOT NULL, initialised_at TIMESTAMPTZ NOT NULL,
        asset_address TEXT, async_redeem BOOLEAN)`,
      `CREATE TABLE treasury_state (last_updated_at TIMESTAMPTZ, last_cycle BIGINT, last_cycle_at TIMESTAMPTZ,
        last_block_scanned BIGINT, total_shares ${TOTAL} NOT NULL, next_update_id BIGINT NOT NULL, last_block_hash TEXT)`,
      'CREATE TABLE accounting_state (last_correction_block BIGINT, last_correction_at TIMESTAMPTZ)',
      'CREATE TABLE interest_sync (last_sync_at TIMESTAMPTZ, last_sync_block BIGINT, last_distribution TEXT)',
      `CREATE TABLE holdings (position TEXT NOT NULL, asset TEXT NOT NULL, quantity ${TOTAL} NOT NULL, PRIMARY KEY (position, asset))`,
      `CREATE TABLE redemptions (owner TEXT PRIMARY KEY, pending_shares ${TOTAL} NOT NULL, claimable_shares ${TOTAL} NOT NULL, claimable_assets ${TOTAL} NOT NULL)`,
      `CREATE TABLE share_balances (holder TEXT PRIMARY KEY, shares ${TOTAL} NOT NULL)`,
      `CREATE TABLE events (seq BIGINT NOT NULL UNIQUE, chain_id BIGINT NOT NULL, tx_hash TEXT NOT NULL, log_index INTEGER NOT NULL,
        block_number BIGINT NOT NULL, timestamp TIMESTAMPTZ NOT NULL, kind TEXT NOT NULL, owner TEXT,
        assets ${AMOUNT}, shares ${AMOUNT}, nav_per_share ${AMOUNT}, asset TEXT, balance ${AMOUNT}, force BOOLEAN,
        quantity ${AMOUNT}, reason TEXT, position TEXT, cycle BIGINT, price_usd DOUBLE PRECISION, notes TEXT,
        block_hash TEXT, from_address TEXT, to_address TEXT,
        PRIMARY KEY (chain_id, tx_hash, log_index))`,
      'CREATE INDEX events_block_number ON events (block_number)',
      `CREATE TABLE balance_updates (id BIGINT PRIMARY KEY, event_seq BIGINT NOT NULL, cause TEXT NOT NULL, position TEXT NOT NULL,
        asset TEXT NOT NULL, quantity ${TOTAL} NOT NULL, previous_balance ${TOTAL} NOT NULL, value_usd DOUBLE PRECISION)`,
      'CREATE INDEX balance_updates_event_seq ON balance_updates (event_seq)',
    ],
  },
  {
    // ERC-7540 asynchronous deposits and fund ledgers, as the DuckDB store's version 3
    version: 3,
    statements: [
      `CREATE TABLE deposit_requests (controller TEXT PRIMARY KEY, pending_assets ${TOTAL} NOT NULL, claimable_assets ${TOTAL} NOT NULL, claimable_shares ${TOTAL} NOT NULL)`,
      'ALTER TABLE events ADD COLUMN controller TEXT',
      'ALTER TABLE deployment ADD COLUMN async_deposit BOOLEAN',
      'ALTER TABLE deployment ADD COLUMN kind TEXT',
      'CREATE TABLE fund_venues (position TEXT PRIMARY KEY, kind TEXT NOT NULL, address TEXT NOT NULL, asset TEXT)',
    ],
  },
  {
    // the DuckDB store's version 4 keys events by their place on the chain; here that key is
    // added beside (chainId, txHash, logIndex), which stays the primary key
    version: 4,
    statements: ['ALTER TABLE events ADD CONSTRAINT events_chain_place UNIQUE (chain_id, block_number, log_index)'],
  },
];

/** The version the PostgreSQL tables are brought to: the DuckDB store's. @example PG_SCHEMA_VERSION // 4 */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1].version;
if (PG_SCHEMA_VERSION !== SCHEMA_VERSION) throw new Error(`the PostgreSQL ledger schema (${PG_SCHEMA_VERSION}) lags the DuckDB one (${SCHEMA_VERSION}): add its migration to pgSchema.ts`);
