import { describe, expect, it } from 'vitest';
import { runCliJson } from '../helpers/cli.ts';

describe('capflow chain demo', () => {
  it('starts anvil, deploys the three vaults, plays a day, and prints books equal to the chain', () => {
    const r = runCliJson(['chain', 'demo', '--operations', '30', '--seed', '4']);
    expect(r.code).toBe(0);
    expect(r.json.books).toHaveLength(3);
    for (const book of r.json.books) {
      expect(book.verify.equal).toBe(true);
      expect(book.applied).toBeGreaterThanOrEqual(30);
      expect(BigInt(book.summary.totalShares)).toBeGreaterThan(0n);
    }
    expect(r.json.books.map((b: { erc7540: boolean }) => b.erc7540)).toEqual([false, true, true]);
    expect(r.json.books[2].played.requestDeposit).toBeGreaterThan(0);
    expect(r.json.books[2].summary.counts.deposit_request).toBe(r.json.books[2].played.requestDeposit);
  });
});
