/**
 * One run of the fund, day by day, with its books kept by the treasury ledger.
 *
 * ## A day (t = 1…N; day 0 is inception: the seed deposit, the sleeve's opening, the first plan)
 * 1. Market. Each credit-supply reserve's liquidity index accrues yesterday's supply rate for
 *    one day (exact ray math: index·(1 + rate·86400/year)); vault share prices follow their
 *    path; the sleeve steps from yesterday's price to today's (exact delta-neutral model).
 *    Every position is then marked: the new aToken balance (scaled balance × index) or vault
 *    position value (shares at the share price, rounded down) is an `interest` event; the
 *    sleeve's value change is a `correction` (reason `sleeve pnl`). Vault redemptions that
 *    come due pay out into the reserve.
 * 2. Flows. Deposits (`deposit`, shares quoted by ERC-4626 rounding down) and redemption
 *    requests (`redeem_request`, locking shares) from the seeded flow process or the feed.
 *    Requests due today (`redemptions.settlementDays` after the request) are settled at
 *    today's NAV per share (`settle`), becoming claims.
 * 3. Plan. The sleeve is checked against its target (sharePct × NAV) every `resizeEveryDays`;
 *    a resize enters the yield manager as a directional buy or sell. The yield manager plans
 *    with the day's cash, NAV, pending redemptions (requested + claims), and each venue's
 *    value, TVL, withdrawable liquidity, queued redemptions and APY.
 * 4. Execute, in this order: withdrawals (last rule first), redemption requests to delayed
 *    vaults, claims paid from cash (`redeem` against each claim; what cash cannot cover is
 *    the day's shortfall and waits), the sleeve's resize, deposits (rule order, capped by the
 *    cash left). Transfers between the reserve and a position are pairs of `correction`s.
 * 5. True-up: positions are marked again so the ledger equals what the fund holds to the base
 *    unit (ERC-4626 and aToken rounding shows as ±1-unit interest); then the day is recorded.
 *
 * The sleeve is funded from the reserve at inception (sharePct × NAV) and resized in kind
 * (pool liquidity, short and collateral scaled together, so the hedge ratio is unchanged and
 * no trade is needed; one `fixedCostUsd` per resize) when it is off target by more than
 * `resizeBandPct`. It is marked to market (short open); its PnL split is the exact model's.
 */
import { RAY, WAD } from '../../core/fixedPoint.ts';
import { Rng } from '../../core/rng.ts';
import { applyEvent, createTreasury, freeSharesOf, holdingOf, pendingRedemptionsUsd, quoteDeposit, quoteNavPerShare, sharePriceOf, type TreasuryConfig, type TreasuryState } from '../../ledger/treasury.ts';
import { CLAIMS_POSITION, RESERVE_POSITION, type BalanceUpdate, type CorrectionEvent, type InterestEvent, type LedgerEvent } from '../../ledger/types.ts';
import { createDayFlows, sampleDayFlows, type DayFlows } from '../../market/flows.ts';
import { fillRateProcess } from '../../market/processes.ts';
import { gbmStep } from '../../market/prices.ts';
import { sampleReservePath, sampleVaultPath, type ReservePath, type VaultPath } from '../../market/venues.ts';
import { balanceFromScaled, nextLiquidityIndexRay, scaledAmount } from '../../protocols/aave.ts';
import { previewDeposit, previewRedeem, previewWithdraw, type VaultTotals } from '../../protocols/erc4626.ts';
import {
  exactEquity,
  exactInit,
  exactStep,
  X_CASH,
  X_COLLATERAL,
  X_FIXED_COSTS,
  X_FUNDING,
  X_LIQUIDATION_LOSSES,
  X_LIQUIDITY,
  X_LVR,
  X_PEAK_EQUITY,
  X_POOL_FEES,
  X_POOL_PNL,
  X_POOL_VALUE,
  X_SHORT_PNL,
  X_SHORT_QTY,
  X_SIZE,
  X_TRADE_FEES,
} from '../../strategies/deltaNeutral/exact.ts';
import { createYieldState, createYieldWorkspace, NO_TRADE_REASONS, planYieldInto, yieldTradeAction, YIELD_BOUND_BY, type YieldState, type YieldWorkspace } from '../../strategies/yieldManager.ts';
import { createFundRunSeries, type FundDecisionRow, type FundRunSeries } from './result.ts';
import type { FundSetup } from './setup.ts';

/** The fund's tokens: USDC (6 decimals) and an 18-decimal share (decimals offset 12). */
export const FUND_TREASURY_CONFIG: TreasuryConfig = Object.freeze({ assetSymbol: 'USDC', assetDecimals: 6, shareSymbol: 'cfUSD', shareDecimals: 18 });
/** Ledger position (and token) of the delta-neutral sleeve. */
export const SLEEVE_POSITION = 'sleeve';
/** Reason of the sleeve's mark-to-market corrections. */
export const SLEEVE_PNL_REASON = 'sleeve pnl';

const USD_UNITS = 1e6;
const SHARE_UNITS = 1e18;
const SECONDS_PER_DAY = 86_400n;
const OWNERS = 64;

/** USD (float) → vault-asset base units, rounded toward zero. */
function toUnits(usd: number): bigint {
  return BigInt(Math.trunc(usd * USD_UNITS));
}

function toUsd(units: bigint): number {
  return Number(units) / USD_UNITS;
}

/** Totals that make ERC-4626 conversions run at `price` (USD per share, 18-digit precision). */
function totalsAtPrice(price: number): VaultTotals {
  const priceWad = BigInt(Math.round(price * 1e18));
  return { totalAssets: priceWad - 1n, totalSupply: WAD - 1n };
}

/** A queued vault redemption: shares locked until `dueDay`. */
interface QueuedRedemption {
  shares: bigint;
  dueDay: number;
}

/** A redemption request waiting for settlement. */
interface PendingRequest {
  owner: string;
  shares: bigint;
  dueDay: number;
}

/** The market of one run: venue paths (rule order), the sleeve's price and funding. */
export interface FundMarket {
  reserves: (ReservePath | null)[];
  vaults: (VaultPath | null)[];
  prices: Float64Array;
  fundingApr: Float64Array;
}

/**
 * Samples a run's market from its stream: venues in rule order, then the sleeve's GBM price
 * path and funding path.
 *
 * @example sampleFundMarket(setup, Rng.stream(42, 0)).prices.length // days + 1
 */
export function sampleFundMarket(setup: FundSetup, rng: Rng): FundMarket {
  const days = setup.days;
  const names = setup.policy.venues.map((v) => v.venue);
  const reserves = setup.venues.map((v, i) => (v.kind === 'credit_supply' ? sampleReservePath(v, days, rng, `params.venues.${names[i]}`) : null));
  const vaults = setup.venues.map((v, i) => (v.kind === 'vault' ? sampleVaultPath(v, days, rng, `params.venues.${names[i]}`) : null));
  const prices = new Float64Array(days + 1);
  const fundingApr = new Float64Array(days + 1);
  const s = setup.params.sleeve;
  if (setup.sleeve !== null && s !== undefined) {
    prices[0] = s.price.initialPrice;
    for (let t = 1; t <= days; t++) prices[t] = gbmStep(prices[t - 1], s.price.dailyVol, s.price.dailyDrift, rng.normal());
    fillRateProcess(fundingApr, s.funding, 1 / 365, rng, 'params.sleeve.funding');
  }
  return { reserves, vaults, prices, fundingApr };
}

/**
 * Empty day-by-day series for a run (N + 1 entries each).
 *
 * @example createRunSeries(setup, 0).navUsd.length // setup.days + 1
 */
export function createRunSeries(setup: FundSetup, run: number): FundRunSeries {
  return createFundRunSeries(setup.days, setup.policy.venues.map((v) => ({ name: v.venue, kind: v.kind })), run, setup.dates);
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/**
 * One run of the fund: the books (a {@link TreasuryState}), the venue positions in protocol
 * units (scaled aToken balances, vault shares), the sleeve's exact state, and the recorded
 * series. Drive it with {@link FundSim.runDay} for days 0…N (or {@link simulateFundRun}).
 *
 * @example
 * const sim = new FundSim(setup, Rng.stream(42, 0), 0, { detail: true });
 * for (let t = 0; t <= setup.days; t++) sim.runDay(t);
 * sim.series.navUsd[setup.days];
 */
export class FundSim {
  readonly setup: FundSetup;
  readonly ledger: TreasuryState;
  readonly market: FundMarket;
  readonly series: FundRunSeries;
  /** Every event applied (detail runs only). */
  readonly events: LedgerEvent[] | null;
  /** Every balance update (detail runs only). */
  readonly updates: BalanceUpdate[] | null;
  /** Scaled aToken balance per venue (credit supply), in base units. */
  readonly scaled: bigint[];
  /** Liquidity index per venue (credit supply), ray. */
  readonly liquidityIndex: bigint[];
  /** Vault shares held per venue (vaults), in base units (18-digit price precision). */
  readonly shares: bigint[];
  /** Sleeve state (exact accounting slots). */
  readonly sleeveState = new Float64Array(X_SIZE);

  private readonly detail: boolean;
  private readonly flowRng: Rng;
  private readonly dayFlows: DayFlows = createDayFlows();
  private readonly yieldState: YieldState;
  private readonly ws: YieldWorkspace;
  private readonly queues: QueuedRedemption[][];
  private readonly requests: PendingRequest[] = [];
  /** Owners with a settled claim, in settlement order. */
  private readonly claimants: string[] = [];
  private readonly owners: string[];
  private readonly sink: BalanceUpdate[] = [];
  private readonly yieldUnits: bigint[];
  private day = 0;
  private logIndex = 0;
  private timestamp = '';
  private txPrefix = '';
  private sleeveOpen = false;
  private sleeveStep = 0;
  private ownerCursor = 0;
  private dayDepositsUnits = 0n;
  private dayPaidUnits = 0n;

  /** `rng` is the run's stream (`Rng.stream(seed, run)`); the sim draws its market first, then flows from a jumped copy. */
  constructor(setup: FundSetup, rng: Rng, run: number, opts: { detail: boolean }) {
    this.setup = setup;
    this.detail = opts.detail;
    this.ledger = createTreasury(FUND_TREASURY_CONFIG);
    this.flowRng = rng.clone();
    this.flowRng.jump(); // flows draw from their own sub-stream: market paths do not depend on them
    this.market = sampleFundMarket(setup, rng);
    this.series = createRunSeries(setup, run);
    this.events = opts.detail ? [] : null;
    this.updates = opts.detail ? [] : null;
    const n = setup.venues.length;
    this.scaled = new Array<bigint>(n).fill(0n);
    this.liquidityIndex = new Array<bigint>(n).fill(RAY);
    this.shares = new Array<bigint>(n).fill(0n);
    this.yieldUnits = new Array<bigint>(n).fill(0n);
    this.queues = Array.from({ length: n }, () => []);
    this.yieldState = createYieldState(n);
    this.ws = createYieldWorkspace(n);
    this.owners = Array.from({ length: OWNERS }, (_, i) => `0x${hex(0xf00d0000 + i, 40)}`);
  }

  // ----- ledger plumbing -----

  private apply(event: LedgerEvent): void {
    applyEvent(this.ledger, event, this.updates ?? this.sink);
    this.sink.length = 0;
    this.events?.push(event);
  }

  /** Event key fields: one block per day, log index in order of the day's events. */
  private txHash(): string {
    return this.txPrefix + (this.logIndex++).toString(16).padStart(8, '0');
  }

  private correction(asset: string, quantity: bigint, reason: string, position?: string): void {
    const logIndex = this.logIndex;
    const txHash = this.txHash();
    const e: CorrectionEvent = { kind: 'correction', chainId: 1, blockNumber: this.day + 1, txHash, logIndex, timestamp: this.timestamp, asset, quantity, reason };
    if (position !== undefined) e.position = position;
    this.apply(e);
  }

  private cash(): bigint {
    return holdingOf(this.ledger, RESERVE_POSITION, FUND_TREASURY_CONFIG.assetSymbol);
  }

  private nextOwner(): string {
    const owner = this.owners[this.ownerCursor];
    this.ownerCursor = (this.ownerCursor + 1) % OWNERS;
    return owner;
  }

  /** Moves `units` from the reserve into `position` (negative: back into the reserve). */
  private transfer(position: string, asset: string, units: bigint, reason: string): void {
    if (units === 0n) return;
    const usdc = FUND_TREASURY_CONFIG.assetSymbol;
    if (units > 0n) {
      this.correction(asset, units, reason, position);
      this.correction(usdc, -units, reason);
    } else {
      this.correction(usdc, -units, reason);
      this.correction(asset, units, reason, position);
    }
  }

  // ----- positions -----

  private venueName(i: number): string {
    return this.setup.policy.venues[i].venue;
  }

  /**
   * What the fund's position in venue `i` is worth now in base units: the aToken balance
   * (scaled × index) or the vault shares at today's price, rounded down.
   *
   * @example sim.positionValueUnits(0)
   */
  positionValueUnits(i: number): bigint {
    const vault = this.market.vaults[i];
    if (vault === null) return balanceFromScaled(this.scaled[i], this.liquidityIndex[i]);
    return previewRedeem(this.shares[i], totalsAtPrice(vault.sharePrice[this.day]));
  }

  /**
   * The sleeve's value in base units (its equity rounded to the nearest unit; 0 before it opens).
   *
   * @example sim.sleeveValueUnits()
   */
  sleeveValueUnits(): bigint {
    return this.sleeveOpen ? BigInt(Math.round(exactEquity(this.sleeveState) * USD_UNITS)) : 0n;
  }

  /** Records the position's true value in the ledger as interest (rounding dust included). */
  private markVenue(i: number): void {
    const name = this.venueName(i);
    const held = holdingOf(this.ledger, name, name);
    const value = this.positionValueUnits(i);
    const change = value - held;
    if (change === 0n) return;
    if (held === 0n) {
      // nothing left to spread interest over: book the dust as a correction of the position
      this.correction(name, change, 'rounding', name);
    } else {
      const logIndex = this.logIndex;
      const e: InterestEvent = { kind: 'interest', chainId: 1, blockNumber: this.day + 1, txHash: this.txHash(), logIndex, timestamp: this.timestamp, asset: name, balance: value };
      if ((change < 0n ? -change : change) * 20n > held) e.force = true; // a real jump above the ledger's 5% guard (e.g. a vault loss)
      this.apply(e);
    }
    this.yieldUnits[i] += change;
  }

  private markSleeve(): void {
    if (!this.sleeveOpen) return;
    const change = this.sleeveValueUnits() - holdingOf(this.ledger, SLEEVE_POSITION, SLEEVE_POSITION);
    if (change !== 0n) this.correction(SLEEVE_POSITION, change, SLEEVE_PNL_REASON, SLEEVE_POSITION);
  }

  /** Puts `units` of cash into venue `i` (supply or vault deposit). */
  private depositInto(i: number, units: bigint): void {
    if (units <= 0n) return;
    const name = this.venueName(i);
    const vault = this.market.vaults[i];
    if (vault === null) this.scaled[i] += scaledAmount(units, this.liquidityIndex[i]);
    else this.shares[i] += previewDeposit(units, totalsAtPrice(vault.sharePrice[this.day]));
    this.transfer(name, name, units, `${vault === null ? 'supply to' : 'deposit into'} ${name}`);
  }

  /** Takes up to `units` of cash out of venue `i` (all of it when `units` reaches the value). */
  private withdrawFrom(i: number, units: bigint, reason: string): void {
    const name = this.venueName(i);
    const vault = this.market.vaults[i];
    const value = this.positionValueUnits(i);
    let paid: bigint;
    if (vault === null) {
      if (units >= value - 1n) {
        paid = value;
        this.scaled[i] = 0n;
      } else {
        paid = units;
        this.scaled[i] -= scaledAmount(units, this.liquidityIndex[i]);
      }
    } else {
      const totals = totalsAtPrice(vault.sharePrice[this.day]);
      const free = this.shares[i] - this.queuedShares(i);
      const burn = units >= previewRedeem(free, totals) - 1n ? free : previewWithdraw(units, totals);
      paid = burn === free ? previewRedeem(free, totals) : units;
      this.shares[i] -= burn;
    }
    if (paid > 0n) this.transfer(name, name, -paid, reason);
  }

  private queuedShares(i: number): bigint {
    let total = 0n;
    for (const q of this.queues[i]) total += q.shares;
    return total;
  }

  /** Redeems a delayed vault's queued shares that come due today into the reserve. */
  private payQueued(i: number): void {
    const queue = this.queues[i];
    const vault = this.market.vaults[i];
    if (queue.length === 0 || vault === null) return;
    let due = 0n;
    while (queue.length > 0 && queue[0].dueDay <= this.day) due += (queue.shift() as QueuedRedemption).shares;
    if (due === 0n) return;
    const assets = previewRedeem(due, totalsAtPrice(vault.sharePrice[this.day]));
    this.shares[i] -= due;
    const name = this.venueName(i);
    this.transfer(name, name, -assets, `redemption from ${name} paid`);
  }

  // ----- the sleeve -----

  /** Scales (or opens) the sleeve to hold `deltaUnits` more (less when negative), in kind. */
  private resizeSleeve(deltaUnits: bigint): void {
    const p = this.setup.sleeve;
    if (p === null || deltaUnits === 0n) return;
    const s = this.sleeveState;
    const equity = this.sleeveOpen ? exactEquity(s) : 0;
    const target = equity + toUsd(deltaUnits);
    if (!this.sleeveOpen || equity <= 0) {
      const kept = this.sleeveOpen ? s.slice(X_POOL_PNL, X_LVR + 1) : null;
      exactInit(s, this.market.prices[this.day], { ...p, capitalUsd: target });
      if (kept !== null) s.set(kept, X_POOL_PNL);
      this.sleeveOpen = true;
      this.sleeveStep = 0;
    } else {
      const k = target / equity;
      for (const slot of [X_POOL_VALUE, X_LIQUIDITY, X_SHORT_QTY, X_COLLATERAL, X_CASH, X_PEAK_EQUITY]) s[slot] *= k;
    }
    s[X_COLLATERAL] -= p.fixedCostUsd;
    s[X_FIXED_COSTS] -= p.fixedCostUsd;
    this.transfer(SLEEVE_POSITION, SLEEVE_POSITION, deltaUnits, deltaUnits > 0n ? 'fund sleeve' : 'defund sleeve');
    this.markSleeve();
  }

  /** The sleeve's resize for today in USD (> 0 buy, < 0 sell, 0 none). */
  private sleeveResizeUsd(navUsd: number): number {
    const s = this.setup.params.sleeve;
    if (this.setup.sleeve === null || s === undefined) return 0;
    const target = s.sharePct * navUsd;
    if (!this.sleeveOpen) return target > this.setup.policy.rules.cashChangeToleranceUsd ? target : 0;
    if (this.day % s.resizeEveryDays !== 0) return 0;
    const value = exactEquity(this.sleeveState);
    const off = target - value;
    return Math.abs(off) > s.resizeBandPct * target ? off : 0;
  }

  // ----- flows and redemptions -----

  private deposit(units: bigint, owner: string): void {
    if (units <= 0n) return;
    const logIndex = this.logIndex;
    const txHash = this.txHash();
    this.apply({ kind: 'deposit', chainId: 1, blockNumber: this.day + 1, txHash, logIndex, timestamp: this.timestamp, owner, assets: units, shares: quoteDeposit(this.ledger, units) });
    this.dayDepositsUnits += units;
  }

  private requestRedemption(shares: bigint, owner: string): void {
    const free = freeSharesOf(this.ledger);
    const locked = shares < free ? shares : free;
    if (locked <= 0n) return;
    const logIndex = this.logIndex;
    this.apply({ kind: 'redeem_request', chainId: 1, blockNumber: this.day + 1, txHash: this.txHash(), logIndex, timestamp: this.timestamp, owner, shares: locked });
    this.requests.push({ owner, shares: locked, dueDay: this.day + this.setup.params.redemptions.settlementDays });
  }

  private flows(): void {
    const t = this.day;
    if (t === 0) this.deposit(toUnits(this.setup.params.initialDepositUsd), this.nextOwner());
    const feed = this.setup.feed;
    if (feed !== null) {
      for (const d of feed.days[t].deposits) this.deposit(d.assets, d.owner);
      for (const r of feed.days[t].requests) this.requestRedemption(r.shares, r.owner);
      return;
    }
    if (t === 0 || this.setup.flowSpec === null) return;
    const day = sampleDayFlows(this.flowRng, this.setup.flowSpec, this.dayFlows);
    for (let k = 0; k < day.depositCount; k++) this.deposit(toUnits(day.depositsUsd[k]), this.nextOwner());
    for (let k = 0; k < day.redemptionCount; k++) {
      const pctNano = BigInt(Math.round(day.redemptionPcts[k] * 1e9));
      this.requestRedemption((this.ledger.totalShares * pctNano) / 1_000_000_000n, this.nextOwner());
    }
  }

  private settleDue(): void {
    let kept = 0;
    for (const r of this.requests) {
      if (r.dueDay > this.day) {
        this.requests[kept++] = r;
        continue;
      }
      const logIndex = this.logIndex;
      const txHash = this.txHash();
      this.apply({ kind: 'settle', chainId: 1, blockNumber: this.day + 1, txHash, logIndex, timestamp: this.timestamp, owner: r.owner, shares: r.shares, navPerShare: quoteNavPerShare(this.ledger) });
      if (!this.claimants.includes(r.owner)) this.claimants.push(r.owner);
    }
    this.requests.length = kept;
  }

  /** Pays settled claims from cash in settlement order; returns what stays unpaid (base units). */
  private payClaims(): bigint {
    let unpaid = 0n;
    let kept = 0;
    for (const owner of this.claimants) {
      const claim = this.ledger.redemptions.get(owner);
      if (claim === undefined || claim.claimableAssets === 0n) continue;
      if (claim.claimableAssets <= this.cash()) {
        const assets = claim.claimableAssets;
        const logIndex = this.logIndex;
        this.apply({ kind: 'redeem', chainId: 1, blockNumber: this.day + 1, txHash: this.txHash(), logIndex, timestamp: this.timestamp, owner, assets, shares: claim.claimableShares });
        this.dayPaidUnits += assets;
        if (this.ledger.redemptions.get(owner)?.claimableAssets) this.claimants[kept++] = owner;
      } else {
        unpaid += claim.claimableAssets;
        this.claimants[kept++] = owner;
      }
    }
    this.claimants.length = kept;
    return unpaid;
  }

  // ----- the day -----

  private accrueMarket(): void {
    const t = this.day;
    const n = this.setup.venues.length;
    for (let i = 0; i < n; i++) {
      const reserve = this.market.reserves[i];
      if (reserve !== null) this.liquidityIndex[i] = nextLiquidityIndexRay(this.liquidityIndex[i], reserve.liquidityRateRay[t - 1], SECONDS_PER_DAY);
      this.markVenue(i);
      this.payQueued(i);
    }
    if (this.sleeveOpen && this.setup.sleeve !== null) {
      exactStep(this.sleeveState, this.sleeveStep++, this.market.prices[t], this.market.fundingApr[t - 1], this.setup.sleeve);
      this.markSleeve();
    }
  }

  private plan(sleeveUsd: number): void {
    const st = this.yieldState;
    const t = this.day;
    const n = this.setup.venues.length;
    st.cashUsd = toUsd(this.cash());
    st.totalEquityUsd = toUsd(this.ledger.totalAssets);
    st.pendingRedemptionsUsd = pendingRedemptionsUsd(this.ledger, 1).totalUsd;
    st.directionalBuyUsd = sleeveUsd > 0 ? sleeveUsd : 0;
    st.directionalSellUsd = sleeveUsd < 0 ? -sleeveUsd : 0;
    for (let i = 0; i < n; i++) {
      const name = this.venueName(i);
      st.existingUsd[i] = toUsd(holdingOf(this.ledger, name, name));
      const reserve = this.market.reserves[i];
      const vault = this.market.vaults[i];
      if (reserve !== null) {
        st.tvlUsd[i] = reserve.tvlUsd[t] + st.existingUsd[i]; // the path is the other depositors' money; on-chain TVL includes ours
        st.availableLiquidityUsd[i] = reserve.availableLiquidityUsd[t];
        st.apy[i] = reserve.supplyApy[t];
        st.redeemQueuedUsd[i] = 0;
      } else if (vault !== null) {
        const v = this.setup.venues[i];
        const delayed = v.kind === 'vault' && v.withdrawDelayDays > 0;
        st.tvlUsd[i] = vault.tvlUsd[t] + st.existingUsd[i];
        st.sharePrice[i] = vault.sharePrice[t];
        st.apy[i] = vault.apy[t];
        st.availableLiquidityUsd[i] = delayed && v.kind === 'vault' ? v.instantLiquidityPct * vault.tvlUsd[t] : Infinity;
        st.redeemQueuedUsd[i] = toUsd(previewRedeem(this.queuedShares(i), totalsAtPrice(vault.sharePrice[t])));
      }
    }
    planYieldInto(this.setup.policy, st, this.ws);
  }

  private execute(sleeveUsd: number): bigint {
    const ws = this.ws;
    const n = this.setup.venues.length;
    for (let i = n - 1; i >= 0; i--) if (ws.tradeUsd[i] < 0) this.withdrawFrom(i, toUnits(-ws.tradeUsd[i]), `withdraw from ${this.venueName(i)}`);
    for (let i = 0; i < n; i++) {
      const request = ws.redeemRequestUsd[i];
      const vault = this.market.vaults[i];
      const v = this.setup.venues[i];
      if (request <= 0 || vault === null || v.kind !== 'vault') continue;
      const totals = totalsAtPrice(vault.sharePrice[this.day]);
      const free = this.shares[i] - this.queuedShares(i);
      const wanted = previewWithdraw(toUnits(request), totals);
      const shares = wanted < free ? wanted : free;
      if (shares > 0n) this.queues[i].push({ shares, dueDay: this.day + v.withdrawDelayDays });
    }
    const unpaid = this.payClaims();
    if (sleeveUsd !== 0) {
      const owed = unpaid;
      const room = this.cash() - owed;
      let units = toUnits(sleeveUsd);
      if (units > room) units = room > 0n ? room : 0n;
      this.resizeSleeve(units);
    }
    for (let i = 0; i < n; i++) {
      if (ws.tradeUsd[i] <= 0) continue;
      const room = this.cash() - unpaid;
      const want = toUnits(ws.tradeUsd[i]);
      this.depositInto(i, want < room ? want : room);
    }
    return unpaid;
  }

  /**
   * Runs day `t` (0 = inception; then 1…N in order) and records it.
   *
   * @example for (let t = 0; t <= setup.days; t++) sim.runDay(t);
   */
  runDay(t: number): void {
    this.day = t;
    this.logIndex = 0;
    this.timestamp = `${this.setup.dates[t]}T00:00:00.000Z`;
    this.txPrefix = `0x${hex(t, 8)}${'0'.repeat(48)}`;
    this.dayDepositsUnits = 0n;
    this.dayPaidUnits = 0n;
    if (t > 0) this.accrueMarket();
    this.flows();
    this.settleDue();
    const sleeveUsd = this.sleeveResizeUsd(toUsd(this.ledger.totalAssets));
    this.plan(sleeveUsd);
    const unpaid = this.execute(sleeveUsd);
    for (let i = 0; i < this.setup.venues.length; i++) this.markVenue(i);
    this.record(unpaid);
  }

  private record(unpaidUnits: bigint): void {
    const t = this.day;
    const r = this.series;
    const ws = this.ws;
    r.navUsd[t] = toUsd(this.ledger.totalAssets);
    r.sharePrice[t] = sharePriceOf(this.ledger);
    r.totalShares[t] = Number(this.ledger.totalShares) / SHARE_UNITS;
    r.cashUsd[t] = toUsd(this.cash());
    r.bufferUsd[t] = ws.alwaysInCashUsd;
    r.pendingRedemptionsUsd[t] = pendingRedemptionsUsd(this.ledger, 1).totalUsd;
    r.depositsUsd[t] = toUsd(this.dayDepositsUnits);
    r.redemptionsPaidUsd[t] = toUsd(this.dayPaidUnits);
    r.shortfallUsd[t] = toUsd(unpaidUnits);
    for (let i = 0; i < r.venues.length; i++) {
      const v = r.venues[i];
      const name = v.name;
      v.valueUsd[t] = toUsd(holdingOf(this.ledger, name, name));
      v.yieldEarnedUsd[t] = toUsd(this.yieldUnits[i]);
      v.apy[t] = this.yieldState.apy[i];
      v.capUsd[t] = ws.capUsd[i];
      v.lockedUsd[t] = ws.lockedUsd[i];
      if (this.detail) r.decisions.push(this.decision(i));
    }
    const s = this.sleeveState;
    const sl = r.sleeve;
    sl.valueUsd[t] = toUsd(holdingOf(this.ledger, SLEEVE_POSITION, SLEEVE_POSITION));
    sl.poolPnlUsd[t] = s[X_POOL_PNL];
    sl.shortPnlUsd[t] = s[X_SHORT_PNL];
    sl.feesUsd[t] = s[X_POOL_FEES];
    sl.fundingUsd[t] = s[X_FUNDING];
    sl.costsUsd[t] = s[X_TRADE_FEES] + s[X_FIXED_COSTS] + s[X_LIQUIDATION_LOSSES];
    sl.lvrUsd[t] = -s[X_LVR];
  }

  private decision(i: number): FundDecisionRow {
    const ws = this.ws;
    const trade = ws.tradeUsd[i];
    let action: string = trade === 0 ? 'none' : yieldTradeAction(this.setup.policy.venues[i].kind, trade);
    if (ws.redeemRequestUsd[i] > 0) action = action === 'none' ? 'request redeem' : `${action} + request redeem`;
    return {
      day: this.day,
      venue: this.venueName(i),
      askedUsd: ws.askedUsd[i],
      boundBy: YIELD_BOUND_BY[ws.boundBy[i]],
      acceptedUsd: ws.amountUsd[i],
      existingUsd: this.yieldState.existingUsd[i],
      deltaUsd: ws.deltaUsd[i],
      action,
      capUsd: ws.capUsd[i],
      lockedUsd: ws.lockedUsd[i],
      redeemRequestUsd: ws.redeemRequestUsd[i],
      noTradeReason: NO_TRADE_REASONS[ws.noTrade[i]] ?? '',
    };
  }

  /** The claims the fund owes (settled, unpaid), base units ≥ 0. */
  claimsOwedUnits(): bigint {
    return -holdingOf(this.ledger, CLAIMS_POSITION, FUND_TREASURY_CONFIG.assetSymbol);
  }
}

/**
 * Runs the whole horizon of run `run` (days 0…N) and returns the simulation.
 *
 * @example simulateFundRun(setup, 42, 0, { detail: true }).series.sharePrice
 */
export function simulateFundRun(setup: FundSetup, seed: number, run: number, opts: { detail: boolean }): FundSim {
  const sim = new FundSim(setup, Rng.stream(seed, run), run, opts);
  for (let t = 0; t <= setup.days; t++) sim.runDay(t);
  return sim;
}
