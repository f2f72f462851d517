/**
 * The chain side of `capflow treasury init|sync|verify` (with `--rpc`): books kept from a
 * vault's own events and balances. RPC URLs are printed without credentials.
 */
import { createChainClient } from '../../chain/client.ts';
import { redactRpcUrl, rpcUrlFrom } from '../../chain/rpcUrl.ts';
import { CheckFailedError, UserError } from '../../core/errors.ts';
import { DEFAULT_MAX_REORG_DEPTH, readDeployment, syncFromChain, verifyAgainstChain } from '../../ledger/chainSync.ts';
import type { LedgerDb } from '../../ledger/dbUrl.ts';
import { verifyFundLedger } from '../../venues/fundLedger.ts';
import { EVENT_KINDS } from '../../ledger/types.ts';
import { renderKeyValues, renderTable } from '../../report/table.ts';
import { parseNumberFlag } from '../flags.ts';
import type { CommandOutput } from '../io.ts';
import { initLedgerAt, shownDb, withLedgerAt } from '../ledgerDb.ts';
import { createProgress } from '../progress.ts';

/** Flags of the chain commands. */
export interface ChainFlags {
  rpc?: string;
  vault?: string;
  fromBlock?: string;
  confirmations?: string;
  toBlock?: string;
  maxRange?: string;
  maxReorgDepth?: string;
  progress?: boolean;
}

/** `treasury init --rpc --vault [--from-block]`: the deployment read from the chain. */
export async function initFromChain(where: LedgerDb, opts: ChainFlags): Promise<CommandOutput> {
  const rpcUrl = rpcUrlFrom(opts.rpc);
  if (opts.vault === undefined) throw new UserError({ field: '--vault', message: 'is required with --rpc', hint: 'pass --vault <0x address of the ERC-4626 vault>' });
  const fromBlock = opts.fromBlock === undefined ? undefined : parseNumberFlag('--from-block', opts.fromBlock, { integer: true, min: 0 });
  const deployment = await readDeployment(createChainClient(rpcUrl), opts.vault, { fromBlock });
  await initLedgerAt(where, deployment);
  const json = { db: shownDb(where), rpc: redactRpcUrl(rpcUrl), deployment };
  const human = (): string =>
    renderKeyValues([
      ['ledger', json.db],
      ['vault', `${deployment.name} (${deployment.symbol}) ${deployment.address}`],
      ['chain id', deployment.chainId],
      ['asset', `${deployment.assetSymbol} ${deployment.assetAddress}, ${deployment.assetDecimals} decimals`],
      ['share decimals', deployment.shareDecimals],
      ['async redemptions (ERC-7540)', deployment.asyncRedeem ? 'yes' : 'no'],
      ['deployment block', deployment.deploymentBlock],
    ]);
  return { json, human };
}

/** `treasury sync --rpc`: scan from the cursor to head − confirmations. */
export async function syncChain(where: LedgerDb, opts: ChainFlags): Promise<CommandOutput> {
  const rpcUrl = rpcUrlFrom(opts.rpc);
  const confirmations = parseNumberFlag('--confirmations', opts.confirmations, { integer: true, min: 0, max: 10_000 }, 0);
  const toBlock = opts.toBlock === undefined ? undefined : parseNumberFlag('--to-block', opts.toBlock, { integer: true, min: 0 });
  const maxRange = parseNumberFlag('--max-range', opts.maxRange, { integer: true, min: 1, max: 1_000_000 }, 5_000);
  const maxReorgDepth = parseNumberFlag('--max-reorg-depth', opts.maxReorgDepth, { integer: true, min: 0, max: 100_000 }, DEFAULT_MAX_REORG_DEPTH);
  const chain = createChainClient(rpcUrl);
  const bar = await createProgress('blocks');
  const result = await withLedgerAt(where, (store) =>
    syncFromChain(store, chain, {
      confirmations,
      toBlock,
      maxRange,
      maxReorgDepth,
      onProgress: (done, total) => bar.update(done, total),
      onBatch: opts.progress ? (p) => process.stderr.write(`synced ${p.applied} events, cursor ${p.cursor}\n`) : undefined,
    }),
  ).finally(() => bar.stop());
  const json = {
    rpc: chain.name,
    applied: result.applied,
    duplicates: result.duplicates,
    fromBlock: result.fromBlock,
    toBlock: result.toBlock,
    reorgedBlocks: result.reorgedBlocks,
    cursor: result.cursor,
    previousCursor: result.previousCursor,
    transactions: result.batches,
    appliedByKind: result.appliedByKind,
  };
  const human = (): string =>
    [
      renderKeyValues([
        ['node', chain.name],
        ['applied', json.applied, 'events'],
        ['skipped as duplicates', json.duplicates, 'events'],
        ['blocks read', json.fromBlock === null ? 'none (up to date)' : `${json.fromBlock}..${json.toBlock}`],
        ['rolled back (reorg)', json.reorgedBlocks, 'blocks'],
        ['cursor (last block scanned)', json.cursor ?? 'none yet'],
        ['transactions', json.transactions],
      ]),
      renderTable(['kind', 'applied'], EVENT_KINDS.map((k) => [k, json.appliedByKind[k]])),
    ].join('\n\n');
  return { json, human };
}

/** `treasury verify --rpc`: the books at the cursor against the chain at that block; a difference is a {@link CheckFailedError} (exit 3) with the table. */
export async function verifyChain(where: LedgerDb, opts: ChainFlags): Promise<CommandOutput> {
  const rpcUrl = rpcUrlFrom(opts.rpc);
  const chain = createChainClient(rpcUrl);
  // a fund ledger (kept by `capflow execute --db`) holds venue positions: its check reads them
  const report = await withLedgerAt(where, async (store) => ((await store.deployment()).kind === 'fund' ? verifyFundLedger(store, chain.client) : verifyAgainstChain(store, chain)), { access: 'read' });
  const json = { rpc: chain.name, ...report };
  if (!report.equal) {
    const table = renderTable(['figure', 'ledger', 'chain'], report.differences.map((d) => [d.item, d.ledger, d.chain]));
    throw new CheckFailedError(`${report.differences.length} of ${report.compared} figures differ from the chain at block ${report.block}:\n${table}`, json);
  }
  const human = (): string => `equal to the chain at block ${report.block ?? 'none (nothing synced yet)'}: ${report.compared} figures compared (${chain.name})`;
  return { json, human };
}
