/**
 * Aave V3's own compiled contracts, read from the `@aave/core-v3` npm package (Hardhat
 * artifacts: ABI, creation bytecode and the positions of library placeholders), and the
 * linking of those placeholders to deployed library addresses.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Abi, Address, Hex } from 'viem';

/**
 * One compiled contract: its ABI, creation bytecode (with unlinked placeholders) and where
 * each library's 20-byte address goes (`linkReferences[file][library] = [{ start, length }]`,
 * byte offsets into the bytecode).
 *
 * @example const pool: AaveArtifact = loadAaveArtifact('protocol/pool/Pool.sol/Pool');
 */
export interface AaveArtifact {
  contractName: string;
  abi: Abi;
  bytecode: Hex;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

let artifactsRoot: string | undefined;

function aaveArtifactsRoot(): string {
  if (artifactsRoot === undefined) {
    const require = createRequire(import.meta.url);
    artifactsRoot = join(dirname(require.resolve('@aave/core-v3/package.json')), 'artifacts', 'contracts');
  }
  return artifactsRoot;
}

/**
 * Loads one artifact by its path under `@aave/core-v3/artifacts/contracts`, without `.json`.
 *
 * @example loadAaveArtifact('protocol/configuration/ACLManager.sol/ACLManager').contractName // 'ACLManager'
 */
export function loadAaveArtifact(path: string): AaveArtifact {
  const raw = JSON.parse(readFileSync(join(aaveArtifactsRoot(), `${path}.json`), 'utf8')) as AaveArtifact;
  return { contractName: raw.contractName, abi: raw.abi, bytecode: raw.bytecode, linkReferences: raw.linkReferences };
}

/**
 * The names of the libraries an artifact must be linked to.
 *
 * @example linkedLibraryNames(loadAaveArtifact('protocol/libraries/logic/FlashLoanLogic.sol/FlashLoanLogic')) // ['BorrowLogic']
 */
export function linkedLibraryNames(artifact: AaveArtifact): string[] {
  return Object.values(artifact.linkReferences).flatMap((byName) => Object.keys(byName));
}

/**
 * The creation bytecode with every library placeholder replaced by the library's address.
 * Throws when a library the bytecode needs has no address.
 *
 * @example linkBytecode(loadAaveArtifact('protocol/pool/PoolConfigurator.sol/PoolConfigurator'), { ConfiguratorLogic: '0x5FbDB2315678afecb367f032d93F642f64180aa3' })
 */
export function linkBytecode(artifact: AaveArtifact, libraries: Readonly<Record<string, Address>>): Hex {
  let code = artifact.bytecode.slice(2);
  for (const byName of Object.values(artifact.linkReferences)) {
    for (const [name, places] of Object.entries(byName)) {
      const address = libraries[name];
      if (address === undefined) throw new Error(`${artifact.contractName} needs library ${name}, which has no address`);
      const hex = address.slice(2).toLowerCase();
      for (const { start, length } of places) {
        if (length !== 20) throw new Error(`${artifact.contractName}: library placeholder of ${length} bytes (expected 20)`);
        code = code.slice(0, start * 2) + hex + code.slice((start + length) * 2);
      }
    }
  }
  return `0x${code}`;
}
