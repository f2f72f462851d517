/**
 * Sending a batch: simulate every transaction in order on the pending block (one
 * `eth_simulateV1` call, so an approval is seen by the deposit after it), then send them one
 * by one, waiting for each receipt, and stop at the first failure.
 */
import type { Account, Address, Hash, Hex, PublicClient, WalletClient } from 'viem';
import { rpcErrorText } from './venues/read.ts';

/**
 * A transaction to send (from a batch): target, value in wei, calldata, and a label for reports.
 *
 * @example const t: OutgoingTx = { to: pool, value: 0n, data: '0x…', label: 'aave: supply' };
 */
export interface OutgoingTx {
  to: Address;
  value: bigint;
  data: Hex;
  label: string;
}

/**
 * One transaction's simulated outcome.
 *
 * @example const s: SimulatedTx = { index: 0, label: 'approve', ok: true, gasUsed: 46_000n, error: null };
 */
export interface SimulatedTx {
  index: number;
  label: string;
  ok: boolean;
  gasUsed: bigint;
  error: string | null;
}

/**
 * Simulates `txs` in order from `from` on top of the pending block.
 *
 * @example const sims = await simulateBatch(client, holder, txs); sims.every((s) => s.ok)
 */
export async function simulateBatch(client: PublicClient, from: Address, txs: readonly OutgoingTx[]): Promise<SimulatedTx[]> {
  const { results } = await client.simulateCalls({ account: from, blockTag: 'pending', calls: txs.map((t) => ({ to: t.to, data: t.data, value: t.value })) });
  return results.map((r, index) => ({
    index,
    label: txs[index].label,
    ok: r.status === 'success',
    gasUsed: r.gasUsed,
    error: r.status === 'success' ? null : rpcErrorText(r.error),
  }));
}

/**
 * One transaction's fate when sending: mined (`success` / `reverted`), `failed` to send, or
 * `not sent` after an earlier failure.
 *
 * @example const s: SentTx = { index: 0, label: 'approve', status: 'success', hash: '0x…', blockNumber: 12n, gasUsed: 46_000n, error: null };
 */
export interface SentTx {
  index: number;
  label: string;
  status: 'success' | 'reverted' | 'failed' | 'not sent';
  hash: Hash | null;
  blockNumber: bigint | null;
  gasUsed: bigint | null;
  error: string | null;
}

/**
 * A gas limit with 50 % headroom over an estimate: a lending reserve that accrues interest in
 * the block a transaction lands in needs more gas than an estimate made in the same second as
 * its last update.
 *
 * @example gasWithHeadroom(100_000n) // 150_000n
 */
export function gasWithHeadroom(estimate: bigint): bigint {
  return (estimate * 3n) / 2n;
}

/**
 * Sends `txs` in order from the wallet's account, each after the previous one's receipt has
 * `confirmations` confirmations; after the first failure the rest are reported `not sent`.
 * `onMined` runs after each successful receipt, before the next transaction is sent (an error
 * it throws stops the batch and propagates).
 *
 * @example const sent = await sendBatch(wallet, client, txs, 1); sent.every((s) => s.status === 'success')
 */
export async function sendBatch(
  wallet: WalletClient & { account: Account },
  client: PublicClient,
  txs: readonly OutgoingTx[],
  confirmations: number,
  onMined?: (sent: SentTx) => Promise<void>,
): Promise<SentTx[]> {
  const out: SentTx[] = [];
  let stopped = false;
  for (const [index, t] of txs.entries()) {
    const base = { index, label: t.label };
    if (stopped) {
      out.push({ ...base, status: 'not sent', hash: null, blockNumber: null, gasUsed: null, error: null });
      continue;
    }
    let hash: Hash | null = null;
    try {
      const gas = gasWithHeadroom(await client.estimateGas({ account: wallet.account, to: t.to, data: t.data, value: t.value }));
      hash = await wallet.sendTransaction({ account: wallet.account, chain: wallet.chain ?? null, to: t.to, data: t.data, value: t.value, gas });
      const receipt = await client.waitForTransactionReceipt({ hash, confirmations });
      const ok = receipt.status === 'success';
      out.push({ ...base, status: ok ? 'success' : 'reverted', hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, error: ok ? null : 'reverted on chain' });
      stopped = !ok;
    } catch (e) {
      out.push({ ...base, status: 'failed', hash, blockNumber: null, gasUsed: null, error: rpcErrorText(e) });
      stopped = true;
    }
    const last = out[out.length - 1];
    if (onMined !== undefined && last.status === 'success') await onMined(last);
  }
  return out;
}
