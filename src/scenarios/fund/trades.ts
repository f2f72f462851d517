/**
 * The fund's trades in its venues, booked: each venue operation's new state, the money it
 * moved (reserve ⇄ position), and its costs (a venue's entry cost on a deposit, its exit cost
 * on a withdrawal, gas per transaction, what the venue consumed itself) as `cost` events.
 */
import type { VenueStep } from '../../venues/types.ts';
import { usdToUnits } from '../../venues/units.ts';
import { payCost, transfer } from './books.ts';
import type { FundRun, FundVenue } from './run.ts';

/** Applies a venue operation's result: its state, its transfer and the cost it consumed. */
function settle(run: FundRun, v: FundVenue, step: VenueStep<unknown>, reason: string): bigint {
  v.state = step.state;
  const { transferUnits, positionCostUnits } = step.moved;
  transfer(run.books, v.terms.name, transferUnits, reason);
  v.flowUnits += transferUnits;
  if (positionCostUnits > 0n) charge(run, v, positionCostUnits, `cost: ${reason}`, v.terms.name);
  return transferUnits;
}

/** Pays a cost for a trade in `v` (from the reserve unless `position` is given). */
function charge(run: FundRun, v: FundVenue, units: bigint, reason: string, position?: string): void {
  if (units <= 0n) return;
  payCost(run.books, units, reason, position);
  v.costUnits += units;
  run.costsUnits += units;
}

/**
 * What a deposit into `v` costs the reserve beside the deposit itself: the venue's entry cost
 * and gas, base units.
 *
 * @example depositCostUnits(run, run.venues[0]) // 5_000_000n for a 5 USD entry cost
 */
export function depositCostUnits(run: FundRun, v: FundVenue): bigint {
  return usdToUnits(v.terms.entryCostUsd) + run.gasUnits;
}

/** The venue's exit cost on `paidUnits` that came out (exitCostPct carried with 9 decimals, rounded down). */
function exitCostUnits(v: FundVenue, paidUnits: bigint): bigint {
  return (paidUnits * BigInt(Math.round(v.terms.exitCostPct * 1e9))) / 1_000_000_000n;
}

/**
 * Deposits `units` of cash into `v` and pays its entry cost and gas.
 *
 * @example depositInto(run, run.venues[0], 1_000_000_000n, 'supply to aave');
 */
export function depositInto(run: FundRun, v: FundVenue, units: bigint, reason: string): void {
  if (units <= 0n) return;
  settle(run, v, v.mod.deposit(v.terms, v.market, v.state, run.books.day, units), reason);
  charge(run, v, depositCostUnits(run, v), `cost: ${reason}`);
}

/**
 * Withdraws up to `units` from `v` now and pays its exit cost (on what came out) and gas.
 *
 * @example withdrawFrom(run, run.venues[2], 500_000_000n, 'withdraw from aave');
 */
export function withdrawFrom(run: FundRun, v: FundVenue, units: bigint, reason: string): void {
  const paid = -settle(run, v, v.mod.withdraw(v.terms, v.market, v.state, run.books.day, units), reason);
  if (paid <= 0n) return;
  charge(run, v, exitCostUnits(v, paid) + run.gasUnits, `cost: ${reason}`);
}

/**
 * Asks `v` to redeem `units` (paid after its delay) and pays gas.
 *
 * @example requestRedeemFrom(run, run.venues[1], 200_000_000n);
 */
export function requestRedeemFrom(run: FundRun, v: FundVenue, units: bigint): void {
  settle(run, v, v.mod.requestRedeem(v.terms, v.market, v.state, run.books.day, units), `request redemption from ${v.terms.name}`);
  charge(run, v, run.gasUnits, `cost: request redemption from ${v.terms.name}`);
}

/**
 * Day `day` begins for `v`: its market accrues, redemptions due pay out (with the exit cost
 * and gas of the claim), and its position is marked by the caller.
 *
 * @example accrueVenue(run, run.venues[0]);
 */
export function accrueVenue(run: FundRun, v: FundVenue): void {
  const reason = `redemption from ${v.terms.name} paid`;
  const paid = -settle(run, v, v.mod.accrue(v.terms, v.market, v.state, run.books.day), reason);
  if (paid > 0n) charge(run, v, exitCostUnits(v, paid) + run.gasUnits, `cost: ${reason}`);
}
