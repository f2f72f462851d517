/**
 * Where the ledger is: `--db`, else the `CAPFLOW_DB_URL` environment variable, else
 * ./capflow.duckdb. A `postgres://` (or `postgresql://`) URL names a PostgreSQL database;
 * anything else without a URL scheme is a DuckDB file path. Database URLs are printed without
 * their password.
 */
import * as z from '../core/zod.ts';
import { UserError } from '../core/errors.ts';
import { redactUrl } from '../core/url.ts';
import { DEFAULT_DB_PATH } from './store.ts';

/**
 * The ledger's location and the flag or variable it came from (named in errors).
 *
 * @example const where: LedgerDb = { db: 'postgres://capflow@db.internal/fund', field: 'CAPFLOW_DB_URL' };
 */
export interface LedgerDb {
  db: string;
  /** `--db`, `CAPFLOW_DB_URL`, or another flag that names a ledger (`--from`, `--to`). */
  field: string;
}

/**
 * True for a PostgreSQL URL (`postgres://…` or `postgresql://…`).
 *
 * @example isPostgresUrl('postgres://capflow@127.0.0.1/fund') // true
 */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * A location fit to print: a path as given, a database URL without its password (the role
 * name stays) and with secret-looking query values hidden.
 *
 * @example displayDb('postgres://fund:pw@db.internal/ledger') // 'postgres://fund@db.internal/ledger'
 */
export function displayDb(db: string): string {
  return isPostgresUrl(db) ? redactUrl(db, { keepUsername: true }) : db;
}

const PgUrlSchema = z
  .object({
    protocol: z.enum(['postgres:', 'postgresql:']),
    hostname: z.string().min(1, 'names no host'),
    port: z.union([z.literal(''), z.string().regex(/^\d+$/).refine((p) => Number(p) >= 1 && Number(p) <= 65535, 'port must be 1..65535')]),
    database: z.string().regex(/^[^/]+$/, 'names no database (postgres://user@host/<database>)'),
  })
  .strict();

/**
 * The ledger's location from `--db` or `CAPFLOW_DB_URL` (the flag wins), checked: a URL of
 * another scheme, or a PostgreSQL URL without a host or a database, is a {@link UserError}
 * naming where it came from. Errors never echo a password.
 *
 * @example ledgerDbFrom(undefined, { CAPFLOW_DB_URL: 'postgres://capflow@127.0.0.1:5432/fund' }) // { db: 'postgres://…', field: 'CAPFLOW_DB_URL' }
 */
export function ledgerDbFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LedgerDb {
  const fromEnv = flag === undefined && (env.CAPFLOW_DB_URL ?? '') !== '';
  return ledgerDbAt(flag ?? (fromEnv ? (env.CAPFLOW_DB_URL as string) : DEFAULT_DB_PATH), fromEnv ? 'CAPFLOW_DB_URL' : '--db');
}

/**
 * A ledger location given in `field`, checked as {@link ledgerDbFrom} checks `--db`.
 *
 * @example ledgerDbAt('postgres://capflow@127.0.0.1/fund', '--to') // { db: 'postgres://…', field: '--to' }
 */
export function ledgerDbAt(db: string, field: string): LedgerDb {
  const hint = 'pass a DuckDB file path, or postgres://user@host:5432/database with the password in PGPASSWORD or the URL';
  if (db === '') throw new UserError({ field, message: 'is empty', hint });
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(db);
  if (scheme === null) return { db, field }; // a file path
  if (!isPostgresUrl(db)) throw new UserError({ field, value: displayDb(db), message: `${scheme[1]}:// is not a ledger store; capflow keeps ledgers in DuckDB files and PostgreSQL`, hint });
  let url: URL;
  try {
    url = new URL(db);
  } catch {
    throw new UserError({ field, value: '<invalid URL>', message: 'is not a valid PostgreSQL URL', hint });
  }
  const parsed = PgUrlSchema.safeParse({ protocol: url.protocol.toLowerCase(), hostname: url.hostname, port: url.port, database: decodeURIComponent(url.pathname.replace(/^\//, '')) });
  if (!parsed.success) throw new UserError({ field, value: displayDb(db), message: `is not a usable PostgreSQL URL: ${parsed.error.issues[0].message}`, hint });
  return { db, field };
}
