/**
 * Reads of a vault and its chain: metadata, the deployment block (bisecting on
 * `eth_getCode`), block headers, and state at a given block (`eth_call` with a block number,
 * many calls per HTTP request through JSON-RPC batching). Every call goes through
 * {@link withRetry}.
 */
import { getAddress, type Address, type Hex } from 'viem';
import { UserError } from '../core/errors.ts';
import { ERC20_ABI, ERC4626_ABI, ERC7540_ABI, ERC7540_DEPOSIT_INTERFACE_ID, ERC7540_REDEEM_INTERFACE_ID } from './abi.ts';
import { RpcError, withRetry, type ChainClient } from './client.ts';

/**
 * What `treasury init` records about a vault.
 *
 * @example const meta: VaultMetadata = await readVaultMetadata(chain, '0x…');
 */
export interface VaultMetadata {
  chainId: number;
  /** Vault (share token) address, lower-case. */
  address: Address;
  name: string;
  symbol: string;
  shareDecimals: number;
  /** The vault asset, lower-case. */
  asset: Address;
  assetSymbol: string;
  assetDecimals: number;
  /** ERC-7540 asynchronous redemptions (ERC-165 says so). */
  asyncRedeem: boolean;
  /** ERC-7540 asynchronous deposits (ERC-165 says so). */
  asyncDeposit: boolean;
}

/**
 * A block's number, hash and time.
 *
 * @example const head = await readBlock(chain, 'latest');
 */
export interface BlockRef {
  number: number;
  hash: Hex;
  /** ISO-8601 UTC. */
  timestamp: string;
}

/**
 * The chain id.
 *
 * @example await readChainId(chain) // 31337
 */
export async function readChainId(chain: ChainClient): Promise<number> {
  return withRetry(chain, 'eth_chainId', () => chain.client.getChainId());
}

/**
 * The latest block number.
 *
 * @example await readHead(chain) // 1234
 */
export async function readHead(chain: ChainClient): Promise<number> {
  return Number(await withRetry(chain, 'eth_blockNumber', () => chain.client.getBlockNumber({ cacheTime: 0 })));
}

/**
 * A block's number, hash and time; a {@link UserError} of `field` when it does not exist.
 *
 * @example await readBlock(chain, 100)
 */
export async function readBlock(chain: ChainClient, block: number | 'latest', field = '--to-block'): Promise<BlockRef> {
  const what = `eth_getBlockByNumber ${block}`;
  try {
    const b = await withRetry(chain, what, () => (block === 'latest' ? chain.client.getBlock({ blockTag: 'latest' }) : chain.client.getBlock({ blockNumber: BigInt(block) })));
    return { number: Number(b.number), hash: b.hash as Hex, timestamp: new Date(Number(b.timestamp) * 1000).toISOString() };
  } catch (e) {
    if (e instanceof RpcError && /not found|could not be found/i.test(e.nodeText)) throw new UserError({ field, value: block, message: `block ${block} does not exist on the chain`, hint: 'the node is behind, or the block is beyond its head' });
    throw e;
  }
}

/**
 * Blocks by number, read together (one HTTP request per 200 through batching).
 *
 * @example const blocks = await readBlocks(chain, [100, 105]); blocks.get(100)?.hash
 */
export async function readBlocks(chain: ChainClient, numbers: Iterable<number>): Promise<Map<number, BlockRef>> {
  const unique = [...new Set(numbers)];
  const refs = await Promise.all(unique.map((n) => readBlock(chain, n, 'block')));
  return new Map(refs.map((r) => [r.number, r]));
}

async function hasCode(chain: ChainClient, address: Address, block?: number): Promise<boolean> {
  const code = await withRetry(chain, `eth_getCode ${address}${block === undefined ? '' : ` at block ${block}`}`, () =>
    chain.client.getCode(block === undefined ? { address } : { address, blockNumber: BigInt(block) }),
  );
  return code !== undefined && code !== '0x';
}

/**
 * The vault's metadata, checking that `address` holds an ERC-4626 vault: no code there, or a
 * contract without `asset()`/`totalAssets()`, is a {@link UserError} of `field`.
 *
 * @example const meta = await readVaultMetadata(chain, '0x9fe4…', '--vault');
 */
export async function readVaultMetadata(chain: ChainClient, address: string, field = '--vault'): Promise<VaultMetadata> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new UserError({ field, value: address, message: 'must be 0x + 40 hex digits' });
  const vault = address.toLowerCase() as Address;
  const chainId = await readChainId(chain);
  if (!(await hasCode(chain, vault))) throw new UserError({ field, value: vault, message: `no contract at ${vault} on chain ${chainId}`, hint: 'check the address and the network of --rpc' });
  const call = async <T>(target: Address, abi: readonly unknown[], functionName: string, what: string): Promise<T> => {
    try {
      return (await withRetry(chain, `${functionName}() of ${target}`, () => chain.client.readContract({ address: target, abi: abi as typeof ERC4626_ABI, functionName: functionName as 'name' }))) as T;
    } catch (e) {
      if (e instanceof RpcError && !/revert|returned no data|decode|zero data/i.test(e.nodeText)) throw e;
      throw new UserError({ field, value: vault, message: `${vault} is not ${what}: ${functionName}() failed`, hint: 'pass the address of an ERC-4626 vault' });
    }
  };
  const asset = ((await call<string>(vault, ERC4626_ABI, 'asset', 'an ERC-4626 vault')).toLowerCase()) as Address;
  await call<bigint>(vault, ERC4626_ABI, 'totalAssets', 'an ERC-4626 vault');
  const [name, symbol, shareDecimals, assetSymbol, assetDecimals] = await Promise.all([
    call<string>(vault, ERC20_ABI, 'name', 'an ERC-20 share token'),
    call<string>(vault, ERC20_ABI, 'symbol', 'an ERC-20 share token'),
    call<number>(vault, ERC20_ABI, 'decimals', 'an ERC-20 share token'),
    call<string>(asset, ERC20_ABI, 'symbol', 'a vault with an ERC-20 asset'),
    call<number>(asset, ERC20_ABI, 'decimals', 'a vault with an ERC-20 asset'),
  ]);
  const supports = async (interfaceId: `0x${string}`): Promise<boolean> => {
    try {
      return (await chain.client.readContract({ address: vault, abi: ERC7540_ABI, functionName: 'supportsInterface', args: [interfaceId] })) === true;
    } catch {
      return false; // no ERC-165: a plain ERC-4626 vault
    }
  };
  const [asyncRedeem, asyncDeposit] = await Promise.all([supports(ERC7540_REDEEM_INTERFACE_ID), supports(ERC7540_DEPOSIT_INTERFACE_ID)]);
  return { chainId, address: vault, name, symbol, shareDecimals: Number(shareDecimals), asset, assetSymbol, assetDecimals: Number(assetDecimals), asyncRedeem, asyncDeposit };
}

/**
 * The first block at which `address` has code, by bisection on `eth_getCode` between 0 and
 * `head` (needs a node that serves old state; pass `--from-block` otherwise).
 *
 * @example await findDeploymentBlock(chain, vault, await readHead(chain)) // 3
 */
export async function findDeploymentBlock(chain: ChainClient, address: Address, head: number): Promise<number> {
  let lo = 0;
  let hi = head;
  if (!(await hasCode(chain, address, hi))) throw new UserError({ field: '--vault', value: address, message: `no contract at ${address} at block ${head}` });
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (await hasCode(chain, address, mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The vault's totals at a block.
 *
 * @example const { totalAssets, totalSupply } = await readTotalsAt(chain, vault, 120);
 */
export async function readTotalsAt(chain: ChainClient, vault: Address, block: number): Promise<{ totalAssets: bigint; totalSupply: bigint }> {
  const blockNumber = BigInt(block);
  const [totalAssets, totalSupply] = await Promise.all([
    withRetry(chain, `totalAssets() at block ${block}`, () => chain.client.readContract({ address: vault, abi: ERC4626_ABI, functionName: 'totalAssets', blockNumber })),
    withRetry(chain, `totalSupply() at block ${block}`, () => chain.client.readContract({ address: vault, abi: ERC4626_ABI, functionName: 'totalSupply', blockNumber })),
  ]);
  return { totalAssets, totalSupply };
}

/**
 * `totalAssets()` at many blocks (batched).
 *
 * @example const byBlock = await readTotalAssetsAt(chain, vault, [10, 11, 15]);
 */
export async function readTotalAssetsAt(chain: ChainClient, vault: Address, blocks: readonly number[]): Promise<Map<number, bigint>> {
  const values = await Promise.all(
    blocks.map((block) =>
      withRetry(chain, `totalAssets() at block ${block}`, () => chain.client.readContract({ address: vault, abi: ERC4626_ABI, functionName: 'totalAssets', blockNumber: BigInt(block) })),
    ),
  );
  return new Map(blocks.map((b, i) => [b, values[i]]));
}

/**
 * One holder at a block: share balance and, on an ERC-7540 vault, its pending and claimable
 * redemption (shares) and the claimable assets (`maxWithdraw`); on a vault with asynchronous
 * deposits, its pending and claimable deposit assets and the claimable shares (`maxMint`).
 *
 * @example const h: HolderState = { shares: 10n ** 21n, pendingShares: 0n, claimableShares: 0n, claimableAssets: 0n, pendingDepositAssets: 0n, claimableDepositAssets: 0n, claimableDepositShares: 0n };
 */
export interface HolderState {
  shares: bigint;
  pendingShares: bigint;
  claimableShares: bigint;
  claimableAssets: bigint;
  pendingDepositAssets: bigint;
  claimableDepositAssets: bigint;
  claimableDepositShares: bigint;
}

/**
 * Holders' states at a block (batched `eth_call`s); `asyncDeposit` adds the deposit requests.
 *
 * @example const states = await readHoldersAt(chain, vault, ['0x…'], 120, true);
 */
export async function readHoldersAt(chain: ChainClient, vault: Address, holders: readonly string[], block: number, asyncRedeem: boolean, asyncDeposit = false): Promise<Map<string, HolderState>> {
  const blockNumber = BigInt(block);
  const read = (functionName: string, args: readonly unknown[], holder: string): Promise<bigint> =>
    withRetry(chain, `${functionName}(${holder}) at block ${block}`, () =>
      chain.client.readContract({ address: vault, abi: [...ERC4626_ABI, ...ERC7540_ABI], functionName: functionName as 'balanceOf', args: args as [Address], blockNumber }),
    ) as Promise<bigint>;
  const rows = await Promise.all(
    holders.map(async (holder) => {
      const account = getAddress(holder);
      const zero = (): Promise<bigint> => Promise.resolve(0n);
      const [shares, pendingShares, claimableShares, claimableAssets, pendingDepositAssets, claimableDepositAssets, claimableDepositShares] = await Promise.all([
        read('balanceOf', [account], holder),
        asyncRedeem ? read('pendingRedeemRequest', [0n, account], holder) : zero(),
        asyncRedeem ? read('claimableRedeemRequest', [0n, account], holder) : zero(),
        asyncRedeem ? read('maxWithdraw', [account], holder) : zero(),
        asyncDeposit ? read('pendingDepositRequest', [0n, account], holder) : zero(),
        asyncDeposit ? read('claimableDepositRequest', [0n, account], holder) : zero(),
        asyncDeposit ? read('maxMint', [account], holder) : zero(),
      ]);
      return [holder, { shares, pendingShares, claimableShares, claimableAssets, pendingDepositAssets, claimableDepositAssets, claimableDepositShares }] as const;
    }),
  );
  return new Map(rows);
}
