/**
 * A plan's trades as venue operations in the fund asset's base units, for the venues read
 * from the chain: USD amounts become exact base units (rounded down, so a deposit never asks
 * for more than the plan moved), a venue the plan empties is left whole (Aave's "all",
 * or every share), and an asynchronous vault's redemption request is sized in shares.
 */
import { maxUint256 } from 'viem';
import { numberToBaseUnits } from '../../core/fixedPoint.ts';
import type { TradeOrder } from '../../chain/batch.ts';
import { priceProbeShares } from '../../chain/venues/erc4626.ts';
import type { LiveFundRead, LiveVenueRead } from '../../venues/chainSource.ts';
import type { YieldPlan, YieldTrade } from '../yieldManager.ts';

/**
 * Shares of a vault worth `assets` at its read price, rounded up, never more than the holder has.
 *
 * @example sharesFor(vaultRead, 1_000_000n) // ≈ 1_000_000n · 10^(shareDecimals − assetDecimals) / price
 */
function sharesFor(v: LiveVenueRead & { kind: 'erc4626' | 'erc7540' }, assets: bigint): bigint {
  const probe = priceProbeShares(v.vault.shareDecimals);
  const price = v.vault.assetsPerPriceProbe;
  const shares = price === 0n ? 0n : (assets * probe + price - 1n) / price;
  return shares < v.vault.holderShares ? shares : v.vault.holderShares;
}

/**
 * Shares for a redemption request of `assets`; every share held when what would be left is
 * worth at most one base unit (the USD amount was rounded down to base units).
 *
 * @example requestShares(vaultRead, 19_999_999n) // all shares when they are worth 20_000_000n
 */
function requestShares(v: LiveVenueRead & { kind: 'erc4626' | 'erc7540' }, assets: bigint): bigint {
  const shares = sharesFor(v, assets);
  const leftAssets = ((v.vault.holderShares - shares) * v.vault.assetsPerPriceProbe) / priceProbeShares(v.vault.shareDecimals);
  return leftAssets <= 1n ? v.vault.holderShares : shares;
}

/**
 * One trade as a venue operation. An ERC-7540 vault's immediate withdrawal claims settled
 * redemptions (its maxWithdraw), so emptying it requests the redemption of every share held.
 */
function orderFor(t: YieldTrade, v: LiveVenueRead, units: bigint, emptied: boolean): TradeOrder {
  const venue = t.venue;
  if (v.kind === 'aave-v3') {
    const where = { venue, pool: v.reserve.pool, asset: v.reserve.asset };
    return t.deltaUsd > 0 ? { ...where, op: 'aave-supply', assets: units } : { ...where, op: 'aave-withdraw', assets: emptied ? maxUint256 : units };
  }
  const vault = v.vault.address;
  if (t.deltaUsd > 0) return { venue, op: 'vault-deposit', vault, asset: v.vault.asset, assets: units };
  if (t.settlesInDays > 0) return { venue, op: 'vault-request-redeem', vault, shares: emptied ? v.vault.holderShares : requestShares(v, units) };
  if (emptied && v.kind === 'erc4626') return { venue, op: 'vault-redeem', vault, shares: v.vault.holderShares };
  return { venue, op: 'vault-withdraw', vault, assets: units };
}

/**
 * The venue operations of `plan` (trades in the plan's execution order) on the venues of
 * `live`; `assetPriceUsd` converts USD to the asset. Trades under one base unit are dropped.
 *
 * @example batchTransactions(liveTradeOrders(plan, live, 1), live.holder)
 */
export function liveTradeOrders(plan: YieldPlan, live: LiveFundRead, assetPriceUsd: number): TradeOrder[] {
  const orders: TradeOrder[] = [];
  for (const t of plan.trades) {
    const v = live.venues.find((x) => x.spec.name === t.venue);
    if (v === undefined) throw new Error(`plan trades venue ${t.venue}, which was not read`);
    const units = numberToBaseUnits(Math.abs(t.deltaUsd) / assetPriceUsd, live.assetDecimals, 'floor');
    const decision = plan.decisions.find((d) => d.venue === t.venue);
    const emptied = t.deltaUsd < 0 && decision !== undefined && decision.amountUsd === 0;
    if (units === 0n && !emptied) continue;
    orders.push(orderFor(t, v, units, emptied));
  }
  return orders;
}

/**
 * Net base units `venue`'s orders move into it now (< 0 out): redemption requests move nothing
 * yet, an Aave withdrawal of "all" and a vault's full redeem move the whole position.
 *
 * @example netOrderUnits([{ venue: 'aave', op: 'aave-supply', pool, asset, assets: 5n }], live, 'aave') // 5n
 */
export function netOrderUnits(orders: readonly TradeOrder[], read: LiveFundRead, venue: string): bigint {
  let net = 0n;
  for (const o of orders) {
    if (o.venue !== venue) continue;
    if (o.op === 'aave-supply' || o.op === 'vault-deposit') net += o.assets;
    else if (o.op === 'aave-withdraw') {
      const v = read.venues.find((x) => x.spec.name === venue);
      net -= v?.kind === 'aave-v3' && o.assets > v.reserve.holderBalance ? v.reserve.holderBalance : o.assets;
    } else if (o.op === 'vault-withdraw') net -= o.assets;
    else if (o.op === 'vault-redeem') {
      const v = read.venues.find((x) => x.spec.name === venue);
      if (v !== undefined && v.kind !== 'aave-v3') net -= v.vault.holderAssets;
    }
  }
  return net;
}
