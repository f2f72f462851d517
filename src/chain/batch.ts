/**
 * Transactions that carry out a plan, in execution order (money out of venues first:
 * withdrawals, redemptions and redemption requests; then each deposit after its exact
 * approval), as a Safe Transaction Builder batch (`version`, `chainId`, `meta`,
 * `transactions`) that a multisig can import and that `capflow execute` can send.
 */
import { encodeFunctionData, type Abi, type AbiFunction, type Address, type Hex } from 'viem';
import { ERC20_ABI, ERC4626_ABI, ERC7540_ABI } from './abi.ts';
import { aavePoolAbi } from './venues/aaveAbi.ts';

/**
 * One venue operation in base units. `assets: maxUint256` on an Aave withdrawal takes the
 * whole position (the pool's own convention).
 *
 * @example const o: TradeOrder = { venue: 'aave', op: 'aave-supply', pool, asset, assets: 1_000_000n };
 */
export type TradeOrder = { venue: string } & (
  | { op: 'aave-supply' | 'aave-withdraw'; pool: Address; asset: Address; assets: bigint }
  | { op: 'vault-deposit'; vault: Address; asset: Address; assets: bigint }
  | { op: 'vault-withdraw'; vault: Address; assets: bigint }
  | { op: 'vault-redeem' | 'vault-request-redeem'; vault: Address; shares: bigint }
);

/**
 * One transaction of a Safe Transaction Builder batch: target, value, calldata and the
 * decoded method with its arguments (numbers as decimal strings), plus the capflow venue it serves.
 *
 * @example const t: BatchTransaction = batchTransactions(orders, holder)[0]; t.contractMethod.name // 'withdraw'
 */
export interface BatchTransaction {
  to: Address;
  value: string;
  data: Hex;
  contractMethod: { inputs: { internalType: string; name: string; type: string }[]; name: string; payable: boolean };
  contractInputsValues: Record<string, string>;
}

function tx(to: Address, abi: Abi, functionName: string, args: readonly unknown[]): BatchTransaction {
  const item = abi.find((x): x is AbiFunction => x.type === 'function' && x.name === functionName);
  if (item === undefined) throw new Error(`no function ${functionName} in the ABI`);
  const inputs = item.inputs.map((input, i) => ({ internalType: input.type, name: input.name ?? `arg${i}`, type: input.type }));
  const values = Object.fromEntries(inputs.map((input, i) => [input.name, String(args[i])]));
  const data = encodeFunctionData({ abi, functionName, args } as never);
  return { to, value: '0', data, contractMethod: { inputs, name: functionName, payable: false }, contractInputsValues: values };
}

function isOutflow(o: TradeOrder): boolean {
  return o.op !== 'aave-supply' && o.op !== 'vault-deposit';
}

/**
 * The transactions for `orders`, sent by `holder` (who receives withdrawals and owns the
 * positions): outflows in the given order, then approve + deposit per inflow (the approval
 * exactly the deposit).
 *
 * @example batchTransactions([{ venue: 'aave', op: 'aave-supply', pool, asset, assets: 5n }], holder).map((t) => t.contractMethod.name) // ['approve', 'supply']
 */
export function batchTransactions(orders: readonly TradeOrder[], holder: Address): BatchTransaction[] {
  const out: BatchTransaction[] = [];
  for (const o of orders.filter(isOutflow)) {
    if (o.op === 'aave-withdraw') out.push(tx(o.pool, aavePoolAbi, 'withdraw', [o.asset, o.assets, holder]));
    else if (o.op === 'vault-withdraw') out.push(tx(o.vault, ERC4626_ABI, 'withdraw', [o.assets, holder, holder]));
    else if (o.op === 'vault-redeem') out.push(tx(o.vault, ERC4626_ABI, 'redeem', [o.shares, holder, holder]));
    else if (o.op === 'vault-request-redeem') out.push(tx(o.vault, ERC7540_ABI, 'requestRedeem', [o.shares, holder, holder]));
  }
  for (const o of orders) {
    if (o.op === 'aave-supply') {
      out.push(tx(o.asset, ERC20_ABI, 'approve', [o.pool, o.assets]), tx(o.pool, aavePoolAbi, 'supply', [o.asset, o.assets, holder, 0]));
    } else if (o.op === 'vault-deposit') {
      out.push(tx(o.asset, ERC20_ABI, 'approve', [o.vault, o.assets]), tx(o.vault, ERC4626_ABI, 'deposit', [o.assets, holder]));
    }
  }
  return out;
}

/**
 * The Safe Transaction Builder batch document. `meta.capflow` carries what `capflow execute`
 * needs to re-plan before sending (the live plan file and the planned trades); Safe ignores it.
 *
 * @example writeFileSync('batch.json', JSON.stringify(safeBatch({ chainId: 1, holder, transactions, description: 'plan at block 1', capflow: {} }), null, 2))
 */
export function safeBatch(p: { chainId: number; holder: Address; transactions: BatchTransaction[]; description: string; createdAtMs: number; capflow: unknown }): Record<string, unknown> {
  return {
    version: '1.0',
    chainId: String(p.chainId),
    createdAt: p.createdAtMs,
    meta: {
      name: 'capflow plan',
      description: p.description,
      txBuilderVersion: '1.16.5',
      createdFromSafeAddress: p.holder,
      createdFromOwnerAddress: '',
      capflow: p.capflow,
    },
    transactions: p.transactions,
  };
}
