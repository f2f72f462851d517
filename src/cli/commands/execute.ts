/**
 * `capflow execute <batch.json> --rpc <url>`: sends the transactions of a `capflow plan
 * --emit-txs` batch from the key in the environment variable CAPFLOW_PRIVATE_KEY (never a
 * flag, never printed). First it re-plans on the chain as it is now and refuses when the
 * plan moved more than `--max-drift-usd`, then simulates the whole batch on the pending
 * block; then it sends one transaction at a time, waits for receipts and stops at the first
 * failure. `--dry-run` stops after the simulation. With `--db` every mined transaction is
 * booked into the fund ledger (created on first use): the cash it moved between the reserve
 * and its venue, and each position revalued to the chain at its block (src/venues/fundLedger.ts),
 * so `capflow treasury verify --rpc … --db` finds the books equal to the chain afterwards.
 */
import type { Command } from 'commander';
import { createWalletClient, http, type Account, type Address, type WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { loadConfigFile } from '../../core/config.ts';
import { UserError } from '../../core/errors.ts';
import { simulateBatch, sendBatch, type OutgoingTx, type SentTx, type SimulatedTx } from '../../chain/send.ts';
import { rpcErrorText } from '../../chain/venues/read.ts';
import { rpcUrlFrom } from '../../chain/rpcUrl.ts';
import { LiveBatchSchema, tradeDrift, type LiveBatch } from '../../strategies/yieldManager/liveBatch.ts';
import { renderTable } from '../../report/table.ts';
import { parseNumberFlag } from '../flags.ts';
import { withOutput, type CommonOptions } from '../io.ts';
import { livePlan, rpcClient } from './planLive.ts';
import { liveFundSpec } from '../../strategies/yieldManager/liveInput.ts';
import { bookFundTransaction, createFundLedger, fundVenuesOf, requireFundLedger } from '../../venues/fundLedger.ts';
import { openLedger, withLedger } from '../../ledger/open.ts';
import type { LedgerBackend } from '../../ledger/backend.ts';
import { expectDuckDbKind } from '../../core/duckdbKind.ts';
import { existsSync } from 'node:fs';

interface ExecuteOptions extends CommonOptions {
  rpc?: string;
  maxDriftUsd?: string;
  confirmations?: string;
  dryRun?: boolean;
  db?: string;
}

/** The environment variable holding the sender's private key. */
const KEY_ENV = 'CAPFLOW_PRIVATE_KEY';

/** The sender from CAPFLOW_PRIVATE_KEY; errors never show the value. */
function senderAccount(): Account {
  const key = process.env[KEY_ENV];
  if (key === undefined || key.trim() === '') throw new UserError({ field: KEY_ENV, message: 'is not set', hint: `export ${KEY_ENV}=0x… (the holder's key) in the environment; capflow never takes a key as a flag` });
  if (!/^0x[0-9a-fA-F]{64}$/.test(key.trim())) throw new UserError({ field: KEY_ENV, message: 'is not a 0x-prefixed 32-byte hex private key (value not shown)', hint: 'check the variable' });
  return privateKeyToAccount(key.trim() as `0x${string}`);
}

function outgoing(batch: LiveBatch): OutgoingTx[] {
  return batch.transactions.map((t, i) => ({ to: t.to, value: BigInt(t.value), data: t.data, label: `#${i + 1} ${t.contractMethod?.name ?? 'call'} on ${t.to}` }));
}

/** Re-plans at the latest block and refuses a drift beyond the limit. */
async function checkDrift(batch: LiveBatch, client: ReturnType<typeof rpcClient>, maxDriftUsd: number): Promise<{ blockNumber: bigint; driftUsd: number }> {
  const r = await livePlan(client, batch.meta.capflow.input);
  const drift = tradeDrift(batch.meta.capflow.trades, r.plan.trades);
  if (drift.driftUsd > maxDriftUsd) {
    const moved = drift.venues.filter((v) => v.driftUsd > 0).map((v) => `${v.venue} planned ${v.plannedUsd.toFixed(2)} now ${v.nowUsd.toFixed(2)} USD`);
    throw new UserError({
      field: '--max-drift-usd', value: maxDriftUsd,
      message: `the chain moved since block ${batch.meta.capflow.blockNumber}: re-planned at block ${r.read.blockNumber}, the trades differ by ${drift.driftUsd.toFixed(2)} USD (${moved.join('; ')}); nothing was sent`,
      hint: 'plan again (capflow plan --rpc … --emit-txs) or raise --max-drift-usd',
    });
  }
  return { blockNumber: r.read.blockNumber, driftUsd: drift.driftUsd };
}

/** The venue of the batch's plan a transaction acts on (its pool or vault), or null (an approval). */
function venueOfTx(batch: LiveBatch, to: string): string | null {
  for (const [name, v] of Object.entries(batch.meta.capflow.input.venues)) {
    const target = v.kind === 'aave-v3' ? v.pool : v.address;
    if (target.toLowerCase() === to.toLowerCase()) return name;
  }
  return null;
}

/** Refuses, before anything is sent or written, a `--db` that is not (or cannot become) this batch's fund ledger. */
async function checkFundLedger(path: string, batch: LiveBatch, chainId: number): Promise<void> {
  await expectDuckDbKind(path, ['missing', 'ledger'], '--db', 'a treasury ledger', 'pass a fund ledger written by `capflow execute --db`, or a new path');
  if (!existsSync(path)) return;
  const input = batch.meta.capflow.input;
  await withLedger(path, async (store) => requireFundLedger(await store.deployment(), { chainId, holder: input.holder, asset: input.asset }), { access: 'read' });
}

/**
 * Opens the fund ledger at `path` for the batch's holder (creating it, with the opening balances
 * read at the current block, when the file does not exist) and books what changed since its
 * cursor, so each transaction's booking holds only that transaction's cash.
 */
async function openFundLedger(path: string, batch: LiveBatch, client: ReturnType<typeof rpcClient>, chainId: number): Promise<LedgerBackend> {
  await expectDuckDbKind(path, ['missing', 'ledger'], '--db', 'a treasury ledger', 'pass a fund ledger written by `capflow execute --db`, or a new path');
  const input = batch.meta.capflow.input;
  const fund = { chainId, holder: input.holder, asset: input.asset, venues: liveFundSpec(input).venues };
  const head = await client.getBlockNumber({ cacheTime: 0 });
  const created = !existsSync(path);
  const store = await openLedger(path, { create: created });
  try {
    if (created) await createFundLedger(store, client, fund, head);
    else {
      requireFundLedger(await store.deployment(), fund);
      await store.recordFundVenues(fundVenuesOf(fund.venues));
      await bookFundTransaction(store, client, { hash: (await client.getBlock({ blockNumber: head })).hash, blockNumber: head, venue: null, label: 'before the batch' });
    }
    return store;
  } catch (e) {
    await store.close();
    throw e;
  }
}

function simulationTable(sims: SimulatedTx[]): string {
  return renderTable(['tx', 'simulated', 'gas'], sims.map((s) => [s.label, s.ok ? 'ok' : `reverts: ${s.error}`, String(s.gasUsed)]));
}

function sentTable(sent: SentTx[]): string {
  return renderTable(['tx', 'status', 'block', 'hash', 'error'], sent.map((s) => [s.label, s.status, s.blockNumber?.toString() ?? '', s.hash ?? '', s.error ?? '']));
}

/**
 * Registers `capflow execute`.
 *
 * @example registerExecute(program);
 */
export function registerExecute(program: Command): void {
  const command = program
    .command('execute')
    .description('send the transactions of a `plan --emit-txs` batch (key from CAPFLOW_PRIVATE_KEY), after re-planning and simulating')
    .argument('<batch>', 'batch file written by capflow plan --rpc … --emit-txs')
    .option('--rpc <url>', 'JSON-RPC URL of the chain to send on')
    .option('--max-drift-usd <usd>', 'refuse when a fresh plan differs from the batch by more than this (USD, summed over venues)', '1')
    .option('--confirmations <n>', 'confirmations to wait for per transaction', '1')
    .option('--dry-run', 'only re-plan and simulate; send nothing')
    .option('--db <path>', 'book every mined transaction into this fund ledger (created on first use); `treasury verify --rpc` checks it');
  withOutput<ExecuteOptions>(command, async (opts, args) => {
    const batch = loadConfigFile(args[0], LiveBatchSchema);
    const client = rpcClient(opts.rpc);
    const maxDriftUsd = parseNumberFlag('--max-drift-usd', opts.maxDriftUsd, { min: 0 });
    const confirmations = parseNumberFlag('--confirmations', opts.confirmations, { min: 1, max: 1000, integer: true });
    const holder = batch.meta.createdFromSafeAddress;
    const account = opts.dryRun ? undefined : senderAccount();
    if (account !== undefined && account.address.toLowerCase() !== holder.toLowerCase()) {
      throw new UserError({ field: KEY_ENV, message: `belongs to ${account.address}, not to the batch's holder ${holder}`, hint: 'use the holder\'s key; a Safe imports the batch in its Transaction Builder instead' });
    }
    let chainId: number;
    try {
      chainId = await client.getChainId();
    } catch (e) {
      throw new UserError({ field: '--rpc', message: `the RPC does not answer: ${rpcErrorText(e)}`, hint: 'check the URL and that the node is up' });
    }
    if (String(chainId) !== batch.chainId) throw new UserError({ field: '--rpc', value: chainId, message: `serves chain ${chainId}, the batch is for chain ${batch.chainId}; nothing was sent`, hint: 'point --rpc at the batch\'s chain' });
    if (opts.db !== undefined) await checkFundLedger(opts.db, batch, chainId);
    const drift = await checkDrift(batch, client, maxDriftUsd);
    const txs = outgoing(batch);
    const sims = await simulateBatch(client, holder, txs).catch((e: unknown) => {
      throw new UserError({ field: '--rpc', message: `simulating the batch failed: ${rpcErrorText(e)}; nothing was sent`, hint: 'the node must support eth_simulateV1' });
    });
    const failed = sims.find((s) => !s.ok);
    if (failed !== undefined) throw new UserError({ field: args[0], message: `${failed.label} would revert (${failed.error}); nothing was sent`, hint: 'plan again' });
    const head = `Re-planned at block ${drift.blockNumber}: drift ${drift.driftUsd.toFixed(2)} USD (limit ${maxDriftUsd}). Simulated ${sims.length} transactions on the pending block: all succeed.`;
    if (opts.dryRun) return { json: { dryRun: true, drift, simulated: sims }, human: () => `${head}\n${simulationTable(sims)}\nDry run: nothing sent.` };
    const wallet = createWalletClient({ account: account as Account, transport: http(rpcUrlFrom(opts.rpc), { retryCount: 0 }), pollingInterval: 250, cacheTime: 0 }) as WalletClient & { account: Account };
    const ledger = opts.db === undefined ? null : await openFundLedger(opts.db, batch, client, chainId);
    let booked = 0;
    let sent: SentTx[];
    try {
      sent = await sendBatch(wallet, client, txs, confirmations, async (s) => {
        if (ledger === null || s.hash === null || s.blockNumber === null) return;
        booked += await bookFundTransaction(ledger, client, { hash: s.hash, blockNumber: s.blockNumber, venue: venueOfTx(batch, txs[s.index].to), label: s.label });
      });
    } finally {
      await ledger?.close();
    }
    const bookedLine = opts.db === undefined ? '' : `\nBooked into ${opts.db}: ${booked} events; check it with capflow treasury verify --rpc … --db ${opts.db}.`;
    const bad = sent.find((s) => s.status !== 'success');
    if (bad !== undefined) {
      const done = sent.filter((s) => s.status === 'success').map((s) => s.label);
      throw new UserError({
        field: args[0],
        message: `${bad.label} ${bad.status}${bad.error === null ? '' : ` (${bad.error})`}; done: ${done.length > 0 ? done.join(', ') : 'none'}; not sent: ${sent.filter((s) => s.status === 'not sent').length}`,
        hint: 'plan again before sending the rest',
      });
    }
    return {
      json: { dryRun: false, drift, simulated: sims, sent, holder: holder as Address, ledger: opts.db === undefined ? null : { db: opts.db, bookedEvents: booked } },
      human: () => `${head}\n${sentTable(sent)}\nAll ${sent.length} transactions mined.${bookedLine}`,
    };
  });
}
