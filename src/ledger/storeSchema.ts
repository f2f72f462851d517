/**
 * The ledger store's schema: migrations applied in order; the store's version is the last one
 * applied. Version 2 keeps every token amount as a decimal string (any uint256, summed
 * exactly in bigint; DuckDB's HUGEINT stops at 2^127), adds block hashes (events and the
 * cursor), per-holder share balances, the vault asset's address, and a null cursor before the
 * first scan. Version 3 adds ERC-7540 asynchronous deposits (per-controller requests and
 * settled claims, the controller of a deposit claim, the vault's async-deposit flag) and fund
 * ledgers (books of a holder's venue positions kept by `capflow execute --db`: the
 * deployment's kind and the venue behind each position). Version 4 keys events by their
 * place on the chain, (chainId, blockNumber, logIndex): a sequential key DuckDB's index keeps
 * cheaply, where the random transaction hash in the old key cost about 8 µs and 140 bytes of
 * memory per event stored; the sync keeps (chainId, txHash, logIndex) unique itself (a key
 * already stored or seen earlier in the feed is refused).
 */
import { UserError } from '../core/errors.ts';

/**
 * One schema step.
 *
 * @example const m: Migration = { version: 3, statements: ['ALTER TABLE events ADD COLUMN x VARCHAR'] };
 */
export interface Migration {
  version: number;
  statements: readonly string[];
}

const AMOUNT_COLUMNS: readonly [string, string][] = [
  ['treasury_state', 'total_shares'],
  ['holdings', 'quantity'],
  ['redemptions', 'pending_shares'],
  ['redemptions', 'claimable_shares'],
  ['redemptions', 'claimable_assets'],
  ['events', 'assets'],
  ['events', 'shares'],
  ['events', 'nav_per_share'],
  ['events', 'balance'],
  ['events', 'quantity'],
  ['balance_updates', 'quantity'],
  ['balance_updates', 'previous_balance'],
];

/**
 * Every migration, oldest first.
 *
 * @example MIGRATIONS[MIGRATIONS.length - 1].version // 4
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE deployment (chain_id BIGINT NOT NULL, address VARCHAR NOT NULL, deployment_block BIGINT NOT NULL, tx_hash VARCHAR,
        block_time TIMESTAMP, name VARCHAR NOT NULL, symbol VARCHAR NOT NULL, asset_symbol VARCHAR NOT NULL,
        asset_decimals INTEGER NOT NULL, share_decimals INTEGER NOT NULL, initialised_at TIMESTAMP NOT NULL)`,
      `CREATE TABLE treasury_state (last_updated_at TIMESTAMP, last_cycle BIGINT, last_cycle_at TIMESTAMP,
        last_block_scanned BIGINT NOT NULL, total_shares HUGEINT NOT NULL, next_update_id BIGINT NOT NULL)`,
      `CREATE TABLE accounting_state (last_correction_block BIGINT, last_correction_at TIMESTAMP)`,
      `CREATE TABLE interest_sync (last_sync_at TIMESTAMP, last_sync_block BIGINT, last_distribution VARCHAR)`,
      `CREATE TABLE holdings (position VARCHAR NOT NULL, asset VARCHAR NOT NULL, quantity HUGEINT NOT NULL, PRIMARY KEY (position, asset))`,
      `CREATE TABLE redemptions (owner VARCHAR PRIMARY KEY, pending_shares HUGEINT NOT NULL, claimable_shares HUGEINT NOT NULL, claimable_assets HUGEINT NOT NULL)`,
      `CREATE TABLE events (seq BIGINT NOT NULL, chain_id BIGINT NOT NULL, tx_hash VARCHAR NOT NULL, log_index INTEGER NOT NULL,
        block_number BIGINT NOT NULL, timestamp TIMESTAMP NOT NULL, kind VARCHAR NOT NULL, owner VARCHAR,
        assets HUGEINT, shares HUGEINT, nav_per_share HUGEINT, asset VARCHAR, balance HUGEINT, force BOOLEAN,
        quantity HUGEINT, reason VARCHAR, position VARCHAR, cycle BIGINT, price_usd DOUBLE, notes VARCHAR,
        PRIMARY KEY (chain_id, tx_hash, log_index))`,
      `CREATE TABLE balance_updates (id BIGINT NOT NULL, event_seq BIGINT NOT NULL, cause VARCHAR NOT NULL, position VARCHAR NOT NULL,
        asset VARCHAR NOT NULL, quantity HUGEINT NOT NULL, previous_balance HUGEINT NOT NULL, value_usd DOUBLE)`,
    ],
  },
  {
    version: 2,
    statements: [
      ...AMOUNT_COLUMNS.map(([table, column]) => `ALTER TABLE ${table} ALTER ${column} TYPE VARCHAR`),
      'ALTER TABLE treasury_state ALTER last_block_scanned DROP NOT NULL',
      'ALTER TABLE treasury_state ADD COLUMN last_block_hash VARCHAR',
      'UPDATE treasury_state SET last_block_scanned = NULL WHERE last_block_scanned < (SELECT min(deployment_block) FROM deployment)',
      'ALTER TABLE events ADD COLUMN block_hash VARCHAR',
      'ALTER TABLE events ADD COLUMN from_address VARCHAR',
      'ALTER TABLE events ADD COLUMN to_address VARCHAR',
      'ALTER TABLE deployment ADD COLUMN asset_address VARCHAR',
      'ALTER TABLE deployment ADD COLUMN async_redeem BOOLEAN',
      'CREATE TABLE share_balances (holder VARCHAR PRIMARY KEY, shares VARCHAR NOT NULL)',
    ],
  },
  {
    version: 3,
    statements: [
      'CREATE TABLE deposit_requests (controller VARCHAR PRIMARY KEY, pending_assets VARCHAR NOT NULL, claimable_assets VARCHAR NOT NULL, claimable_shares VARCHAR NOT NULL)',
      'ALTER TABLE events ADD COLUMN controller VARCHAR',
      'ALTER TABLE deployment ADD COLUMN async_deposit BOOLEAN',
      'ALTER TABLE deployment ADD COLUMN kind VARCHAR',
      'CREATE TABLE fund_venues (position VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, address VARCHAR NOT NULL, asset VARCHAR)',
    ],
  },
  {
    version: 4,
    statements: [
      `CREATE TABLE events_v4 (seq BIGINT NOT NULL, chain_id BIGINT NOT NULL, tx_hash VARCHAR NOT NULL, log_index INTEGER NOT NULL,
        block_number BIGINT NOT NULL, timestamp TIMESTAMP NOT NULL, kind VARCHAR NOT NULL, owner VARCHAR,
        assets VARCHAR, shares VARCHAR, nav_per_share VARCHAR, asset VARCHAR, balance VARCHAR, force BOOLEAN,
        quantity VARCHAR, reason VARCHAR, position VARCHAR, cycle BIGINT, price_usd DOUBLE, notes VARCHAR,
        block_hash VARCHAR, from_address VARCHAR, to_address VARCHAR, controller VARCHAR, PRIMARY KEY (chain_id, block_number, log_index))`,
      'INSERT INTO events_v4 SELECT * FROM events ORDER BY seq',
      'DROP TABLE events',
      'ALTER TABLE events_v4 RENAME TO events',
    ],
  },
];

/** The schema version this code writes. @example SCHEMA_VERSION // 4 */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Whether a ledger opened read-only can be read: its schema is this code's (false), or older
 * and upgradable by a writer first (true); otherwise a {@link UserError} naming `--db`.
 *
 * @example checkReadableSchema('fund.duckdb', SCHEMA_VERSION, false) // false: read it as it is
 */
export function checkReadableSchema(path: string, version: number, snapshot: boolean): boolean {
  if (version === SCHEMA_VERSION) return false;
  if (version > 0 && version < SCHEMA_VERSION && !snapshot) return true;
  throw new UserError({
    field: '--db',
    value: path,
    message: version === 0 ? `${path} is not a treasury ledger (no schema)` : `${path} has schema version ${version}; this capflow reads ${SCHEMA_VERSION}`,
    hint: version > SCHEMA_VERSION ? 'upgrade capflow' : 'pass the ledger written by `capflow treasury init`, or run it again when the running sync is done',
  });
}
