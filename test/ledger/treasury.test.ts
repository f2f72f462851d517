import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INTEREST_JUMP_LIMIT_PCT,
  UserError,
  applyEvent,
  cloneTreasury,
  createTreasury,
  holdingOf,
  impliedPriceOf,
  navAssets,
  pendingRedemptionsUsd,
  quoteDeposit,
  quoteNavPerShare,
  quoteRedeem,
  sharePriceOf,
  treasurySummary,
  type BalanceUpdate,
  type LedgerEvent,
  type TreasuryState,
} from '../../src/index.ts';
import { OWNER_A, OWNER_B, ev } from './helpers.ts';

const CONFIG = { assetSymbol: 'USDC', assetDecimals: 6, shareSymbol: 'cfUSD', shareDecimals: 18 };
const USDC = 10n ** 6n;
const SHARE = 10n ** 18n;

function apply(state: TreasuryState, events: LedgerEvent[]): BalanceUpdate[] {
  const out: BalanceUpdate[] = [];
  for (const e of events) applyEvent(state, e, out);
  return out;
}

function funded(): TreasuryState {
  const s = createTreasury(CONFIG);
  apply(s, [ev(1, { kind: 'deposit', owner: OWNER_A, assets: 1000n * USDC, shares: 1000n * SHARE })]);
  return s;
}

describe('createTreasury', () => {
  it('refuses share decimals below the asset decimals', () => {
    expect(() => createTreasury({ ...CONFIG, shareDecimals: 5 })).toThrow(/shareDecimals/);
  });

  it('prices an empty vault at 1', () => {
    expect(sharePriceOf(createTreasury(CONFIG))).toBe(1);
  });
});

describe('deposits and redemptions', () => {
  it('books a deposit in the reserve and mints its shares', () => {
    const s = createTreasury(CONFIG);
    const updates = apply(s, [{ ...ev(1, { kind: 'deposit', owner: OWNER_A, assets: 1000n * USDC, shares: 1000n * SHARE }), priceUsd: 1 }]);
    expect(s.totalAssets).toBe(1000n * USDC);
    expect(s.totalShares).toBe(1000n * SHARE);
    expect(holdingOf(s, 'reserve', 'USDC')).toBe(1000n * USDC);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ id: 1, eventSeq: 1, cause: 'deposit', position: 'reserve', quantity: 1000n * USDC, previousBalance: 0n, valueUsd: 1000, owner: OWNER_A });
    expect(s.counts.deposit).toBe(1);
  });

  it('quotes ERC-4626 shares: 1 USDC buys 1e18 shares in an empty 6 → 18 decimals vault', () => {
    expect(quoteDeposit(createTreasury(CONFIG), USDC)).toBe(SHARE);
  });

  it('books a synchronous redemption: burns shares and pays from the reserve', () => {
    const s = funded();
    apply(s, [ev(2, { kind: 'redeem', owner: OWNER_A, assets: 400n * USDC, shares: 400n * SHARE })]);
    expect(s.totalAssets).toBe(600n * USDC);
    expect(s.totalShares).toBe(600n * SHARE);
  });

  it('refuses to pay more than the reserve holds and leaves the books unchanged', () => {
    const s = funded();
    const before = cloneTreasury(s);
    const out: BalanceUpdate[] = [];
    expect(() => applyEvent(s, ev(2, { kind: 'redeem', owner: OWNER_A, assets: 1001n * USDC, shares: 1n }), out)).toThrow(/assets: pays 1001000000 but the reserve holds 1000000000/);
    expect(out).toHaveLength(0);
    expect(s).toEqual(before);
  });

  it('refuses to redeem more shares than are outstanding', () => {
    const s = funded();
    expect(() => apply(s, [ev(2, { kind: 'redeem', owner: OWNER_A, assets: 1n, shares: 1001n * SHARE })])).toThrow(UserError);
  });

  it.each([
    ['deposit', 'assets', 0n, 1000n * SHARE],
    ['deposit', 'shares', 1000n * USDC, 0n],
    ['deposit', 'assets', -5n, SHARE],
    ['redeem', 'assets', 0n, SHARE],
    ['redeem', 'shares', USDC, 0n],
    ['redeem', 'shares', USDC, -SHARE],
  ] as const)('refuses a %s with %s <= 0 and leaves the books unchanged', (kind, field, assets, shares) => {
    const s = funded();
    const before = cloneTreasury(s);
    const out: BalanceUpdate[] = [];
    const value = field === 'assets' ? assets : shares;
    expect(() => applyEvent(s, ev(2, { kind, owner: OWNER_A, assets, shares }), out)).toThrow(new RegExp(`^${field}: must be > 0 in a ${kind}, got ${value}`));
    expect(out).toHaveLength(0);
    expect(s).toEqual(before);
  });
});

describe('a settled claim worth 0 assets', () => {
  it('is paid out by a redeem of 0 assets, which clears it', () => {
    const s = funded();
    apply(s, [
      ev(2, { kind: 'redeem_request', owner: OWNER_B, shares: 0n + 1n }),
      ev(3, { kind: 'settle', owner: OWNER_B, shares: 1n, navPerShare: USDC }), // 1e-18 share at 1 USDC rounds down to 0 units
    ]);
    expect(s.redemptions.get(OWNER_B)?.claimableAssets).toBe(0n);
    apply(s, [ev(4, { kind: 'redeem', owner: OWNER_B, assets: 0n, shares: 1n })]);
    expect(s.redemptions.has(OWNER_B)).toBe(false);
    // Anyone without such a claim still cannot redeem for 0 assets.
    expect(() => apply(s, [ev(5, { kind: 'redeem', owner: OWNER_A, assets: 0n, shares: 1n })])).toThrow(/^assets: must be > 0 in a redeem/);
  });
});

describe('impliedPriceOf', () => {
  it('prices deposits, synchronous redemptions and settlements in asset units per share; nothing else', () => {
    const s = funded();
    expect(impliedPriceOf(s, ev(2, { kind: 'deposit', owner: OWNER_A, assets: 2000n * USDC, shares: 1000n * SHARE }))).toBeCloseTo(2, 12);
    expect(impliedPriceOf(s, ev(2, { kind: 'redeem', owner: OWNER_A, assets: 99n * USDC, shares: 100n * SHARE }))).toBeCloseTo(0.99, 12);
    expect(impliedPriceOf(s, ev(2, { kind: 'settle', owner: OWNER_A, shares: SHARE, navPerShare: 1_010_000n }))).toBeCloseTo(1.01, 12);
    expect(impliedPriceOf(s, ev(2, { kind: 'settle', owner: OWNER_A, shares: 2n * SHARE, assets: 3n * USDC }))).toBeCloseTo(1.5, 12);
    expect(impliedPriceOf(s, ev(2, { kind: 'redeem_request', owner: OWNER_A, shares: SHARE }))).toBeNull();
    expect(impliedPriceOf(s, ev(2, { kind: 'correction', asset: 'USDC', quantity: 1n, reason: 'x' }))).toBeNull();
  });

  it('does not price a redemption that pays a settled claim (it was priced at settlement)', () => {
    const s = funded();
    apply(s, [
      ev(2, { kind: 'redeem_request', owner: OWNER_A, shares: 100n * SHARE }),
      ev(3, { kind: 'settle', owner: OWNER_A, shares: 100n * SHARE, navPerShare: USDC }),
    ]);
    expect(impliedPriceOf(s, ev(4, { kind: 'redeem', owner: OWNER_A, assets: 100n * USDC, shares: 100n * SHARE }))).toBeNull();
    expect(impliedPriceOf(s, ev(4, { kind: 'redeem', owner: OWNER_B, assets: 100n * USDC, shares: 100n * SHARE }))).toBeCloseTo(1, 12);
  });
});

describe('asynchronous redemptions (request → settle → claim)', () => {
  it('locks, settles at the posted NAV per share, then pays the claim', () => {
    const s = funded();
    apply(s, [ev(2, { kind: 'redeem_request', owner: OWNER_B, shares: 300n * SHARE })]);
    expect(s.pendingShares).toBe(300n * SHARE);
    expect(s.totalShares).toBe(1000n * SHARE);
    expect(pendingRedemptionsUsd(s, 1).requestedUsd).toBeCloseTo(300, 6);

    const nav = quoteNavPerShare(s);
    expect(nav).toBe(USDC);
    apply(s, [ev(3, { kind: 'settle', owner: OWNER_B, shares: 200n * SHARE, navPerShare: nav })]);
    expect(s.pendingShares).toBe(100n * SHARE);
    expect(s.totalShares).toBe(800n * SHARE);
    expect(s.totalAssets).toBe(800n * USDC); // the claim is owed: out of NAV
    expect(holdingOf(s, 'claims', 'USDC')).toBe(-200n * USDC);
    expect(s.redemptions.get(OWNER_B)).toEqual({ pendingShares: 100n * SHARE, claimableShares: 200n * SHARE, claimableAssets: 200n * USDC });
    const pending = pendingRedemptionsUsd(s, 2);
    expect(pending.claimableUsd).toBeCloseTo(400, 9);
    expect(pending.requestedUsd).toBeCloseTo(200, 6);
    expect(pending.totalUsd).toBeCloseTo(600, 6);

    apply(s, [ev(4, { kind: 'redeem', owner: OWNER_B, assets: 200n * USDC, shares: 200n * SHARE })]);
    expect(holdingOf(s, 'claims', 'USDC')).toBe(0n);
    expect(holdingOf(s, 'reserve', 'USDC')).toBe(800n * USDC);
    expect(s.totalAssets).toBe(800n * USDC);
    expect(s.totalShares).toBe(800n * SHARE);
    expect(s.redemptions.get(OWNER_B)).toEqual({ pendingShares: 100n * SHARE, claimableShares: 0n, claimableAssets: 0n });
  });

  it('settles for explicit assets too', () => {
    const s = funded();
    apply(s, [ev(2, { kind: 'redeem_request', owner: OWNER_B, shares: 100n * SHARE }), ev(3, { kind: 'settle', owner: OWNER_B, shares: 100n * SHARE, assets: 99n * USDC })]);
    expect(s.totalAssets).toBe(901n * USDC);
    expect(s.redemptions.get(OWNER_B)?.claimableAssets).toBe(99n * USDC);
  });

  it('refuses to settle more than the owner locked, or to claim more than settled', () => {
    const s = funded();
    apply(s, [ev(2, { kind: 'redeem_request', owner: OWNER_B, shares: 100n * SHARE })]);
    expect(() => apply(s, [ev(3, { kind: 'settle', owner: OWNER_A, shares: 1n, assets: 1n })])).toThrow(/shares: settles 1 shares but 0x0+aa has 0 locked/);
    expect(s.redemptions.has(OWNER_A)).toBe(false);
    apply(s, [ev(3, { kind: 'settle', owner: OWNER_B, shares: 100n * SHARE, assets: 100n * USDC })]);
    expect(() => apply(s, [ev(4, { kind: 'redeem', owner: OWNER_B, assets: 101n * USDC, shares: 100n * SHARE })])).toThrow(/assets: claims 101000000/);
  });

  it('refuses to lock shares that are already locked', () => {
    const s = funded();
    apply(s, [ev(2, { kind: 'redeem_request', owner: OWNER_B, shares: 900n * SHARE })]);
    expect(() => apply(s, [ev(3, { kind: 'redeem_request', owner: OWNER_A, shares: 101n * SHARE })])).toThrow(/locks/);
  });
});

describe('interest', () => {
  function supplied(): TreasuryState {
    const s = funded();
    apply(s, [
      ev(2, { kind: 'correction', asset: 'aUSDC', quantity: 300n * USDC, reason: 'supply', position: 'aave-main' }),
      ev(3, { kind: 'correction', asset: 'aUSDC', quantity: 100n * USDC, reason: 'supply', position: 'aave-side' }),
      ev(4, { kind: 'correction', asset: 'USDC', quantity: -400n * USDC, reason: 'supply' }),
    ]);
    return s;
  }

  it('distributes interest pro rata to the holders, the remainder to the largest', () => {
    const s = supplied();
    const updates = apply(s, [ev(5, { kind: 'interest', asset: 'aUSDC', balance: 400n * USDC + 7n })]);
    // 7 · 300/400 = 5.25 → 5 (+1 remainder to aave-main), 7 · 100/400 = 1.75 → 1
    expect(holdingOf(s, 'aave-main', 'aUSDC')).toBe(300n * USDC + 6n);
    expect(holdingOf(s, 'aave-side', 'aUSDC')).toBe(100n * USDC + 1n);
    expect(updates.map((u) => [u.position, u.quantity, u.cause])).toEqual([
      ['aave-main', 6n, 'interest'],
      ['aave-side', 1n, 'interest'],
    ]);
    expect(s.totalAssets).toBe(1000n * USDC + 7n);
    expect(s.lastDistribution).toEqual({ asset: 'aUSDC', previousBalance: 400n * USDC, newBalance: 400n * USDC + 7n, interest: 7n, parts: [{ position: 'aave-main', quantity: 6n }, { position: 'aave-side', quantity: 1n }] });
    expect(s.lastInterestSyncBlock).toBe(5);
  });

  it(`refuses a jump above ${INTEREST_JUMP_LIMIT_PCT * 100}% with old, new and the limit, unless forced`, () => {
    const s = supplied();
    const jump = ev(5, { kind: 'interest', asset: 'aUSDC', balance: 421n * USDC });
    expect(() => apply(s, [jump])).toThrow(/balance: aUSDC jumps from 400000000 to 421000000 \(5\.25%\), above the 5% limit/);
    expect(s.totalAssets).toBe(1000n * USDC);
    apply(s, [{ ...jump, force: true } as LedgerEvent]);
    expect(s.totalAssets).toBe(1021n * USDC);
  });

  it('accepts exactly 5%', () => {
    const s = supplied();
    apply(s, [ev(5, { kind: 'interest', asset: 'aUSDC', balance: 420n * USDC })]);
    expect(s.totalAssets).toBe(1020n * USDC);
  });

  it('grows a debt (negative holding) with its debt token balance', () => {
    const s = funded();
    apply(s, [ev(2, { kind: 'correction', asset: 'vUSDC', quantity: -100n * USDC, reason: 'borrow', position: 'loan' })]);
    apply(s, [ev(3, { kind: 'interest', asset: 'vUSDC', balance: 101n * USDC })]);
    expect(holdingOf(s, 'loan', 'vUSDC')).toBe(-101n * USDC);
    expect(s.totalAssets).toBe(899n * USDC);
  });

  it('refuses interest on a token nobody holds', () => {
    expect(() => apply(funded(), [ev(2, { kind: 'interest', asset: 'aDAI', balance: 1n })])).toThrow(/asset: no position holds aDAI/);
  });
});

describe('corrections and valuation', () => {
  it('refuses corrections of the ledger-kept positions and a negative reserve', () => {
    const s = funded();
    expect(() => apply(s, [ev(2, { kind: 'correction', asset: 'USDC', quantity: 1n, reason: 'x', position: 'claims' })])).toThrow(/position/);
    expect(() => apply(s, [ev(2, { kind: 'correction', asset: 'USDC', quantity: -1001n * USDC, reason: 'x' })])).toThrow(/quantity: would leave the reserve/);
  });

  it('refuses anything that makes NAV negative', () => {
    const s = funded();
    expect(() => apply(s, [ev(2, { kind: 'correction', asset: 'vUSDC', quantity: -1001n * USDC, reason: 'x', position: 'loan' })])).toThrow(/total assets negative/);
    expect(s.totalAssets).toBe(1000n * USDC);
  });

  it('values holdings at given prices (navAssets), debts rounding against the fund', () => {
    const s = funded();
    apply(s, [ev(2, { kind: 'correction', asset: 'vUSDC', quantity: -3n, reason: 'borrow', position: 'loan' })]);
    expect(navAssets(s)).toBe(s.totalAssets);
    // vUSDC at 0.5 asset units per unit: −3 · 0.5 = −1.5 → −2
    expect(navAssets(s, new Map([['vUSDC', 5n * 10n ** 17n]]))).toBe(1000n * USDC - 2n);
  });

  it('summarises the books with decimal strings', () => {
    const summary = treasurySummary(funded());
    expect(summary).toMatchObject({ totalAssets: '1000000000', totalShares: '1000000000000000000000', pendingRedemptionShares: '0', lastBlockScanned: null });
    expect(summary.sharePrice).toBeCloseTo(1, 9);
    expect(summary.counts).toEqual({ deposit: 1, redeem: 0, redeem_request: 0, settle: 0, interest: 0, correction: 0, fee: 0, cost: 0, transfer: 0, deposit_request: 0, deposit_settle: 0 });
  });
});

/** One step of a random history, turned into a valid event by the current books. */
const stepArb = fc.record({
  op: fc.constantFrom('deposit', 'redeem', 'request', 'settle', 'claim', 'interest', 'supply', 'withdraw'),
  amount: fc.bigInt({ min: 1n, max: 10n ** 15n }),
  pct: fc.integer({ min: 1, max: 100 }),
  owner: fc.constantFrom(OWNER_A, OWNER_B),
});

/** One step of a random history (see stepArb). */
type Step = { op: string; amount: bigint; pct: number; owner: string };

interface Flows {
  deposits: bigint;
  redemptions: bigint;
  interest: bigint;
  corrections: bigint;
}

/** Builds a valid event for the step (or null) and adds its flows to `flows` as an independent oracle. */
function eventFor(s: TreasuryState, step: Step, n: number, flows: Flows): LedgerEvent | null {
  const { op, amount, pct, owner } = step;
  const free = s.totalShares - s.pendingShares;
  const cash = holdingOf(s, 'reserve', 'USDC');
  const aave = holdingOf(s, 'aave', 'aUSDC');
  const r = s.redemptions.get(owner);
  switch (op) {
    case 'deposit': {
      const shares = quoteDeposit(s, amount);
      if (shares === 0n) return null; // deposits must mint shares
      flows.deposits += amount;
      return ev(n, { kind: 'deposit', owner, assets: amount, shares });
    }
    case 'redeem': {
      const shares = (free * BigInt(pct)) / 100n;
      const assets = quoteRedeem(s, shares);
      if (assets === 0n || assets > cash || (r !== undefined && r.claimableShares > 0n)) return null; // redemptions must pay assets
      flows.redemptions += assets;
      return ev(n, { kind: 'redeem', owner, assets, shares });
    }
    case 'request':
      return ev(n, { kind: 'redeem_request', owner, shares: (free * BigInt(pct)) / 100n });
    case 'settle': {
      if (r === undefined || r.pendingShares === 0n) return null;
      const shares = (r.pendingShares * BigInt(pct)) / 100n;
      const navPerShare = quoteNavPerShare(s);
      flows.redemptions += (shares * navPerShare) / 10n ** 18n;
      return ev(n, { kind: 'settle', owner, shares, navPerShare });
    }
    case 'claim':
      if (r === undefined || r.claimableShares === 0n || r.claimableAssets === 0n || r.claimableAssets > cash) return null;
      return ev(n, { kind: 'redeem', owner, assets: r.claimableAssets, shares: r.claimableShares });
    case 'interest': {
      if (aave === 0n) return null;
      const gain = (aave * BigInt(pct)) / 2000n; // up to 5%
      flows.interest += gain;
      return ev(n, { kind: 'interest', asset: 'aUSDC', balance: aave + gain });
    }
    case 'supply': {
      const q = (cash * BigInt(pct)) / 100n;
      flows.corrections += q;
      return ev(n, { kind: 'correction', asset: 'aUSDC', quantity: q, reason: 'supply', position: 'aave' });
    }
    case 'withdraw': {
      const q = (aave * BigInt(pct)) / 100n;
      flows.corrections -= q;
      return ev(n, { kind: 'correction', asset: 'aUSDC', quantity: -q, reason: 'withdraw', position: 'aave' });
    }
    default:
      return null;
  }
}

/**
 * Replays random steps on fresh books: each valid event goes through `visit` (by default it is
 * applied as is; a caller may check around it). Returns the books, the flows and the updates.
 */
function replaySteps(
  steps: Step[],
  visit: (s: TreasuryState, e: LedgerEvent, applyIt: () => void) => void = (_s, _e, applyIt) => applyIt(),
): { s: TreasuryState; flows: Flows; out: BalanceUpdate[] } {
  const s = createTreasury(CONFIG);
  const flows: Flows = { deposits: 0n, redemptions: 0n, interest: 0n, corrections: 0n };
  const out: BalanceUpdate[] = [];
  steps.forEach((step, i) => {
    const e = eventFor(s, step, i + 1, flows);
    if (e !== null) visit(s, e, () => applyEvent(s, e, out));
  });
  return { s, flows, out };
}

describe('properties', () => {
  it('conserves: Σ deposits − Σ redemptions + interest + corrections = change in total assets', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        const { s, flows, out } = replaySteps(steps);
        expect(s.totalAssets).toBe(flows.deposits - flows.redemptions + flows.interest + flows.corrections);
        expect(navAssets(s)).toBe(s.totalAssets);
        const nonPending = out.filter((u) => u.position !== 'pending').reduce((sum, u) => sum + u.quantity, 0n);
        expect(nonPending).toBe(s.totalAssets);
      }),
      { numRuns: 200 },
    );
  });

  it('deposits, redemptions and settlements at the quoted prices never lower the share price', () => {
    const price = (s: TreasuryState): [bigint, bigint] => [s.totalAssets + 1n, s.totalShares + 10n ** 12n];
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
        replaySteps(steps, (s, e, applyIt) => {
          const [a0, s0] = price(s);
          applyIt();
          const [a1, s1] = price(s);
          if (e.kind === 'deposit' || e.kind === 'redeem' || e.kind === 'settle' || e.kind === 'redeem_request') {
            expect(a1 * s0 >= a0 * s1).toBe(true);
          }
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('fee shares', () => {
  it('mints shares to the fee receiver without assets, diluting the share price', () => {
    const s = funded();
    const before = sharePriceOf(s);
    const out = apply(s, [ev(2, { kind: 'fee', owner: OWNER_B, shares: 10n * SHARE, reason: 'management' })]);
    expect(out).toEqual([]);
    expect(s.totalAssets).toBe(1000n * USDC);
    expect(s.totalShares).toBe(1010n * SHARE);
    expect(sharePriceOf(s)).toBeCloseTo((before * 1000) / 1010, 9);
    expect(s.counts.fee).toBe(1);
  });

  it('refuses a fee of zero shares and leaves the books unchanged', () => {
    const s = funded();
    const copy = cloneTreasury(s);
    expect(() => apply(s, [ev(2, { kind: 'fee', owner: OWNER_B, shares: 0n, reason: 'performance' })])).toThrow(UserError);
    expect(s).toEqual(copy);
  });
});

describe('costs', () => {
  it('take money out of the reserve and lower NAV, recorded with cause cost', () => {
    const s = funded();
    const out = apply(s, [ev(2, { kind: 'cost', asset: 'USDC', quantity: 5n * USDC, reason: 'gas: deposit into aave' })]);
    expect(out.map((u) => [u.cause, u.position, u.quantity, u.notes])).toEqual([['cost', 'reserve', -5n * USDC, 'gas: deposit into aave']]);
    expect(s.totalAssets).toBe(995n * USDC);
    expect(s.totalShares).toBe(1000n * SHARE);
  });

  it('refuses a cost above the holding, or of zero, leaving the books unchanged', () => {
    const s = funded();
    const copy = cloneTreasury(s);
    expect(() => apply(s, [ev(2, { kind: 'cost', asset: 'USDC', quantity: 1001n * USDC, reason: 'gas' })])).toThrow(/reserve holds/);
    expect(() => apply(s, [ev(2, { kind: 'cost', asset: 'USDC', quantity: 0n, reason: 'gas' })])).toThrow(UserError);
    expect(s).toEqual(copy);
  });
});
