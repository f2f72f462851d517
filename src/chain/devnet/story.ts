/**
 * A seeded story of vault activity on a devnet, for tests, the demo and the benchmark: holders
 * deposit, transfer shares, donate assets (raising the share price), and — on the plain
 * ERC-4626 vault — withdraw and redeem, or — on the ERC-7540 vault — request redemptions
 * that the settler settles and the holders claim; on the fully asynchronous vault deposits are
 * requested, settled and claimed the same way. Every operation is one transaction that is
 * valid by construction (amounts chosen from the chain's current balances).
 */
import type { Abi, Address } from 'viem';
import { Rng } from '../../core/rng.ts';
import { ERC20_ABI, ERC4626_ABI, ERC7540_ABI, ERC7540_CLAIM_ABI } from '../abi.ts';
import { send, type Devnet } from './deploy.ts';

/** Operation kinds a story may play. */
export type StoryOperation = 'deposit' | 'withdraw' | 'redeem' | 'transfer' | 'donate' | 'request' | 'settle' | 'claim' | 'requestDeposit' | 'settleDeposit' | 'claimDeposit';

/**
 * What to play.
 *
 * @example await playStory(devnet, { seed: 7, operations: 200, token, vault: vault7540, async: true, holders: devnet.accounts.slice(1, 6), settler: devnet.accounts[0] })
 */
export interface StoryOptions {
  seed: number;
  operations: number;
  token: Address;
  vault: Address;
  /** The vault is the ERC-7540 async-redeem one (requests, settlements, claims instead of withdraw/redeem). */
  async: boolean;
  /** The vault also takes deposits asynchronously (AsyncVault: deposit requests, settlements and claims instead of deposits). */
  asyncDeposit?: boolean;
  holders: readonly Address[];
  /** Settles async redemptions (the async vault's settler). */
  settler: Address;
}

/**
 * Operations played, by kind.
 *
 * @example (await playStory(devnet, opts)).deposit // 61
 */
export type StoryCounts = Record<StoryOperation, number>;

const TOKEN_ABI = [...ERC20_ABI, ...(['function mint(address to, uint256 amount)', 'function approve(address spender, uint256 amount) returns (bool)', 'function transfer(address to, uint256 amount) returns (bool)'].map(parse))] as unknown as Abi;
const VAULT_ABI = [...ERC4626_ABI, ...ERC7540_ABI] as unknown as Abi;
const CLAIM_ABI = ERC7540_CLAIM_ABI as unknown as Abi;

function parse(signature: string): unknown {
  const m = /^function (\w+)\(([^)]*)\)(?: returns \(([^)]*)\))?$/.exec(signature);
  if (m === null) throw new Error(signature);
  const params = (text: string | undefined): { type: string; name: string }[] =>
    (text ?? '').split(',').filter((p) => p.trim() !== '').map((p) => {
      const [type, name] = p.trim().split(/\s+/);
      return { type, name: name ?? '' };
    });
  return { type: 'function', name: m[1], inputs: params(m[2]), outputs: params(m[3]), stateMutability: 'nonpayable' };
}

/** USDC base units: 1 USDC. */
const ONE = 1_000_000n;

/** Weights of each operation kind, by vault kind. */
const WEIGHTS: Record<'sync' | 'async' | 'fullAsync', [StoryOperation, number][]> = {
  sync: [['deposit', 35], ['withdraw', 15], ['redeem', 15], ['transfer', 20], ['donate', 15]],
  async: [['deposit', 30], ['transfer', 12], ['donate', 8], ['request', 18], ['settle', 15], ['claim', 17]],
  fullAsync: [['requestDeposit', 20], ['settleDeposit', 14], ['claimDeposit', 14], ['transfer', 10], ['donate', 6], ['request', 13], ['settle', 11], ['claim', 12]],
};

function pick(rng: Rng, weights: [StoryOperation, number][]): StoryOperation {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let x = rng.int(total);
  for (const [op, w] of weights) {
    if (x < w) return op;
    x -= w;
  }
  return weights[0][0];
}

/** A random amount in 1..max (bigint), or 0 when max is 0. */
function upTo(rng: Rng, max: bigint): bigint {
  if (max <= 0n) return 0n;
  const fraction = BigInt(rng.int(1_000_000) + 1);
  const amount = (max * fraction) / 1_000_000n;
  return amount > 0n ? amount : 1n;
}

/**
 * Mints test USDC to every holder and approves the vault: run once before {@link playStory}.
 *
 * @example await fundHolders(devnet, token, vault, holders)
 */
export async function fundHolders(devnet: Devnet, token: Address, vault: Address, holders: readonly Address[], amount = 10_000_000n * ONE): Promise<void> {
  for (const holder of holders) {
    await send(devnet, holder, token, TOKEN_ABI, 'mint', [holder, amount]);
    await send(devnet, holder, token, TOKEN_ABI, 'approve', [vault, 2n ** 256n - 1n]);
  }
}

async function read(devnet: Devnet, address: Address, functionName: string, args: readonly unknown[] = []): Promise<bigint> {
  return (await devnet.publicClient.readContract({ address, abi: VAULT_ABI, functionName, args })) as bigint;
}

/**
 * Plays `operations` seeded operations (funding the holders first) and returns how many of
 * each kind were played. An operation that is impossible at that moment (nothing to redeem)
 * becomes a deposit.
 *
 * @example const counts = await playStory(devnet, { seed: 1, operations: 200, token, vault, async: true, holders, settler });
 */
export async function playStory(devnet: Devnet, opts: StoryOptions): Promise<StoryCounts> {
  const rng = Rng.fromSeed(opts.seed);
  const counts: StoryCounts = { deposit: 0, withdraw: 0, redeem: 0, transfer: 0, donate: 0, request: 0, settle: 0, claim: 0, requestDeposit: 0, settleDeposit: 0, claimDeposit: 0 };
  await fundHolders(devnet, opts.token, opts.vault, opts.holders);
  const { holders, vault } = opts;
  const fallback: StoryOperation = opts.asyncDeposit === true ? 'requestDeposit' : 'deposit';
  for (let i = 0; i < opts.operations; i++) {
    const holder = holders[rng.int(holders.length)];
    let op = pick(rng, WEIGHTS[opts.asyncDeposit === true ? 'fullAsync' : opts.async ? 'async' : 'sync']);
    const shares = await read(devnet, vault, 'balanceOf', [holder]);
    if (['withdraw', 'redeem', 'transfer', 'request'].includes(op) && shares === 0n) op = fallback;
    if (op === 'settle' && (await read(devnet, vault, 'pendingRedeemRequest', [0n, holder])) === 0n) op = fallback;
    if (op === 'claim' && (await read(devnet, vault, 'claimableRedeemRequest', [0n, holder])) === 0n) op = fallback;
    if (op === 'settleDeposit' && (await read(devnet, vault, 'pendingDepositRequest', [0n, holder])) === 0n) op = fallback;
    if (op === 'claimDeposit' && (await read(devnet, vault, 'claimableDepositRequest', [0n, holder])) === 0n) op = fallback;
    if (op === 'donate' && (await read(devnet, vault, 'totalSupply')) === 0n) op = fallback;
    switch (op) {
      case 'deposit':
        await send(devnet, holder, vault, VAULT_ABI, 'deposit', [upTo(rng, 20_000n * ONE) + ONE, holder]);
        break;
      case 'requestDeposit':
        await send(devnet, holder, vault, VAULT_ABI, 'requestDeposit', [upTo(rng, 20_000n * ONE) + ONE, holder, holder]);
        break;
      case 'settleDeposit': {
        const pending = await read(devnet, vault, 'pendingDepositRequest', [0n, holder]);
        await send(devnet, opts.settler, vault, VAULT_ABI, 'settleDeposit', [holder, rng.int(2) === 0 ? pending : upTo(rng, pending)]);
        break;
      }
      case 'claimDeposit': {
        const claimable = await read(devnet, vault, 'claimableDepositRequest', [0n, holder]);
        const receiver = rng.int(4) === 0 ? holders[rng.int(holders.length)] : holder;
        if (rng.int(2) === 0) await send(devnet, holder, vault, CLAIM_ABI, 'deposit', [rng.int(2) === 0 ? claimable : upTo(rng, claimable), receiver, holder]);
        else {
          const shares = await read(devnet, vault, 'maxMint', [holder]);
          await send(devnet, holder, vault, CLAIM_ABI, 'mint', [rng.int(2) === 0 ? shares : upTo(rng, shares), receiver, holder]);
        }
        break;
      }
      case 'withdraw': {
        const max = await read(devnet, vault, 'maxWithdraw', [holder]);
        if (max === 0n) {
          op = 'redeem';
          await send(devnet, holder, vault, VAULT_ABI, 'redeem', [shares, holder, holder]);
        } else await send(devnet, holder, vault, VAULT_ABI, 'withdraw', [upTo(rng, max), holder, holder]);
        break;
      }
      case 'redeem':
        await send(devnet, holder, vault, VAULT_ABI, 'redeem', [rng.int(4) === 0 ? shares : upTo(rng, shares), holder, holder]);
        break;
      case 'transfer': {
        const others = holders.filter((h) => h !== holder);
        await send(devnet, holder, vault, VAULT_ABI, 'transfer', [others[rng.int(others.length)], upTo(rng, shares)]);
        break;
      }
      case 'donate': {
        const assets = await read(devnet, vault, 'totalAssets');
        await send(devnet, holder, opts.token, TOKEN_ABI, 'transfer', [vault, upTo(rng, assets / 50n) + 1n]);
        break;
      }
      case 'request':
        await send(devnet, holder, vault, VAULT_ABI, 'requestRedeem', [rng.int(4) === 0 ? shares : upTo(rng, shares), holder, holder]);
        break;
      case 'settle': {
        const pending = await read(devnet, vault, 'pendingRedeemRequest', [0n, holder]);
        await send(devnet, opts.settler, vault, VAULT_ABI, 'settleRedeem', [holder, rng.int(2) === 0 ? pending : upTo(rng, pending)]);
        break;
      }
      case 'claim': {
        if (rng.int(2) === 0) {
          const claimable = await read(devnet, vault, 'claimableRedeemRequest', [0n, holder]);
          await send(devnet, holder, vault, VAULT_ABI, 'redeem', [rng.int(2) === 0 ? claimable : upTo(rng, claimable), holder, holder]);
        } else {
          const assets = await read(devnet, vault, 'maxWithdraw', [holder]);
          await send(devnet, holder, vault, VAULT_ABI, 'withdraw', [rng.int(2) === 0 ? assets : upTo(rng, assets), holder, holder]);
        }
        break;
      }
    }
    counts[op]++;
  }
  return counts;
}
