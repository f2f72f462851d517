/**
 * Consistent reads for the live venue readers: every call at one block number, grouped in
 * one multicall (deployless: the Multicall3 code travels with the eth_call, so it works on
 * any chain, anvil included), and every failure turned into a {@link UserError} that names
 * the venue and the call.
 */
import type { Abi, Address, PublicClient } from 'viem';
import { UserError } from '../../core/errors.ts';

/**
 * Where and when a reader reads: the client, the block every call uses, and the config path
 * of the venue being read (named in errors, e.g. `venues.aave-usdc`).
 *
 * @example const ctx: ReadContext = { client, blockNumber: 19_000_000n, field: 'venues.aave-usdc' };
 */
export interface ReadContext {
  client: PublicClient;
  blockNumber: bigint;
  field: string;
}

/**
 * One view call: contract, ABI, function and arguments.
 *
 * @example const call: ViewCall = { address: vault, abi: ERC4626_ABI, functionName: 'totalAssets', args: [] };
 */
export interface ViewCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
}

/**
 * The first line of an RPC or contract error without the request URL (which may carry an
 * API key) or request body.
 *
 * @example rpcErrorText(new Error('HTTP request failed.\nURL: http://…')) // 'HTTP request failed.'
 */
export function rpcErrorText(e: unknown): string {
  const short = (e as { shortMessage?: unknown }).shortMessage;
  const text = typeof short === 'string' ? short : e instanceof Error ? e.message : String(e);
  return text.split('\n')[0].replace(/https?:\/\/\S+/g, '<rpc>');
}

/** A UserError for a read that failed at this venue. */
function readError(ctx: ReadContext, what: string, e: unknown): UserError {
  return new UserError({
    field: ctx.field,
    message: `reading ${what} at block ${ctx.blockNumber} failed: ${rpcErrorText(e)}`,
    hint: 'check the venue address, that it is the kind named, and that --rpc answers',
    cause: e,
  });
}

/**
 * Refuses an address without contract code at the read block.
 *
 * @example await requireCode(ctx, pool, 'pool')
 */
export async function requireCode(ctx: ReadContext, address: Address, what: string): Promise<void> {
  let code: string | undefined;
  try {
    code = await ctx.client.getCode({ address, blockNumber: ctx.blockNumber });
  } catch (e) {
    throw readError(ctx, `the code of ${what} ${address}`, e);
  }
  if (code === undefined || code === '0x') {
    throw new UserError({ field: ctx.field, value: address, message: `${what} ${address} has no contract code at block ${ctx.blockNumber}`, hint: 'check the address and that --rpc is the right chain' });
  }
}

/**
 * Runs `calls` in one multicall at the context's block and returns their results in order.
 * A reverted call or a failing RPC throws a UserError naming the venue and the function.
 *
 * @example const [totalAssets, supply] = await readAll(ctx, [call(vault, ERC4626_ABI, 'totalAssets'), call(vault, ERC4626_ABI, 'totalSupply')]);
 */
export async function readAll(ctx: ReadContext, calls: readonly ViewCall[]): Promise<unknown[]> {
  let results: { status: 'success' | 'failure'; result?: unknown; error?: unknown }[];
  try {
    results = (await ctx.client.multicall({ contracts: calls as never, blockNumber: ctx.blockNumber, allowFailure: true, deployless: true })) as typeof results;
  } catch (e) {
    throw readError(ctx, calls.map((c) => c.functionName).join(', '), e);
  }
  return results.map((r, i) => {
    if (r.status !== 'success') throw readError(ctx, `${calls[i].functionName} on ${calls[i].address}`, r.error);
    return r.result;
  });
}

/**
 * Shorthand for a {@link ViewCall}.
 *
 * @example call(asset, ERC20_ABI, 'balanceOf', [holder])
 */
export function call(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): ViewCall {
  return { address, abi, functionName, args };
}
