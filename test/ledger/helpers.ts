/** Builders of ledger events for the tests. */
import type { Deployment, EventBase, LedgerEvent } from '../../src/index.ts';

export const OWNER_A = '0x00000000000000000000000000000000000000aa';
export const OWNER_B = '0x00000000000000000000000000000000000000bb';
export const VAULT = '0x1111111111111111111111111111111111111111';

/** The common fields of the n-th event: block n, log 0, a tx hash derived from n, 12 s per block. */
export function base(n: number, logIndex = 0): EventBase {
  return {
    chainId: 1,
    blockNumber: n,
    txHash: `0x${n.toString(16).padStart(64, '0')}`,
    logIndex,
    timestamp: new Date(Date.UTC(2024, 0, 1) + n * 12_000).toISOString(),
  };
}

type Without<T> = T extends unknown ? Omit<T, keyof EventBase> : never;

/** An event at block n. */
export function ev(n: number, fields: Without<LedgerEvent>, logIndex = 0): LedgerEvent {
  return { ...base(n, logIndex), ...fields } as LedgerEvent;
}

/** The deployment the tests keep books for (USDC, 18-decimal shares, chain 1). */
export const DEPLOYMENT: Deployment = {
  chainId: 1,
  address: VAULT,
  deploymentBlock: 0,
  txHash: null,
  blockTime: null,
  name: 'Capflow USD',
  symbol: 'cfUSD',
  assetSymbol: 'USDC',
  assetDecimals: 6,
  shareDecimals: 18,
  initialisedAt: '2024-01-01T00:00:00.000Z',
};
