/**
 * `capflow treasury init|sync|show|history|verify|migrate|generate`: the fund's book in a DuckDB file
 * or a PostgreSQL database (`--db postgres://…`).
 */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { CheckFailedError, UserError } from '../../core/errors.ts';
import { fromBaseUnits } from '../../core/fixedPoint.ts';
import { isSafeText } from '../../core/text.ts';
import { isCalendarTime } from '../../core/time.ts';
import { writeAtomically } from '../../core/outputFile.ts';
import { MAX_DECIMALS_OFFSET } from '../../protocols/erc4626.ts';
import { ADDRESS_PATTERN, ISO_UTC_PATTERN, SYMBOL_PATTERN, TX_HASH_PATTERN } from '../../ledger/feed.ts';
import { generateFeed } from '../../ledger/generate.ts';
import { JsonlFeedFile } from '../../ledger/feedFile.ts';
import { JsonlEventSource } from '../../ledger/source.ts';
import { DEFAULT_BATCH_SIZE, syncLedger, verifyLedger, type SyncProgress } from '../../ledger/sync.ts';
import { treasurySummary } from '../../ledger/treasury.ts';
import { EVENT_KINDS, type Deployment, type EventKind } from '../../ledger/types.ts';
import { formatNumber, renderKeyValues, renderTable } from '../../report/table.ts';
import { rightAlign } from '../columns.ts';
import { parseChoiceFlag, parseNumberFlag } from '../flags.ts';
import { withOutput, type CommonOptions } from '../io.ts';
import { checkLedgerDb, DB_HELP, initLedgerAt, ledgerDbOf, shownDb, withLedgerAt } from '../ledgerDb.ts';
import type { ChainFlags } from './treasuryChain.ts';
import { registerMigrate } from './treasuryMigrate.ts';

/** The chain side (viem and the chain readers), loaded only by the commands that use --rpc: `treasury show` and a feed sync start faster. */
const chainCommands = (): Promise<typeof import('./treasuryChain.ts')> => import('./treasuryChain.ts');

interface DbOptions extends CommonOptions {
  db?: string;
}

interface InitOptions extends DbOptions, ChainFlags {
  chainId?: string;
  address?: string;
  name?: string;
  symbol?: string;
  assetSymbol?: string;
  assetDecimals?: string;
  shareDecimals?: string;
  deploymentBlock?: string;
  txHash?: string;
  blockTime?: string;
}

interface SyncOptions extends DbOptions, ChainFlags {
  events?: string;
  batchSize?: string;
  progress?: boolean;
}

interface ShowOptions extends DbOptions {
  assetPriceUsd?: string;
}

interface HistoryOptions extends DbOptions {
  cause?: string;
  limit?: string;
}

interface VerifyOptions extends DbOptions, ChainFlags {
  events?: string;
}

interface GenerateOptions extends CommonOptions {
  events?: string;
  seed?: string;
  out?: string;
}

const RPC_HELP = 'JSON-RPC URL of the chain (default $CAPFLOW_RPC_URL); printed without credentials';

/** Chain mode: --rpc given, or $CAPFLOW_RPC_URL set and no --events feed. */
function fromChain(opts: { rpc?: string; events?: string }): boolean {
  return opts.rpc !== undefined || (opts.events === undefined && (process.env.CAPFLOW_RPC_URL ?? '') !== '');
}

function requireText(flag: string, raw: string | undefined, pattern: { test(text: string): boolean }, what: string): string {
  if (raw === undefined) throw new UserError({ field: flag, message: 'is required', hint: `pass ${flag} <${what}>` });
  if (!pattern.test(raw)) throw new UserError({ field: flag, value: raw, message: `must be ${what}, got ${JSON.stringify(raw)}` });
  return raw;
}

function optionalText(flag: string, raw: string | undefined, pattern: RegExp, what: string): string | null {
  return raw === undefined ? null : requireText(flag, raw, pattern, what);
}

/** A vault name: 1-64 characters, none of them a control character, bidirectional override or lone surrogate. */
const SAFE_NAME = { test: (text: string): boolean => /^.{1,64}$/u.test(text) && isSafeText(text) };

/** Token symbols, as the event feed accepts them. */
const SYMBOL_TEXT = 'a symbol of 1-32 letters, digits, ".", "_" or "-"';

function deploymentFrom(opts: InitOptions): Deployment {
  const assetDecimals = parseNumberFlag('--asset-decimals', opts.assetDecimals, { integer: true, min: 0, max: 36 }, 6);
  const shareDecimals = parseNumberFlag('--share-decimals', opts.shareDecimals, { integer: true, min: assetDecimals, max: assetDecimals + MAX_DECIMALS_OFFSET }, 18);
  const blockTime = optionalText('--block-time', opts.blockTime, ISO_UTC_PATTERN, 'an ISO-8601 UTC time like 2024-01-01T00:00:00Z');
  if (blockTime !== null && !isCalendarTime(blockTime)) throw new UserError({ field: '--block-time', value: blockTime, message: 'is not a valid date and time (no 2024-02-30, month 13 or hour 24)' });
  return {
    chainId: parseNumberFlag('--chain-id', opts.chainId, { integer: true, gt: 0 }),
    address: requireText('--address', opts.address, ADDRESS_PATTERN, '0x + 40 hex digits').toLowerCase(),
    deploymentBlock: parseNumberFlag('--deployment-block', opts.deploymentBlock, { integer: true, min: 0 }, 0),
    txHash: optionalText('--tx-hash', opts.txHash, TX_HASH_PATTERN, '0x + 64 hex digits')?.toLowerCase() ?? null,
    blockTime: blockTime === null ? null : new Date(blockTime).toISOString(),
    name: requireText('--name', opts.name, SAFE_NAME, 'a name of 1-64 characters without control characters'),
    symbol: requireText('--symbol', opts.symbol, SYMBOL_PATTERN, SYMBOL_TEXT),
    assetSymbol: requireText('--asset-symbol', opts.assetSymbol ?? 'USDC', SYMBOL_PATTERN, SYMBOL_TEXT),
    assetDecimals,
    shareDecimals,
    initialisedAt: new Date().toISOString(),
  };
}

function registerInit(treasury: Command): void {
  withOutput<InitOptions>(
    treasury
      .command('init')
      .description('create a ledger for a vault (its deployment and empty books)')
      .option('--chain-id <id>', 'EVM chain id, integer > 0')
      .option('--address <0x…>', 'vault (share token) address')
      .option('--name <str>', 'share token name')
      .option('--symbol <str>', 'share token symbol')
      .option('--asset-symbol <str>', 'the vault asset (its cash) symbol (default USDC)')
      .option('--asset-decimals <n>', 'vault asset decimals, 0..36 (default 6)')
      .option('--share-decimals <n>', 'share decimals, asset decimals .. asset decimals + 36 (default 18)')
      .option('--deployment-block <n>', 'deployment block; earlier events are refused (default 0)')
      .option('--tx-hash <0x…>', 'deployment transaction hash')
      .option('--block-time <iso>', 'deployment block time, ISO-8601 UTC')
      .option('--rpc <url>', `read the deployment from the chain: ${RPC_HELP}`)
      .option('--vault <0x…>', 'with --rpc: the ERC-4626 / ERC-7540 vault address')
      .option('--from-block <n>', 'with --rpc: the deployment block (default: found by bisecting on eth_getCode)')
      .option('--db <path|url>', DB_HELP)
      .addHelpText('after', '\nExamples:\n  capflow treasury init --rpc http://127.0.0.1:8545 --vault 0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0 --db fund.duckdb\n  capflow treasury init --chain-id 1 --address 0x1111111111111111111111111111111111111111 --name "Capflow USD" --symbol cfUSD --db fund.duckdb\n'),
    async (opts) => {
      const where = ledgerDbOf(opts);
      if (opts.rpc !== undefined || opts.vault !== undefined) return (await chainCommands()).initFromChain(where, opts);
      const deployment = deploymentFrom(opts);
      await checkLedgerDb(where, ['missing', 'empty', 'ledger']);
      await initLedgerAt(where, deployment);
      const json = { db: shownDb(where), deployment };
      const human = (): string =>
        renderKeyValues([
          ['ledger', json.db],
          ['vault', `${deployment.name} (${deployment.symbol}) ${deployment.address}`],
          ['chain id', deployment.chainId],
          ['asset', `${deployment.assetSymbol}, ${deployment.assetDecimals} decimals`],
          ['share decimals', deployment.shareDecimals],
          ['deployment block', deployment.deploymentBlock],
        ]);
      return { json, human };
    },
  );
}

function registerSync(treasury: Command): void {
  withOutput<SyncOptions>(
    treasury
      .command('sync')
      .description('apply the vault\'s chain events (--rpc) or a JSON-lines event feed (--events) to the ledger (replays are no-ops)')
      .option('--events <file.jsonl>', 'event feed, one JSON object per line (see the README for the format)')
      .option('--rpc <url>', `scan the chain from the cursor: ${RPC_HELP}`)
      .option('--confirmations <n>', 'with --rpc: blocks below the head left unread (default 0)')
      .option('--to-block <n>', 'with --rpc: scan up to this block (default head − confirmations)')
      .option('--max-range <n>', 'with --rpc: largest eth_getLogs range tried, in blocks; halved while the node refuses (default 5000)')
      .option('--max-reorg-depth <n>', 'with --rpc: deepest reorganisation rolled back (default 64)')
      .option('--batch-size <n>', `events per transaction, whole blocks (default ${DEFAULT_BATCH_SIZE})`)
      .option('--progress', 'print a line on stderr after each committed batch')
      .option('--db <path|url>', DB_HELP)
      .addHelpText('after', '\nEvery line is checked before anything is written; each batch is one transaction.\n\nExample:\n  capflow treasury sync --events events.jsonl --db fund.duckdb --json\n'),
    async (opts) => {
      const where = ledgerDbOf(opts);
      if (fromChain(opts)) return (await chainCommands()).syncChain(where, opts);
      const batchSize = parseNumberFlag('--batch-size', opts.batchSize, { integer: true, min: 1, max: 1_000_000 }, DEFAULT_BATCH_SIZE);
      if (opts.events === undefined) throw new UserError({ field: '--events', message: 'is required', hint: 'pass --events <file.jsonl>, or --rpc <url> to sync from the chain' });
      const source = new JsonlFeedFile(opts.events);
      await source.checkReadable();
      const onBatch = opts.progress
        ? (p: SyncProgress): void => {
            process.stderr.write(`synced ${p.applied} events (${p.duplicates} duplicates), cursor ${p.cursor}\n`);
          }
        : undefined;
      await checkLedgerDb(where);
      const json = await withLedgerAt(where, (store) => syncLedger(store, source, { batchSize, onBatch }));
      const deviations = json.priceDeviations;
      const limit = `${deviations.limitPct * 100}%`;
      const human = (): string =>
        [
          renderKeyValues([
            ['applied', json.applied, 'events'],
            ['skipped as duplicates', json.duplicates, 'events'],
            ['cursor (last block scanned)', json.cursor],
            ['previous cursor', json.previousCursor],
            ['transactions', json.batches],
            [`priced > ${limit} off NAV/share`, deviations.count, 'events'],
          ]),
          renderTable(['kind', 'applied'], EVENT_KINDS.map((k) => [k, json.appliedByKind[k]])),
          ...(deviations.count === 0
            ? []
            : [
                `${deviations.count} applied events imply a price (assets/shares) more than ${limit} off the books' NAV per share (booked as given: the feed is the chain's record). First ${deviations.first.length}:\n` +
                  renderTable(
                    ['where', 'kind', 'block', 'implied price', 'NAV/share', 'off (%)'],
                    deviations.first.map((d) => [d.where, d.kind, d.blockNumber, d.impliedPrice, d.navPrice, d.deviationPct * 100]),
                  ),
              ]),
        ].join('\n\n');
      return { json, human };
    },
  );
}

/** An exact decimal string with thousands separated, as {@link formatNumber} writes numbers: '1234567.5' → '1,234,567.5'. */
function groupDecimal(text: string): string {
  const [whole, frac] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** Key-value rows whose values (exact decimal strings and numbers) are all text, thousands separated and right-aligned in one column. */
function rightAligned(rows: readonly (readonly [string, string | number, string?])[]): [string, string, string?][] {
  const texts = rightAlign(rows.map(([, v]) => (typeof v === 'number' ? formatNumber(v) : groupDecimal(v))));
  return rows.map(([label, , unit], i) => [label, texts[i], unit]);
}

function registerShow(treasury: Command): void {
  withOutput<ShowOptions>(
    treasury
      .command('show')
      .description('total assets, shares, share price, pending redemptions, holdings and cursor')
      .option('--asset-price-usd <usd>', 'USD per vault-asset token, to value pending redemptions (default 1)')
      .option('--db <path|url>', DB_HELP)
      .addHelpText('after', '\nQuantities are decimal strings in base units in --json; sharePrice is asset token units per share token.\n\nExample:\n  capflow treasury show --db fund.duckdb --json\n'),
    async (opts) => {
      const assetPriceUsd = parseNumberFlag('--asset-price-usd', opts.assetPriceUsd, { min: 0 }, 1);
      const where = ledgerDbOf(opts);
      await checkLedgerDb(where);
      const { deployment, state, lastUpdatedAt } = await withLedgerAt(
        where,
        async (store) => ({ deployment: await store.deployment(), state: await store.loadState(), lastUpdatedAt: await store.lastUpdatedAt() }),
        { access: 'read' },
      );
      const json = { deployment, lastUpdatedAt, ...treasurySummary(state, assetPriceUsd) };
      const asset = (units: string): string => fromBaseUnits(BigInt(units), deployment.assetDecimals);
      const shares = (units: string): string => fromBaseUnits(BigInt(units), deployment.shareDecimals);
      const human = (): string =>
        [
          `${deployment.name} (${deployment.symbol}) on chain ${deployment.chainId}, last sync ${json.lastUpdatedAt ?? 'never'}`,
          renderKeyValues(
            rightAligned([
              ['total assets', asset(json.totalAssets), deployment.assetSymbol],
              ['total shares', shares(json.totalShares), deployment.symbol],
              ['share price', json.sharePrice, `${deployment.assetSymbol}/${deployment.symbol}`],
              ['pending redemption shares', shares(json.pendingRedemptionShares), deployment.symbol],
              ['claimable (settled) redemptions', asset(json.claimableAssets), deployment.assetSymbol],
              ['pending redemptions', json.pendingRedemptionsUsd, 'USD'],
              ['last block scanned', json.lastBlockScanned ?? 'none yet'],
            ]),
          ),
          renderTable(['position', 'asset', 'quantity (base units)'], json.holdings.map((h) => [h.position, h.asset, BigInt(h.quantity)])),
          renderTable(['kind', 'events'], EVENT_KINDS.map((k) => [k, json.counts[k]])),
        ].join('\n\n');
      return { json, human };
    },
  );
}

function registerHistory(treasury: Command): void {
  withOutput<HistoryOptions>(
    treasury
      .command('history')
      .description('balance updates, newest last')
      .option('--cause <kind>', `only updates of one cause: ${EVENT_KINDS.join(', ')}`)
      .option('--limit <n>', 'the newest n updates (default 100)')
      .option('--db <path|url>', DB_HELP)
      .addHelpText('after', '\nExample:\n  capflow treasury history --cause interest --limit 10 --db fund.duckdb\n'),
    async (opts) => {
      const cause = opts.cause === undefined ? undefined : parseChoiceFlag<EventKind>('--cause', opts.cause, EVENT_KINDS);
      const limit = parseNumberFlag('--limit', opts.limit, { integer: true, min: 1, max: 1_000_000 }, 100);
      const where = ledgerDbOf(opts);
      await checkLedgerDb(where);
      const json = await withLedgerAt(where, (store) => store.history({ cause, limit }), { access: 'read' });
      const human = (): string =>
        [
          renderTable(
            ['id', 'block', 'time (UTC)', 'cause', 'position', 'asset', 'quantity (base units)', 'previous', 'USD', 'notes'],
            json.updates.map((u) => [u.id, u.blockNumber, u.timestamp, u.cause, u.position, u.asset, u.quantity, u.previousBalance, u.valueUsd, u.notes]),
          ),
          `${json.updates.length} of ${json.total} updates`,
        ].join('\n');
      return { json, human };
    },
  );
}

function registerVerify(treasury: Command): void {
  withOutput<VerifyOptions>(
    treasury
      .command('verify')
      .description('check the ledger: snapshot = replay of its events, updates add up, nothing beyond the cursor')
      .option('--events <file.jsonl>', 'also check it holds exactly this feed’s events up to the cursor')
      .option('--rpc <url>', `compare the books at the cursor with the chain at that block: ${RPC_HELP}`)
      .option('--db <path|url>', DB_HELP)
      .addHelpText('after', '\nExit 3 when the ledger is inconsistent or (with --rpc) differs from the chain, with the differences.\n\nExamples:\n  capflow treasury verify --rpc http://127.0.0.1:8545 --db fund.duckdb\n  capflow treasury verify --events events.jsonl --db fund.duckdb\n'),
    async (opts) => {
      const where = ledgerDbOf(opts);
      if (fromChain(opts)) return (await chainCommands()).verifyChain(where, opts);
      const source = opts.events === undefined ? undefined : JsonlEventSource.fromFile(opts.events);
      await checkLedgerDb(where);
      const json = await withLedgerAt(where, (store) => verifyLedger(store, source), { access: 'read' });
      if (!json.consistent) throw new CheckFailedError(`the ledger is inconsistent: ${json.problems.join('; ')}`, json);
      const human = (): string => `consistent: ${json.events} events up to block ${json.cursor}`;
      return { json, human };
    },
  );
}

function registerGenerate(treasury: Command): void {
  withOutput<GenerateOptions>(
    treasury
      .command('generate')
      .description('write a seeded synthetic event feed (valid for a USDC vault with 18-decimal shares, chain 1)')
      .option('--events <n>', 'number of events, integer >= 1')
      .option('--seed <n>', 'random seed, integer >= 0 (default 1)')
      .option('--out <file.jsonl>', 'where to write the feed')
      .addHelpText('after', '\nExample:\n  capflow treasury generate --events 1000 --seed 7 --out events.jsonl\n'),
    async (opts) => {
      const events = parseNumberFlag('--events', opts.events, { integer: true, min: 1, max: 10_000_000 });
      const seed = parseNumberFlag('--seed', opts.seed, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }, 1);
      if (opts.out === undefined) throw new UserError({ field: '--out', message: 'is required', hint: 'pass --out <file.jsonl>' });
      const out = opts.out;
      await writeAtomically(out, '--out', (tempPath) => writeLines(tempPath, out, generateFeed({ events, seed })));
      const json = { file: opts.out, events, seed };
      return { json, human: () => `wrote ${events} events to ${opts.out} (seed ${seed})` };
    },
  );
}

/** Writes `lines` to `tempPath`; errors name `--out` and its `path`. */
async function writeLines(tempPath: string, path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(tempPath);
  const failed = new Promise<never>((_, reject) => out.on('error', (e) => reject(new UserError({ field: '--out', value: path, message: `cannot write ${path}: ${e.message}` }))));
  const chunk: string[] = [];
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
      chunk.length = 0;
    }
  }
  out.end(chunk.length > 0 ? `${chunk.join('\n')}\n` : '');
  await Promise.race([new Promise<void>((r) => out.once('finish', () => r())), failed]);
}

/** Registers `capflow treasury …`. */
export function registerTreasury(program: Command): void {
  const treasury = program.command('treasury').description("the fund's book: deposits, redemptions, interest, NAV and share price (DuckDB file or PostgreSQL)");
  registerInit(treasury);
  registerSync(treasury);
  registerShow(treasury);
  registerHistory(treasury);
  registerVerify(treasury);
  registerMigrate(treasury);
  registerGenerate(treasury);
}
