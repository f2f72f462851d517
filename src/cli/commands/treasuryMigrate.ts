/**
 * `capflow treasury migrate --from <db> --to <db> [--replace]`: copies a ledger between a
 * DuckDB file and a PostgreSQL database (either way), then reads the copy back, compares every
 * table with the source and checks it (`treasury verify`'s checks) before it is kept: a
 * DuckDB copy is written beside its target and renamed into place, a PostgreSQL copy is one
 * transaction. A target that already holds a ledger is refused unless `--replace`.
 */
import type { Command } from 'commander';
import { CheckFailedError, UserError } from '../../core/errors.ts';
import { writeAtomically } from '../../core/outputFile.ts';
import type { LedgerBackend } from '../../ledger/backend.ts';
import { displayDb, isPostgresUrl, ledgerDbAt, type LedgerDb } from '../../ledger/dbUrl.ts';
import { compareLedgerImages, imageBatch, readLedgerImage, type LedgerImage } from '../../ledger/migrate.ts';
import { openLedger } from '../../ledger/open.ts';
import { verifyLedger } from '../../ledger/sync.ts';
import { renderKeyValues } from '../../report/table.ts';
import { withOutput, type CommonOptions } from '../io.ts';
import { checkLedgerDb, DB_HELP, withLedgerAt } from '../ledgerDb.ts';

interface MigrateOptions extends CommonOptions {
  from?: string;
  to?: string;
  replace?: boolean;
}

function required(flag: '--from' | '--to', raw: string | undefined): LedgerDb {
  if (raw === undefined) throw new UserError({ field: flag, message: 'is required', hint: `pass ${flag} <file.duckdb or postgres://user@host/database>` });
  return ledgerDbAt(raw, flag);
}

/** Compares the copy read back with the source and checks it; throws CheckFailedError (exit 3) on a difference. */
async function checkCopy(source: LedgerImage, copy: LedgerBackend): Promise<void> {
  const differences = compareLedgerImages(source, await readLedgerImage(copy));
  const report = await verifyLedger(copy);
  const problems = [...differences, ...report.problems];
  if (problems.length > 0) throw new CheckFailedError(`the copy differs from the source or is inconsistent; nothing was kept: ${problems.join('; ')}`, { identical: differences.length === 0, consistent: report.consistent, problems });
}

const alreadyHolds = (to: LedgerDb): UserError =>
  new UserError({ field: '--to', value: displayDb(to.db), message: `${displayDb(to.db)} already holds a ledger; nothing was changed`, hint: 'pass --replace to overwrite it, or another --to' });

/** Writes `image` into a PostgreSQL database in one transaction, checked before the commit. */
async function copyIntoPostgres(image: LedgerImage, to: LedgerDb, replace: boolean): Promise<void> {
  const { PgLedgerStore } = await import('../../ledger/pgStore.ts');
  const target = await PgLedgerStore.open(to.db, { create: true, field: '--to' });
  try {
    const holds = await target.deployment().then(
      () => true,
      () => false,
    );
    if (holds && !replace) throw alreadyHolds(to);
    await target.importLedger(image.deployment, image.fundVenues, imageBatch(image), { replace, check: () => checkCopy(image, target) });
  } finally {
    await target.close();
  }
}

/** Writes `image` into a new DuckDB file beside the target, checks it and renames it into place. */
async function copyIntoDuckDb(image: LedgerImage, to: LedgerDb, replace: boolean): Promise<void> {
  const info = await checkLedgerDb(to, ['missing', 'empty', 'ledger']);
  if (info === 'ledger' && !replace) throw alreadyHolds(to);
  await writeAtomically(to.db, '--to', async (tempPath) => {
    const target = await openLedger(tempPath, { create: true, field: '--to' });
    try {
      await target.init(image.deployment);
      if (image.fundVenues.length > 0) await target.recordFundVenues(image.fundVenues);
      const batch = imageBatch(image);
      if (batch !== null) await target.commitBatch(batch);
      await checkCopy(image, target);
    } finally {
      await target.close();
    }
  });
}

/** Registers `capflow treasury migrate`. */
export function registerMigrate(treasury: Command): void {
  withOutput<MigrateOptions>(
    treasury
      .command('migrate')
      .description('copy a ledger between a DuckDB file and PostgreSQL (either way); the copy is compared table by table and checked before it is kept')
      .option('--from <path|url>', `the ledger to copy (${DB_HELP})`)
      .option('--to <path|url>', 'where to copy it: a new or empty DuckDB file, or a PostgreSQL database without a ledger')
      .option('--replace', 'overwrite a ledger the target already holds')
      .addHelpText('after', '\nExit 3 when the copy read back differs from the source (nothing is kept).\n\nExamples:\n  capflow treasury migrate --from fund.duckdb --to postgres://capflow@db.internal:5432/fund\n  capflow treasury migrate --from postgres://capflow@db.internal/fund --to fund-copy.duckdb\n'),
    async (opts) => {
      const from = required('--from', opts.from);
      const to = required('--to', opts.to);
      if (from.db === to.db) throw new UserError({ field: '--to', value: displayDb(to.db), message: 'is the ledger being copied', hint: 'pass another --to' });
      await checkLedgerDb(from, ['ledger']);
      const image = await withLedgerAt(from, readLedgerImage, { access: 'read' });
      const replace = opts.replace === true;
      if (isPostgresUrl(to.db)) await copyIntoPostgres(image, to, replace);
      else await copyIntoDuckDb(image, to, replace);
      const json = { from: displayDb(from.db), to: displayDb(to.db), events: image.events.length, balanceUpdates: image.updates.length, cursor: image.state.lastBlockScanned, tablesCompared: 10, identical: true, consistent: true };
      const human = (): string =>
        renderKeyValues([
          ['copied', `${json.from} → ${json.to}`],
          ['events', json.events],
          ['balance updates', json.balanceUpdates],
          ['cursor (last block scanned)', json.cursor ?? 'none yet'],
          ['check', 'every table equal to the source; the copy is consistent'],
        ]);
      return { json, human };
    },
  );
}
