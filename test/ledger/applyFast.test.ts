/**
 * The ledger's fast paths give the books of the slow ones, to the unit: applying without
 * balance updates (`out` = null), the rollback of a refused event from the undo log, interest
 * on a token one position holds (against the pro-rata split).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent, cloneTreasury, createTreasury, type BalanceUpdate, type LedgerEvent, type TreasuryState } from '../../src/index.ts';
import { ev, OWNER_A, OWNER_B } from './helpers.ts';

const CONFIG = { assetSymbol: 'USDC', assetDecimals: 6, shareSymbol: 'cfUSD', shareDecimals: 18 };
const OWNER_C = '0x00000000000000000000000000000000000000cc';

/** Everything in the books, Map orders included, as text (`settled`: without owners that have nothing in flight). */
function booksText(s: TreasuryState, settled = false): string {
  const redemptions = [...s.redemptions].filter(([, r]) => !settled || r.pendingShares !== 0n || r.claimableShares !== 0n || r.claimableAssets !== 0n);
  const plain = { ...s, holdings: [...s.holdings].map(([p, a]) => [p, [...a]]), redemptions, shareBalances: [...s.shareBalances] };
  return JSON.stringify(plain, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

const amount = fc.oneof(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 15n }), fc.constantFrom(0n, 1n, -1n));
const owner = fc.constantFrom(OWNER_A, OWNER_B, OWNER_C);
const token = fc.constantFrom('USDC', 'aUSDC', 'vUSDC', 'debt');
const position = fc.constantFrom(undefined, 'reserve', 'aave', 'vault', 'loan', 'pending');

/** Any event, valid or not (the books refuse what would break them). */
const rawEvent = fc.oneof(
  fc.record({ kind: fc.constant('deposit' as const), owner, assets: amount, shares: amount }),
  fc.record({ kind: fc.constant('redeem' as const), owner, assets: amount, shares: amount }),
  fc.record({ kind: fc.constant('redeem_request' as const), owner, shares: amount }),
  fc.record({ kind: fc.constant('settle' as const), owner, shares: amount, navPerShare: fc.bigInt({ min: 0n, max: 2_000_000n }) }),
  fc.record({ kind: fc.constant('interest' as const), asset: token, balance: amount, force: fc.constantFrom(undefined, true) }),
  fc.record({ kind: fc.constant('fee' as const), owner, shares: amount, reason: fc.constant('management') }),
  fc.record({ kind: fc.constant('transfer' as const), from: owner, to: owner, shares: amount }),
  fc.record({ kind: fc.constant('cost' as const), asset: token, quantity: amount, reason: fc.constant('gas'), position }),
  fc.record({ kind: fc.constant('correction' as const), asset: token, quantity: amount, reason: fc.constant('fix'), position }),
);

/** Drops undefined optional fields (as a feed would not write them). */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

describe('applyEvent without balance updates', () => {
  it('keeps the same books, refuses the same events and rolls them back the same', () => {
    fc.assert(
      fc.property(fc.array(rawEvent, { maxLength: 80 }), (fields) => {
        const withUpdates = createTreasury(CONFIG);
        const without = createTreasury(CONFIG);
        const out: BalanceUpdate[] = [];
        fields.forEach((f, i) => {
          const e = ev(i + 1, clean(f) as never) as LedgerEvent;
          const before = booksText(withUpdates, true);
          const updatesBefore = out.length;
          let refusedWith: string | null = null;
          let refusedWithout: string | null = null;
          try {
            applyEvent(withUpdates, e, out);
          } catch (err) {
            refusedWith = String(err);
          }
          try {
            applyEvent(without, e, null);
          } catch (err) {
            refusedWithout = String(err);
          }
          expect(refusedWithout).toBe(refusedWith);
          expect(booksText(without)).toBe(booksText(withUpdates));
          if (refusedWith !== null) {
            expect(booksText(withUpdates, true)).toBe(before); // a refused event leaves the books as they were (an owner with nothing in flight may be dropped)
            expect(out.length).toBe(updatesBefore);
          }
        });
        expect(withUpdates.nextUpdateId).toBe(out.length + 1);
      }),
      { numRuns: 300 },
    );
  });
});

/** The pro-rata split of the general path for one holder: ⌊interest · q / q⌋ plus the remainder. */
function proRataOfOne(interest: bigint, quantity: bigint): bigint {
  const part = (interest * quantity) / quantity;
  return part + (interest - part);
}

describe('interest on a token one position holds', () => {
  it('books what the pro-rata split books, for holdings and debts, forced or not', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 21n }), fc.boolean(), (held, debt, balance, force) => {
        const s = createTreasury(CONFIG);
        applyEvent(s, ev(1, { kind: 'deposit', owner: OWNER_A, assets: 10n ** 22n, shares: 10n ** 28n }), null);
        applyEvent(s, ev(2, { kind: 'correction', asset: 'tok', quantity: debt ? -held : held, reason: 'open', position: 'p' }), null);
        const trial = cloneTreasury(s);
        const out: BalanceUpdate[] = [];
        let refused = false;
        try {
          applyEvent(trial, ev(3, force ? { kind: 'interest', asset: 'tok', balance, force } : { kind: 'interest', asset: 'tok', balance }), out);
        } catch {
          refused = true;
        }
        const signedHeld = debt ? -held : held;
        const newBalance = debt ? -balance : balance;
        const interest = newBalance - signedHeld;
        const jump = (interest < 0n ? -interest : interest) * 10_000n > held * 500n;
        expect(refused).toBe(jump && !force);
        if (refused) {
          expect(booksText(trial)).toBe(booksText(s));
          return;
        }
        const part = proRataOfOne(interest, signedHeld);
        expect(trial.holdings.get('p')?.get('tok') ?? 0n).toBe(newBalance);
        expect(trial.totalAssets).toBe(s.totalAssets + part);
        expect(out.map((u) => u.quantity)).toEqual(part === 0n ? [] : [part]);
        expect(trial.lastDistribution).toEqual({ asset: 'tok', previousBalance: signedHeld, newBalance, interest, parts: [{ position: 'p', quantity: part }] });
      }),
      { numRuns: 300 },
    );
  });

  it('still splits pro rata over two holders', () => {
    const s = createTreasury(CONFIG);
    applyEvent(s, ev(1, { kind: 'correction', asset: 'tok', quantity: 300n, reason: 'open', position: 'b' }), null);
    applyEvent(s, ev(2, { kind: 'correction', asset: 'tok', quantity: 100n, reason: 'open', position: 'a' }), null);
    applyEvent(s, ev(3, { kind: 'interest', asset: 'tok', balance: 410n }), null);
    expect(s.lastDistribution?.parts).toEqual([{ position: 'a', quantity: 2n }, { position: 'b', quantity: 8n }]);
  });
});
