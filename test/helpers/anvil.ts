/**
 * An anvil for a test file (the project's launcher, src/chain/devnet/anvil.ts) with a public
 * client and wallets of anvil's default funded accounts (keys by index); stop it in afterAll.
 */
import { createPublicClient, createWalletClient, http, type Address, type PublicClient, type WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { startAnvil } from '../../src/chain/devnet/anvil.ts';

/** Anvil's first default accounts' keys (public test keys from its default mnemonic). */
export const ANVIL_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
] as const;

/** A running anvil with clients. */
export interface Anvil {
  rpcUrl: string;
  client: PublicClient;
  /** A wallet of default account `index` (a local signer). */
  wallet(index: number): WalletClient & { account: { address: Address } };
  stop(): Promise<void>;
}

/**
 * Starts anvil with clients on it.
 *
 * @example const anvil = await startAnvilClients(); try { … } finally { await anvil.stop(); }
 */
export async function startAnvilClients(): Promise<Anvil> {
  const node = await startAnvil();
  const rpcUrl = node.rpcUrl;
  const client = createPublicClient({ chain: foundry, transport: http(rpcUrl), cacheTime: 0, pollingInterval: 50 }) as PublicClient;
  return {
    rpcUrl,
    client,
    wallet: (index) => createWalletClient({ chain: foundry, transport: http(rpcUrl), pollingInterval: 50, cacheTime: 0, account: privateKeyToAccount(ANVIL_KEYS[index]) }) as WalletClient & { account: { address: Address } },
    stop: () => node.stop(),
  };
}
