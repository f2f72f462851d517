/**
 * `capflow plan --rpc <url> --input live.yaml`: the same plan as `capflow plan --input`, on
 * venues read from the chain at one block. The chain read becomes an ordinary snapshot
 * (written with `--snapshot-out`), so the offline plan of that file is this plan; `--emit-txs`
 * writes the Safe Transaction Builder batch that carries it out.
 */
import { writeFileSync } from 'node:fs';
import { createPublicClient, http, type PublicClient } from 'viem';
import { stringify } from 'yaml';
import { loadConfigFile } from '../../core/config.ts';
import { UserError } from '../../core/errors.ts';
import { checkOutputPath, writeAtomically } from '../../core/outputFile.ts';
import { redactRpcUrl, rpcUrlFrom } from '../../chain/rpcUrl.ts';
import { batchTransactions, safeBatch, type BatchTransaction } from '../../chain/batch.ts';
import { venueApyAfter, type VenueRateImpact } from '../../venues/chainRates.ts';
import { readLiveFund, type LiveFundRead } from '../../venues/chainSource.ts';
import type { YieldPlan } from '../../strategies/yieldManager.ts';
import { LivePlanSchema, liveFundSpec, type LivePlan } from '../../strategies/yieldManager/liveInput.ts';
import { liveTradeOrders, netOrderUnits } from '../../strategies/yieldManager/liveTrades.ts';
import { planLiveModes, type LiveModePlan } from '../../strategies/yieldManager/liveModes.ts';
import type { YieldSnapshot } from '../../strategies/yieldManager/snapshot.ts';
import { renderTable } from '../../report/table.ts';
import { withLedger } from '../../ledger/open.ts';
import { expectDuckDbKind } from '../../core/duckdbKind.ts';
import { pendingRedemptionsUsd } from '../../ledger/treasury.ts';
import { toJsonText, type CommandOutput } from '../io.ts';

/**
 * The flags of a live plan.
 *
 * @example const o: LivePlanOptions = { input: 'live.yaml', rpc: 'http://127.0.0.1:8545' };
 */
export interface LivePlanOptions {
  input?: string;
  rpc?: string;
  block?: string;
  snapshotOut?: string;
  emitTxs?: string;
  db?: string;
}

/**
 * A viem public client for `--rpc` (or CAPFLOW_RPC_URL), without caching: every read asks the node.
 *
 * @example const client = rpcClient('http://127.0.0.1:8545');
 */
export function rpcClient(flag: string | undefined): PublicClient {
  const url = rpcUrlFrom(flag);
  return createPublicClient({ transport: http(url, { retryCount: 0, timeout: 15_000 }), cacheTime: 0, pollingInterval: 250 }) as PublicClient;
}

function parseBlock(raw: string | undefined): bigint | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new UserError({ field: '--block', value: raw, message: 'must be a block number (a whole number ≥ 0)', hint: 'e.g. --block 19000000' });
  return BigInt(raw.trim());
}

/**
 * A live plan: the chain read, its snapshot, the plan and its transactions.
 *
 * @example const r: LivePlanResult = await livePlan(client, live); r.plan.trades
 */
export interface LivePlanResult {
  read: LiveFundRead;
  snapshot: YieldSnapshot;
  snapshotDoc: Record<string, unknown>;
  plan: YieldPlan;
  transactions: BatchTransaction[];
  /** Per venue (rule order): APY now and after the planned trade. */
  rateImpact: VenueRateImpact[];
  /** Both allocation modes' targets and modelled yields, and the one planned. */
  modes: LiveModePlan;
}

/**
 * Reads the venues of `live` at `block` (default latest) and plans on the snapshot of that read.
 *
 * @example const { plan } = await livePlan(rpcClient(url), loadConfigFile('live.yaml', LivePlanSchema));
 */
export async function livePlan(client: PublicClient, live: LivePlan, block?: bigint): Promise<LivePlanResult> {
  const read = await readLiveFund(client, liveFundSpec(live), block);
  if (live.chainId !== undefined && live.chainId !== read.chainId) {
    throw new UserError({ field: 'chainId', value: live.chainId, message: `the RPC serves chain ${read.chainId}, the plan file names chain ${live.chainId}`, hint: 'point --rpc at the right chain' });
  }
  const modes = planLiveModes(live, read);
  const { snapshotDoc, snapshot, plan } = modes;
  const orders = liveTradeOrders(plan, read, live.assetPriceUsd);
  const transactions = batchTransactions(orders, live.holder);
  const rateImpact = read.venues.map((v, i) => venueApyAfter(v, read.observation.venues[i], netOrderUnits(orders, read, v.spec.name)));
  return { read, snapshot, snapshotDoc, plan, transactions, rateImpact, modes };
}

const PCT = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 4, maximumFractionDigits: 4 });

function rateTable(rows: readonly VenueRateImpact[]): string {
  const model = { 'aave-v3-rate-strategy': "the reserve's rate strategy", 'tvl-dilution': 'TVL dilution (no rate curve known)' } as const;
  return renderTable(['venue', 'APY now', 'APY after', 'modelled by'], rows.map((x) => [x.venue, PCT.format(x.apy), PCT.format(x.apyAfter), model[x.model]]));
}

const USD = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function modesHeading(m: LiveModePlan): string {
  return `Allocation modes (modelled yearly yield; planned: ${m.mode === 'rules' ? 'rule fill' : 'marginal'}): rule fill ${USD.format(m.rules.expectedYieldUsd)} USD, marginal ${USD.format(m.marginal.expectedYieldUsd)} USD`;
}

function modesTable(m: LiveModePlan): string {
  return renderTable(
    ['venue', 'rule fill (USD)', 'APY', 'marginal (USD)', 'APY'],
    m.venues.map((v, i) => [v, USD.format(m.rules.amountsUsd[i]), PCT.format(m.rules.apys[i]), USD.format(m.marginal.amountsUsd[i]), PCT.format(m.marginal.apys[i])]),
  );
}

function modesJson(m: LiveModePlan): Record<string, unknown> {
  const one = (o: LiveModePlan['rules']) => ({ expectedYieldUsd: o.expectedYieldUsd, venues: m.venues.map((venue, i) => ({ venue, amountUsd: o.amountsUsd[i], apy: o.apys[i] })) });
  return { planned: m.mode, rules: one(m.rules), marginal: one(m.marginal) };
}

/**
 * Investor redemptions waiting in the treasury ledger at `path` (requested and settled, not
 * yet paid), in USD.
 *
 * @example await ledgerPendingRedemptionsUsd('fund.duckdb', 1) // 1500.25
 */
async function ledgerPendingRedemptionsUsd(path: string, assetPriceUsd: number): Promise<number> {
  await expectDuckDbKind(path, ['missing', 'ledger'], '--db', 'a treasury ledger', 'pass the ledger written by `capflow treasury init --db <path>`');
  return withLedger(path, async (store) => pendingRedemptionsUsd(await store.loadState(), assetPriceUsd).totalUsd, { access: 'read' });
}

/**
 * Runs `capflow plan --rpc`; `render` is the plan command's human rendering.
 *
 * @example return planLive(opts, renderYieldPlan);
 */
export async function planLive(opts: LivePlanOptions, render: (plan: YieldPlan, s: YieldSnapshot) => string): Promise<CommandOutput> {
  if (opts.input === undefined) throw new UserError({ field: '--input', message: 'is required with --rpc', hint: 'pass --input live.yaml (venues named by address, a holder)' });
  const client = rpcClient(opts.rpc);
  const block = parseBlock(opts.block);
  if (opts.snapshotOut !== undefined) checkOutputPath(opts.snapshotOut, '--snapshot-out');
  if (opts.emitTxs !== undefined) checkOutputPath(opts.emitTxs, '--emit-txs');
  const file = loadConfigFile(opts.input, LivePlanSchema);
  const live = opts.db === undefined ? file : { ...file, pendingRedemptionsUsd: await ledgerPendingRedemptionsUsd(opts.db, file.assetPriceUsd) };
  const r = await livePlan(client, live, block);
  if (opts.snapshotOut !== undefined) {
    const text = `# capflow plan snapshot read from chain ${r.read.chainId} at block ${r.read.blockNumber} (${r.read.asOf})\n${stringify(r.snapshotDoc)}`;
    await writeAtomically(opts.snapshotOut, '--snapshot-out', async (temp) => writeFileSync(temp, text));
  }
  const batch = safeBatch({
    chainId: r.read.chainId, holder: live.holder, transactions: r.transactions, createdAtMs: Date.now(),
    description: `capflow plan of ${opts.input} at block ${r.read.blockNumber}`,
    capflow: { blockNumber: String(r.read.blockNumber), input: live, trades: r.plan.trades.map((t) => ({ venue: t.venue, deltaUsd: t.deltaUsd })) },
  });
  if (opts.emitTxs !== undefined) await writeAtomically(opts.emitTxs, '--emit-txs', async (temp) => writeFileSync(temp, `${toJsonText(batch)}\n`));
  const header = `Chain ${r.read.chainId} at block ${r.read.blockNumber} (${r.read.asOf}) via ${redactRpcUrl(rpcUrlFrom(opts.rpc))}; holder ${live.holder}`;
  const written = [opts.snapshotOut && `Snapshot written to ${opts.snapshotOut}.`, opts.emitTxs && `${r.transactions.length} transactions written to ${opts.emitTxs}.`].filter(Boolean);
  return {
    json: { chainId: r.read.chainId, blockNumber: String(r.read.blockNumber), asOf: r.read.asOf, plan: r.plan, rateImpact: r.rateImpact, modes: modesJson(r.modes), transactions: r.transactions },
    human: () => [header, '', render(r.plan, r.snapshot), '', 'Rate impact (APY now and after the planned trades)', rateTable(r.rateImpact), '', modesHeading(r.modes), modesTable(r.modes), ...(written.length > 0 ? ['', ...written] : [])].join('\n'),
  };
}
