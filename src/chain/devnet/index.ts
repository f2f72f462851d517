/**
 * A local EVM with the project's contracts, for tests, the demo and benchmarks: start anvil,
 * compile the contracts, deploy the demo vaults, play a seeded story.
 *
 * @example
 * const anvil = await startAnvil();
 * const devnet = await connectDevnet(anvil.rpcUrl);
 * const vaults = await deployDemoVaults(devnet);
 */
export { startAnvil, anvilBinaryPath, type Anvil, type AnvilOptions } from './anvil.ts';
export { compileContracts, projectRoot, type ContractArtifact, type ContractArtifacts } from './solc.ts';
export { connectDevnet, deploy, deployAsyncVault, deployContract, deployDemoVaults, send, type DemoVaults, type Devnet } from './deploy.ts';
export { fundHolders, playStory, type StoryCounts, type StoryOperation, type StoryOptions } from './story.ts';
