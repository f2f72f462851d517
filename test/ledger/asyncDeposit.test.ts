/** The book-keeping rules of ERC-7540 asynchronous deposits: request, settlement, claim. */
import { describe, expect, it } from 'vitest';
import { applyEvent, cloneTreasury, createTreasury, freeSharesOf, holdingOf, parseFeedLine, formatFeedLine, type BalanceUpdate, type LedgerEvent, type TreasuryState } from '../../src/index.ts';
import { OWNER_A, OWNER_B, ev } from './helpers.ts';

const CONFIG = { assetSymbol: 'USDC', assetDecimals: 6, shareSymbol: 'cfUSD', shareDecimals: 18 };
const USDC = 10n ** 6n;
const SHARE = 10n ** 18n;

function apply(state: TreasuryState, events: LedgerEvent[]): BalanceUpdate[] {
  const out: BalanceUpdate[] = [];
  for (const e of events) applyEvent(state, e, out);
  return out;
}

function requested(): TreasuryState {
  const s = createTreasury(CONFIG);
  apply(s, [ev(1, { kind: 'deposit', owner: OWNER_A, assets: 1000n * USDC, shares: 1000n * SHARE }), ev(2, { kind: 'deposit_request', owner: OWNER_B, assets: 500n * USDC })]);
  return s;
}

describe('asynchronous deposits', () => {
  it('a request holds the assets apart: not NAV, no shares', () => {
    const s = requested();
    expect(s.totalAssets).toBe(1000n * USDC);
    expect(s.totalShares).toBe(1000n * SHARE);
    expect(holdingOf(s, 'deposit_requests', 'USDC')).toBe(500n * USDC);
    expect(s.deposits.get(OWNER_B)).toEqual({ pendingAssets: 500n * USDC, claimableAssets: 0n, claimableShares: 0n });
  });

  it('a settlement brings the assets into NAV and mints shares held for the controller; the claim moves them to the receiver', () => {
    const s = requested();
    apply(s, [ev(3, { kind: 'deposit_settle', owner: OWNER_B, assets: 300n * USDC, shares: 300n * SHARE })]);
    expect(s.totalAssets).toBe(1300n * USDC);
    expect(s.totalShares).toBe(1300n * SHARE);
    expect(freeSharesOf(s)).toBe(1000n * SHARE); // the minted shares are not a holder's yet
    expect(holdingOf(s, 'deposit_requests', 'USDC')).toBe(200n * USDC);
    apply(s, [ev(4, { kind: 'deposit', owner: OWNER_A, controller: OWNER_B, assets: 100n * USDC, shares: 100n * SHARE })]);
    expect(s.shareBalances.get(OWNER_A)).toBe(1100n * SHARE);
    expect(s.totalShares).toBe(1300n * SHARE);
    expect(s.totalAssets).toBe(1300n * USDC);
    expect(s.deposits.get(OWNER_B)).toEqual({ pendingAssets: 200n * USDC, claimableAssets: 200n * USDC, claimableShares: 200n * SHARE });
    apply(s, [ev(5, { kind: 'deposit_settle', owner: OWNER_B, assets: 200n * USDC, shares: 200n * SHARE }), ev(6, { kind: 'deposit', owner: OWNER_B, controller: OWNER_B, assets: 400n * USDC, shares: 400n * SHARE })]);
    expect(s.deposits.has(OWNER_B)).toBe(false);
    expect(freeSharesOf(s)).toBe(1500n * SHARE);
  });

  it('refuses, leaving the books as they were: settling more than requested, claiming without or beyond a settlement, touching the requests by hand', () => {
    const s = requested();
    apply(s, [ev(3, { kind: 'deposit_settle', owner: OWNER_B, assets: 100n * USDC, shares: 100n * SHARE })]);
    const before = cloneTreasury(s);
    const cases: [LedgerEvent, RegExp][] = [
      [ev(4, { kind: 'deposit_settle', owner: OWNER_B, assets: 401n * USDC, shares: 1n }), /^assets: settles 401000000 but .* has 400000000 requested/],
      [ev(4, { kind: 'deposit_settle', owner: OWNER_A, assets: 1n, shares: 1n }), /^assets: settles 1 but .* has 0 requested/],
      [ev(4, { kind: 'deposit_request', owner: OWNER_A, assets: 0n }), /^assets: must be > 0/],
      [ev(4, { kind: 'deposit', owner: OWNER_A, controller: OWNER_A, assets: 1n, shares: 1n }), /^controller: .* has no settled deposit to claim/],
      [ev(4, { kind: 'deposit', owner: OWNER_A, controller: OWNER_B, assets: 1n, shares: 101n * SHARE }), /^shares: claims .* but .* has 100000000000000000000 settled/],
      [ev(4, { kind: 'deposit', owner: OWNER_A, controller: OWNER_B, assets: 101n * USDC, shares: 1n }), /^assets: claims 101000000 but .* settled 100000000/],
      [ev(4, { kind: 'correction', asset: 'USDC', quantity: -1n, reason: 'x', position: 'deposit_requests' }), /^position: "deposit_requests" is kept by the ledger itself/],
      [ev(4, { kind: 'redeem_request', owner: OWNER_A, shares: 1000n * SHARE + 1n }), /^shares: locks .* only 1000000000000000000000 are outstanding/],
    ];
    for (const [event, message] of cases) {
      expect(() => apply(s, [event])).toThrow(message);
      expect(s).toEqual(before);
    }
  });

  it('feed lines of the new kinds parse and print back the same', () => {
    for (const e of [
      ev(1, { kind: 'deposit_request', owner: OWNER_B, assets: 5n }),
      ev(2, { kind: 'deposit_settle', owner: OWNER_B, assets: 5n, shares: 7n }),
      ev(3, { kind: 'deposit', owner: OWNER_A, controller: OWNER_B, assets: 5n, shares: 7n }),
    ]) {
      const line = formatFeedLine(e);
      expect(formatFeedLine(parseFeedLine(line, 1).event)).toBe(line);
    }
    expect(() => parseFeedLine(formatFeedLine(ev(1, { kind: 'deposit_request', owner: OWNER_B, assets: 5n })).replace('"assets"', '"shares"'), 4)).toThrow(/line 4/);
  });
});
