/**
 * Log scanning in block ranges that adapt to the node: a range the node refuses (too many
 * logs, a block-range limit) is halved and tried again; after a success the next range
 * doubles, up to a maximum.
 */
import { numberToHex, type Address, type Hex } from 'viem';
import { RpcError, isRangeTooLarge, withRetry, type ChainClient } from './client.ts';

/**
 * One `eth_getLogs` filter: an address and optional topics (null = any).
 *
 * @example const q: LogQuery = { address: vault };
 */
export interface LogQuery {
  address: Address;
  topics?: (Hex | null)[];
}

/**
 * A log as the node returns it, with numbers decoded.
 *
 * @example log.blockNumber // 120
 */
export interface ChainLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: number;
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: number;
}

/**
 * The adaptive range: the size the next read tries and its ceiling.
 *
 * @example const window: RangeWindow = { size: 2000, max: 2000 };
 */
export interface RangeWindow {
  size: number;
  max: number;
}

/** Default ceiling of a log range, in blocks. */
export const DEFAULT_MAX_RANGE = 5_000;

interface RpcLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: Hex;
  removed?: boolean;
}

function decode(log: RpcLog): ChainLog {
  return {
    address: log.address.toLowerCase() as Address,
    topics: log.topics,
    data: log.data,
    blockNumber: Number(log.blockNumber),
    blockHash: log.blockHash.toLowerCase() as Hex,
    transactionHash: log.transactionHash.toLowerCase() as Hex,
    logIndex: Number(log.logIndex),
  };
}

/**
 * The logs of every query in blocks `fromBlock..(≤ toBlock)`: reads as many blocks as
 * `window.size` allows, halving it while the node refuses the range (an {@link RpcError}
 * when a single block is refused) and doubling it (up to `window.max`) after a success.
 * Logs are in chain order, each once.
 *
 * @example const { toBlock, logs } = await readLogsAdaptive(chain, [{ address: vault }], 0, head, window);
 */
export async function readLogsAdaptive(chain: ChainClient, queries: readonly LogQuery[], fromBlock: number, toBlock: number, window: RangeWindow): Promise<{ toBlock: number; logs: ChainLog[] }> {
  for (;;) {
    const end = Math.min(toBlock, fromBlock + Math.max(1, Math.floor(window.size)) - 1);
    try {
      const results = await Promise.all(
        queries.map((q) =>
          withRetry(chain, `eth_getLogs blocks ${fromBlock}..${end}`, () =>
            chain.client.request({
              method: 'eth_getLogs',
              params: [{ address: q.address, topics: q.topics, fromBlock: numberToHex(fromBlock), toBlock: numberToHex(end) }],
            }) as Promise<RpcLog[]>,
          ),
        ),
      );
      window.size = Math.min(window.max, Math.max(1, window.size) * 2);
      return { toBlock: end, logs: mergeLogs(results.map((r) => r.filter((l) => l.removed !== true).map(decode))) };
    } catch (e) {
      if (!(e instanceof RpcError) || !isRangeTooLarge(e.cause) || end === fromBlock) throw e;
      window.size = Math.max(1, Math.floor((end - fromBlock + 1) / 2));
    }
  }
}

/**
 * Logs of several queries in chain order (block, then log index), each log once.
 *
 * @example mergeLogs([vaultLogs, assetLogs])
 */
export function mergeLogs(lists: readonly ChainLog[][]): ChainLog[] {
  const seen = new Set<string>();
  const out: ChainLog[] = [];
  for (const list of lists) {
    for (const log of list) {
      const key = `${log.transactionHash}:${log.logIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(log);
    }
  }
  return out.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}
