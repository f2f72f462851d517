/**
 * viem clients for capflow's reads, and retries with backoff around every RPC call: a
 * timeout, a rate limit or a node that is behind is retried; what still fails is reported
 * with what was asked (the block range) and the node's own message, never with the RPC URL's
 * credentials.
 */
import { createPublicClient, http, type PublicClient } from 'viem';
import { UserError } from '../core/errors.ts';
import { redactRpcUrl } from './rpcUrl.ts';

/**
 * A read client and how to name its node in messages.
 *
 * @example const chain = createChainClient('http://127.0.0.1:8545'); await chain.client.getBlockNumber();
 */
export interface ChainClient {
  client: PublicClient;
  /** The RPC URL without credentials. */
  name: string;
  retry: RetryOptions;
}

/**
 * How RPC calls are retried.
 *
 * @example const retry: RetryOptions = { attempts: 4, baseDelayMs: 200, timeoutMs: 10_000 };
 */
export interface RetryOptions {
  /** Tries in all (default 4). */
  attempts: number;
  /** First backoff; doubled each retry, with ±25% jitter (default 250 ms). */
  baseDelayMs: number;
  /** Per request (default 20 s). */
  timeoutMs: number;
}

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 250, timeoutMs: 20_000 };

/**
 * A public client on `rpcUrl` with JSON-RPC batching (many reads in one HTTP request) and
 * viem's own retries off (capflow's {@link withRetry} reports the range and the node's message).
 *
 * @example const chain = createChainClient(rpcUrl, { attempts: 2 });
 */
export function createChainClient(rpcUrl: string, retry: Partial<RetryOptions> = {}): ChainClient {
  const options = { ...DEFAULT_RETRY, ...retry };
  const client = createPublicClient({
    transport: http(rpcUrl, { batch: { batchSize: 200, wait: 0 }, retryCount: 0, timeout: options.timeoutMs }),
  });
  return { client, name: redactRpcUrl(rpcUrl), retry: options };
}

/** The node's message from a viem error (its shortest useful line), without any URL. */
export function nodeMessage(e: unknown): string {
  const err = e as { shortMessage?: string; details?: string; message?: string; cause?: unknown };
  const text = err.details && err.details !== err.shortMessage ? `${err.shortMessage ?? ''}: ${err.details}` : (err.shortMessage ?? err.message ?? String(e));
  return text.replace(/https?:\/\/\S+/g, '<rpc>').split('\n')[0].trim();
}

/** True for errors worth another try: transport failures, timeouts, rate limits, a node that is behind. */
export function isTransient(e: unknown): boolean {
  const text = `${(e as { name?: string }).name ?? ''} ${nodeMessage(e)} ${(e as { details?: string }).details ?? ''}`.toLowerCase();
  if (/revert|execution reverted|invalid params|method not found/.test(text) && !/header not found|unknown block/.test(text)) return false;
  return /timeout|timed out|rate|429|too many requests|busy|unavailable|econnreset|econnrefused|socket|fetch failed|httprequesterror|header not found|unknown block|behind|503|502|504/.test(text);
}

/** True when the node refuses a log range as too large (too many results, block range limit). */
export function isRangeTooLarge(e: unknown): boolean {
  const text = `${nodeMessage(e)} ${(e as { details?: string }).details ?? ''}`.toLowerCase();
  return /range|too many|limit|exceed|too large|more than|query returned/.test(text) && !/rate limit/.test(text);
}

/**
 * Runs `call`, retrying transient failures with exponential backoff; the final failure is a
 * {@link RpcError} naming `what` (e.g. `eth_getLogs blocks 100..199`) and the node's message.
 *
 * @example const logs = await withRetry(chain, 'eth_getLogs blocks 0..99', () => chain.client.getLogs({ … }));
 */
export async function withRetry<T>(chain: Pick<ChainClient, 'name' | 'retry'>, what: string, call: () => Promise<T>): Promise<T> {
  let delay = chain.retry.baseDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (e instanceof UserError) throw e;
      if (attempt >= chain.retry.attempts || !isTransient(e)) throw new RpcError(what, chain.name, e);
      await new Promise((r) => setTimeout(r, delay * (0.75 + Math.random() * 0.5)));
      delay *= 2;
    }
  }
}

/**
 * An RPC call that failed after its retries: what was asked, of which node (without
 * credentials), and the node's message. A {@link UserError} of `--rpc` (exit 2): the node
 * given cannot serve the request; nothing was written.
 *
 * @example if (e instanceof RpcError) console.error(e.message)
 */
export class RpcError extends UserError {
  readonly what: string;
  readonly node: string;
  readonly nodeText: string;
  constructor(what: string, node: string, cause: unknown) {
    const text = nodeMessage(cause);
    super({ field: '--rpc', value: node, message: `${what} failed at ${node}: ${text}`, hint: 'check the node (is it up, synced, and does it serve this block range?), then run again', cause });
    this.name = 'RpcError';
    this.what = what;
    this.node = node;
    this.nodeText = text;
  }
}
