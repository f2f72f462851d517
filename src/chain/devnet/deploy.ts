/**
 * Deploying the project's test contracts on a devnet (anvil) with viem, from its unlocked dev
 * accounts (no private keys): a USDC-like token, a plain ERC-4626 vault and an ERC-7540
 * async-redeem vault on it.
 */
import { createPublicClient, createWalletClient, http, type Abi, type Address, type Hash, type PublicClient, type WalletClient } from 'viem';
import { compileContracts, type ContractArtifacts } from './solc.ts';

/**
 * Clients on a devnet and its unlocked accounts.
 *
 * @example const devnet = await connectDevnet(anvil.rpcUrl); devnet.accounts[0]
 */
export interface Devnet {
  rpcUrl: string;
  publicClient: PublicClient;
  walletClient: WalletClient;
  /** Unlocked dev accounts (`eth_accounts`), lower-case. */
  accounts: Address[];
  artifacts: ContractArtifacts;
}

/**
 * Connects to a devnet whose accounts are unlocked (anvil) and compiles (or loads) the contracts.
 *
 * @example const devnet = await connectDevnet((await startAnvil()).rpcUrl);
 */
export async function connectDevnet(rpcUrl: string): Promise<Devnet> {
  const transport = http(rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ transport, pollingInterval: 50 });
  const walletClient = createWalletClient({ transport });
  const accounts = (await walletClient.getAddresses()).map((a) => a.toLowerCase() as Address);
  return { rpcUrl, publicClient, walletClient, accounts, artifacts: await compileContracts() };
}

/**
 * Sends a transaction from an unlocked account and waits for its receipt; throws when it reverted.
 *
 * @example await send(devnet, alice, token, TOKEN_ABI, 'mint', [alice, 10n ** 12n])
 */
export async function send(devnet: Devnet, from: Address, to: Address, abi: Abi, functionName: string, args: readonly unknown[]): Promise<Hash> {
  const hash = await devnet.walletClient.writeContract({ account: from, chain: null, address: to, abi, functionName, args });
  const receipt = await devnet.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success') throw new Error(`${functionName} reverted in ${hash}`);
  return hash;
}

/**
 * Deploys a compiled contract from an unlocked account: its address (lower-case) and block.
 *
 * @example const { address, blockNumber } = await deployContract(devnet, 'TestToken', ['USD Coin', 'USDC', 6]);
 */
export async function deployContract(devnet: Devnet, contract: string, args: readonly unknown[], from: Address = devnet.accounts[0]): Promise<{ address: Address; blockNumber: number }> {
  const artifact = devnet.artifacts[contract];
  if (artifact === undefined) throw new Error(`no compiled contract ${contract}`);
  const hash = await devnet.walletClient.deployContract({ account: from, chain: null, abi: artifact.abi as Abi, bytecode: artifact.bytecode, args });
  const receipt = await devnet.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deploying ${contract} failed in ${hash}`);
  return { address: receipt.contractAddress.toLowerCase() as Address, blockNumber: Number(receipt.blockNumber) };
}

/**
 * Deploys a compiled contract from an unlocked account and returns its address (lower-case).
 *
 * @example const token = await deploy(devnet, 'TestToken', ['USD Coin', 'USDC', 6]);
 */
export async function deploy(devnet: Devnet, contract: string, args: readonly unknown[], from: Address = devnet.accounts[0]): Promise<Address> {
  return (await deployContract(devnet, contract, args, from)).address;
}

/**
 * The demo deployment: addresses (lower-case) and the blocks they were deployed in.
 *
 * @example const { token, vault4626, vault7540, settler } = await deployDemoVaults(devnet);
 */
export interface DemoVaults {
  /** USDC-like test token (6 decimals, open mint). */
  token: Address;
  /** Plain ERC-4626 vault, 18-decimal shares (offset 12). */
  vault4626: Address;
  vault4626Block: number;
  /** ERC-7540 async-redeem vault, 18-decimal shares (offset 12). */
  vault7540: Address;
  vault7540Block: number;
  /** The account allowed to settle the async vault's redemptions (accounts[0]). */
  settler: Address;
}

/**
 * Deploys a USDC-like token, a plain ERC-4626 vault ("Capflow Demo USD", cdUSD) and an
 * ERC-7540 async-redeem vault ("Capflow Async USD", caUSD) from `accounts[0]`, which is also
 * the async vault's settler.
 *
 * @example const vaults = await deployDemoVaults(await connectDevnet(anvil.rpcUrl));
 */
export async function deployDemoVaults(devnet: Devnet): Promise<DemoVaults> {
  const settler = devnet.accounts[0];
  const token = await deploy(devnet, 'TestToken', ['USD Coin (test)', 'USDC', 6]);
  const v4626 = await deployContract(devnet, 'DemoVault', [token, 'Capflow Demo USD', 'cdUSD', 12]);
  const v7540 = await deployContract(devnet, 'AsyncRedeemVault', [token, 'Capflow Async USD', 'caUSD', 12, settler]);
  return { token, vault4626: v4626.address, vault4626Block: v4626.blockNumber, vault7540: v7540.address, vault7540Block: v7540.blockNumber, settler };
}

/**
 * Deploys a fully asynchronous ERC-7540 vault ("Capflow Async Deposit USD", cadUSD: deposits and
 * redemptions by request, settlement and claim; 18-decimal shares) on `token`, settled by `settler`.
 *
 * @example const { address, blockNumber } = await deployAsyncVault(devnet, vaults.token, vaults.settler);
 */
export async function deployAsyncVault(devnet: Devnet, token: Address, settler: Address = devnet.accounts[0]): Promise<{ address: Address; blockNumber: number }> {
  return deployContract(devnet, 'AsyncVault', [token, 'Capflow Async Deposit USD', 'cadUSD', 12, settler]);
}
