"""numpy baseline of capflow's delta-neutral Monte Carlo (exact accounting), for `npm run bench`.

The same model as src/strategies/deltaNeutral/ (README "Accountings", exact): a constant-product
pool position of liquidity L (value V = 2 L sqrt(P)) hedged by a lending-protocol short (USD
collateral, token debt), GBM prices, daily scheduled rebalancing (maker fee), leverage restored
in kind when out of its band, funding on the mark notional, pool fees on the pool value,
liquidation below the threshold, wipe-out when equity reaches 0, the short closed at the end
with the taker fee. Vectorised across paths (one numpy array per state variable), looping over
steps. Its own random numbers, so its figures agree with capflow's in distribution (mean roi
within a few standard errors), not path by path.

Usage: python3 deltaNeutral.py '<json params>'  ->  prints {"seconds", "cpuSeconds", "paths", "steps", "meanRoi", ...}
`seconds` is the model loop alone (sampling + steps + outputs), not the interpreter start-up.
"""
import json
import sys
import time

import numpy as np


def simulate(p, rng):
    n, steps = p["paths"], p["steps"]
    dt = 1.0 / p["stepsPerYear"]
    vol, drift, p0 = p["dailyVol"], p.get("driftPerStep", 0.0), p["initialPrice"]
    capital, lev = p["capitalUsd"], p["shortLeverage"]
    maker, taker, fixed = p["makerFee"], p["takerFee"], p["fixedCostUsd"]
    every, band, mband = p["rebalanceEvery"], p["band"], p["marginBand"]
    cf, penalty, pool_apr, funding_apr = p["liquidationThreshold"], p["liquidationPenalty"], p["poolApr"], p["fundingApr"]

    pool_usd = capital / (1 + 1 / (2 * lev))
    price = np.full(n, float(p0))
    liquidity = np.full(n, pool_usd / (2 * np.sqrt(p0)))
    value = 2 * liquidity * np.sqrt(price)
    qty = np.zeros(n)
    collateral = capital - value
    cash = np.zeros(n)
    pool_pnl, short_pnl, pool_fees, funding = (np.zeros(n) for _ in range(4))
    trade_fees, fixed_costs, liq_losses, lvr = (np.zeros(n) for _ in range(4))
    peak = np.full(n, float(capital))
    max_dd = np.zeros(n)
    liquidations, rebalances = np.zeros(n), np.zeros(n)
    min_price, max_price = price.copy(), price.copy()
    alive = np.ones(n, dtype=bool)

    for t in range(steps):
        # hedge decision and rebalance at P_t
        scheduled = t == 0 or (every > 0 and t % every == 0)
        if scheduled:
            act, fee_pct = alive.copy(), np.full(n, maker)
        elif np.isfinite(band):
            ratio = qty / (liquidity / np.sqrt(price))
            act = alive & (np.abs(ratio - 1) > band)
            fee_pct = np.full(n, taker)
        else:
            act = None
        if act is not None and act.any():
            if np.isfinite(mband):
                notional = qty * price
                target = lev * (collateral - notional)
                restore = act & (np.abs(notional - target) > mband * target)
                delta = ((value + collateral - notional) * 2 * lev) / (2 * lev + 1) - value
                half = np.where(restore, 0.5 * delta, 0.0)
                liquidity += half / np.sqrt(price)
                qty += half / price
                collateral -= half
                value += 2 * half
            dq = np.where(act, liquidity / np.sqrt(price) - qty, 0.0)
            fee = np.abs(dq) * price * fee_pct
            qty += dq
            collateral += dq * price - fee - np.where(act, fixed, 0.0)
            trade_fees -= fee
            fixed_costs -= np.where(act, fixed, 0.0)
            rebalances += act

        # market move to P_{t+1} (wiped-out paths keep their state)
        gbm = price * np.exp(drift - 0.5 * vol * vol + vol * rng.standard_normal(n))
        nxt = np.where(alive, gbm, price)
        u = nxt / price - 1
        lvr += np.where(alive, 0.125 * value * u * u, 0.0)
        value_after = 2 * liquidity * np.sqrt(nxt)
        pool_pnl += np.where(alive, value_after - value, 0.0)
        short_pnl -= np.where(alive, qty * (nxt - price), 0.0)
        fund = np.where(alive, -(-qty * nxt * funding_apr * dt), 0.0)
        collateral += fund
        funding += fund
        fees = np.where(alive, value_after * pool_apr * dt, 0.0)
        pool_fees += fees
        value = np.where(alive, value_after, value)
        cash += fees
        price = nxt
        debt = qty * price
        liq = alive & (debt > 0) & (collateral * cf < debt)
        if liq.any():
            collateral -= np.where(liq, debt * (1 + penalty), 0.0)
            liq_losses -= np.where(liq, debt * penalty, 0.0)
            qty = np.where(liq, 0.0, qty)
            liquidations += liq
        np.minimum(min_price, price, out=min_price)
        np.maximum(max_price, price, out=max_price)
        # equity, drawdown, ruin
        equity = value + cash + collateral - qty * price
        up = alive & (equity > peak)
        peak = np.where(up, equity, peak)
        down = alive & ~up & (equity < peak * (1 + max_dd))
        dd = equity / peak - 1
        max_dd = np.where(down & (dd > -1), dd, max_dd)
        ruined = down & ~(dd > -1)
        if ruined.any():
            for a in (value, liquidity, qty, collateral, cash):
                a[ruined] = 0.0
            max_dd[ruined] = -1.0
            alive &= ~ruined

    # final close with the taker fee, outputs as fractions of capital
    notional = qty * price
    collateral -= notional * (1 + taker)
    trade_fees -= notional * taker
    equity = value + cash + collateral
    roi = equity / capital - 1

    def il(x):
        return 2 * np.sqrt(x) / (1 + x) - 1

    return {
        "roi": roi,
        "costOfNeutrality": (pool_pnl + short_pnl) / capital,
        "feesSum": (pool_fees + funding + trade_fees) / capital,
        "lvr": -lvr / capital,
        "ilWorst": np.minimum(il(min_price / p0), il(max_price / p0)),
        "wipedOut": (~alive).astype(float),
    }


def main():
    params = json.loads(sys.argv[1])
    rng = np.random.default_rng(params.get("seed", 42))
    t0, cpu0 = time.perf_counter(), time.process_time()
    out = simulate(params, rng)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - cpu0
    roi = out["roi"]
    result = {
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
        "paths": params["paths"],
        "steps": params["steps"],
        "numpy": np.__version__,
        "meanRoi": float(roi.mean()),
        "semRoi": float(roi.std(ddof=1) / np.sqrt(roi.size)),
        "meanLvr": float(out["lvr"].mean()),
        "probabilityOfRuin": float(out["wipedOut"].mean()),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
