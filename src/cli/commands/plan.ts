/**
 * `capflow plan --input <snapshot.json|yaml> [--json]`: where the fund's idle cash goes this
 * cycle, by the yield manager's rules. Loads and validates the snapshot, calls the policy,
 * prints the cash waterfall, a row per venue with its explanation, and the trades.
 */
import type { Command } from 'commander';
import { loadConfigFile } from '../../core/config.ts';
import { UserError } from '../../core/errors.ts';
import { convergenceFraction, planYield, type YieldDecision, type YieldPlan, type YieldTrade } from '../../strategies/yieldManager.ts';
import { YieldSnapshotSchema, yieldInputFromSnapshot, type YieldSnapshot } from '../../strategies/yieldManager/snapshot.ts';
import { renderKeyValues, renderTable } from '../../report/table.ts';
import { rightAlign } from '../columns.ts';
import { withOutput, type CommonOptions } from '../io.ts';
import type { LivePlanOptions } from './planLive.ts';

interface PlanOptions extends CommonOptions, LivePlanOptions {
  input?: string;
}

let formats: { usd: Intl.NumberFormat; shares: Intl.NumberFormat; pct: Intl.NumberFormat } | undefined;

/** The number formats of the human rendering, built on first use (`--json` never needs them). */
function fmt(): NonNullable<typeof formats> {
  formats ??= {
    usd: new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    shares: new Intl.NumberFormat('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 }),
    pct: new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 2 }),
  };
  return formats;
}

/** USD with cents; −0.00 shows as 0.00. */
function usd(value: number): string {
  return fmt().usd.format(Math.abs(value) < 0.005 ? 0 : value);
}

function actionText(t: YieldTrade): string {
  return t.settlesInDays > 0 ? `request ${t.action}` : t.action;
}

function describeTrade(t: YieldTrade): string {
  const when = t.settlesInDays > 0 ? ` (pays in ${t.settlesInDays} d)` : '';
  return `${actionText(t)} ${usd(Math.abs(t.deltaUsd))}${when}`;
}

function tradeCell(d: YieldDecision, toleranceUsd: number): string {
  const trades = [d.trade, d.redeemRequest].filter((t) => t !== null);
  if (trades.length > 0) return trades.map(describeTrade).join(' + ');
  if (d.noTradeReason === 'tolerance') return `none (|delta| <= ${usd(toleranceUsd)} tolerance)`;
  if (d.noTradeReason === 'breakEven') return 'none (does not break even)';
  return 'none';
}

function waterfall(plan: YieldPlan, s: YieldSnapshot): string {
  const sellNote = plan.directionalAsyncSellUsd > 0 ? `; async sells of ${usd(plan.directionalAsyncSellUsd)} release nothing yet` : '';
  const rows: [string, number, string][] = [
    ['  cash in hand', plan.cashUsd, ''],
    ['+ yield positions', plan.positionsUsd, ''],
    ['= cash-like', plan.cashLikeUsd, ''],
    ['- directional trades (net)', plan.tradeCashDiffUsd, `buys - sells x (1 - ${fmt().pct.format(s.rules.sellHaircutPct)} sell haircut)${sellNote}`],
    ['- always in cash', plan.alwaysInCashUsd, `${fmt().pct.format(s.rules.cashBufferPct)} of equity (${usd(s.totalEquityUsd)} USD)`],
    ['- pending redemptions', plan.pendingRedemptionsUsd, ''],
    ['= available for yield', plan.availableForYieldUsd, ''],
    ['  allocated to venues', plan.allocatedUsd, ''],
    ['  left in cash (no venue can take it)', plan.unallocatedUsd, ''],
    ['  shortfall', plan.shortfallUsd, plan.shortfallUsd > 0 ? 'needed now but not withdrawable' : ''],
    ['  cash after yield trades', plan.cashAfterUsd, ''],
  ];
  const values = rightAlign(rows.map((r) => usd(r[1])));
  return renderKeyValues(rows.map(([label, , note], i) => [label, values[i], `USD${note === '' ? '' : `  ${note}`}`]));
}

function venueTable(plan: YieldPlan, s: YieldSnapshot): string {
  const d = plan.decisions;
  const headers = ['#', 'venue', 'kind', 'asked (USD)', 'cap (USD)', 'bound by', 'accepted (USD)', 'weight', 'existing (USD)', 'delta (USD)', 'trade (USD)'];
  const column = (i: number, f: (x: YieldDecision) => string): string[] => rightAlign(d.map(f), headers[i].length);
  const asked = column(3, (x) => usd(x.askedUsd));
  const cap = column(4, (x) => usd(x.capUsd));
  const accepted = column(6, (x) => usd(x.amountUsd));
  const weight = column(7, (x) => fmt().pct.format(x.weight));
  const existing = column(8, (x) => usd(x.existingUsd));
  const delta = column(9, (x) => usd(x.deltaUsd));
  const rows = d.map((x, i) => [x.rank, x.venue, x.kind, asked[i], cap[i], x.boundBy, accepted[i], weight[i], existing[i], delta[i], tradeCell(x, s.rules.cashChangeToleranceUsd)]);
  return renderTable(headers, rows);
}

function notes(plan: YieldPlan, s: YieldSnapshot): string[] {
  const out: string[] = [];
  for (const d of plan.decisions) {
    const v = s.venues[d.venue];
    if (d.tvlExcessUsd > 0) out.push(`${d.venue}: holds ${usd(d.tvlExcessUsd)} USD above its pool-participation cap (the venue's TVL fell to ${usd(v.tvlUsd ?? NaN)} USD); trimmed as far as liquidity allows.`);
    if (d.lockedUsd > 0) {
      const liquidity = usd(v.availableLiquidityUsd ?? 0);
      const why = v.withdrawDelayDays > 0 ? `beyond its ${liquidity} USD instant buffer, redemptions take ${v.withdrawDelayDays} d` : `only ${liquidity} USD is withdrawable now`;
      out.push(`${d.venue}: ${usd(d.lockedUsd)} USD cannot leave this cycle (${why}).`);
    }
    if (v.redeemQueuedUsd > 0) out.push(`${d.venue}: ${usd(v.redeemQueuedUsd)} USD already queued for redemption.`);
    if (d.redeemRequest !== null) out.push(redeemRequestNote(d, plan.shortfallUsd));
    if (d.breakEven !== null) {
      const verdict = d.boundBy === 'breakEven' ? 'skipped' : 'pays';
      out.push(`${d.venue}: deposit ${verdict}: adds ${usd(d.breakEven.gainUsd)} USD over ${s.rules.horizonDays} d vs cost ${usd(d.breakEven.costUsd)} USD.`);
    }
  }
  const convergenceDays = s.rules.convergenceDays;
  if (convergenceDays !== undefined) {
    const fraction = convergenceFraction({ convergenceDays, dtDays: s.rules.dtDays });
    out.push(`Converging over ${convergenceDays} d, one plan every ${s.rules.dtDays ?? 1} d: this plan moves ${fmt().pct.format(fraction)} of the way to the targets (withdrawals forced by caps, liquidity or cash needs move at once).`);
    for (const d of plan.decisions) {
      if (Math.abs(d.targetUsd - d.amountUsd) >= 0.005) out.push(`${d.venue}: target ${usd(d.targetUsd)} USD; this plan takes it to ${usd(d.amountUsd)} USD.`);
    }
  }
  if (plan.shortfallUsd > 0) out.push(`Shortfall ${usd(plan.shortfallUsd)} USD: directional trades, the cash reserve and redemptions need more than cash plus withdrawable positions.`);
  return out;
}

/** Why a delayed venue requests a redemption: the excess over its caps, the shortfall, or both. */
function redeemRequestNote(d: YieldDecision, shortfallUsd: number): string {
  const request = d.redeemRequest as YieldTrade;
  const head = `${d.venue}: requests the redemption of ${usd(-request.deltaUsd)} USD (pays in ${request.settlesInDays} d)`;
  const excessUsd = -request.deltaUsd - d.shortfallRedeemUsd;
  if (d.shortfallRedeemUsd === 0) return `${head}: the excess over its caps.`;
  const shortfall = `${usd(d.shortfallRedeemUsd)} USD towards the ${usd(shortfallUsd)} USD shortfall`;
  return excessUsd > 0 ? `${head}: ${usd(excessUsd)} USD above its caps + ${shortfall}.` : `${head}: ${shortfall}.`;
}

function tradeTable(plan: YieldPlan): string {
  if (plan.trades.length === 0) return 'No trades.';
  const headers = ['step', 'venue', 'action', 'amount (USD)', 'shares', 'settles'];
  const amounts = rightAlign(plan.trades.map((t) => usd(Math.abs(t.deltaUsd))), headers[3].length);
  const shares = rightAlign(plan.trades.map((t) => (t.deltaShares === null ? '' : fmt().shares.format(Math.abs(t.deltaShares)))), headers[4].length);
  const rows = plan.trades.map((t, i) => [i + 1, t.venue, actionText(t), amounts[i], shares[i], t.settlesInDays > 0 ? `in ${t.settlesInDays} d` : 'now']);
  return renderTable(headers, rows);
}

/**
 * The human rendering of a plan: waterfall, venues, notes, trades.
 *
 * @example process.stdout.write(renderYieldPlan(plan, snapshot));
 */
function renderYieldPlan(plan: YieldPlan, s: YieldSnapshot): string {
  const parts = ['Cash waterfall', waterfall(plan, s), '', 'Venues (rule order)', venueTable(plan, s)];
  const extra = notes(plan, s);
  if (extra.length > 0) parts.push('', 'Notes', ...extra.map((n) => `- ${n}`));
  parts.push('', 'Trades (execution order)', tradeTable(plan));
  return parts.join('\n');
}

/**
 * Registers `capflow plan`.
 *
 * @example registerPlan(program);
 */
export function registerPlan(program: Command): void {
  const command = program
    .command('plan')
    .description("plan where the fund's idle cash goes this cycle (yield manager rules) and the trades that move it")
    .option('--input <file>', 'snapshot file (.json, .yaml or .yml): rules, venues, cash, positions, directional trades; with --rpc a live plan file (venues by address, a holder)')
    .option('--rpc <url>', 'read the venues of the live plan file from this JSON-RPC node (at one block)')
    .option('--block <n>', 'with --rpc: read at this block (default: the latest, read once)')
    .option('--snapshot-out <file>', 'with --rpc: write what was read as a snapshot for `capflow plan --input`')
    .option('--emit-txs <file>', 'with --rpc: write the transactions carrying out the plan (Safe Transaction Builder batch JSON)')
    .option('--db <path>', "with --rpc: take the pending investor redemptions from this treasury ledger (capflow treasury)");
  withOutput<PlanOptions>(command, async (opts) => {
    if (opts.rpc !== undefined) return (await import('./planLive.ts')).planLive(opts, renderYieldPlan);
    for (const [flag, value] of [['--block', opts.block], ['--snapshot-out', opts.snapshotOut], ['--emit-txs', opts.emitTxs], ['--db', opts.db]] as const) {
      if (value !== undefined) throw new UserError({ field: flag, message: 'needs --rpc (it works on venues read from the chain)', hint: 'add --rpc <url> and a live plan file, or drop the flag' });
    }
    if (opts.input === undefined) throw new UserError({ field: '--input', message: 'is required', hint: 'pass --input <snapshot.json|yaml>, e.g. examples/plan.yaml' });
    const snapshot = loadConfigFile(opts.input, YieldSnapshotSchema);
    const { policy, state } = yieldInputFromSnapshot(snapshot);
    const plan = planYield(policy, state);
    return { json: plan, human: () => renderYieldPlan(plan, snapshot) };
  });
}
