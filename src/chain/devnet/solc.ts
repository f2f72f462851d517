/**
 * Offline compilation of the project's test contracts (`contracts/*.sol`) and the
 * OpenZeppelin 5.x sources they import, with solc-js from npm. Artifacts are cached in the
 * git-ignored `.cache/contracts/` folder, keyed by a hash of the compiler version and every
 * source, so a second compile is a file read.
 *
 * solc, `@openzeppelin/contracts` and `@foundry-rs/anvil` are development dependencies: a
 * missing one is a {@link UserError} that says how to install it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../core/errors.ts';

/** A compiled contract: its ABI and creation bytecode. */
export interface ContractArtifact {
  abi: readonly unknown[];
  /** Creation bytecode, 0x-prefixed hex. */
  bytecode: `0x${string}`;
}

/**
 * The project's compiled test contracts, by contract name (`TestToken`, `DemoVault`,
 * `AsyncRedeemVault`, …).
 *
 * @example const { AsyncRedeemVault } = await compileContracts();
 */
export type ContractArtifacts = Record<string, ContractArtifact>;

const OZ_PREFIX = '@openzeppelin/contracts/';

/**
 * The repository root (the folder with package.json and contracts/), found from this file
 * whether it runs from src/ or dist/src/.
 *
 * @example join(projectRoot(), 'contracts')
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'contracts'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new UserError({ message: 'cannot find the capflow project folder (with contracts/)', hint: 'run from a clone of the repository' });
    dir = parent;
  }
}

const require = createRequire(import.meta.url);

/**
 * Resolves a development dependency's file, or says how to install it.
 *
 * @example devDependencyPath('solc/package.json')
 */
export function devDependencyPath(specifier: string): string {
  try {
    return require.resolve(specifier);
  } catch {
    const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
    throw new UserError({ message: `the development dependency ${pkg} is not installed`, hint: 'run `npm install` (with dev dependencies) in the capflow folder' });
  }
}

/** Reads an imported source: OpenZeppelin from node_modules, anything else from contracts/. */
function readImport(path: string, contractsDir: string): string {
  const file = path.startsWith(OZ_PREFIX) ? join(dirname(devDependencyPath(`${OZ_PREFIX}package.json`)), path.slice(OZ_PREFIX.length)) : join(contractsDir, path);
  return readFileSync(file, 'utf8');
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

interface Solc {
  version(): string;
  compile(input: string, callbacks: { import: (path: string) => { contents: string } | { error: string } }): string;
}

/** Every source the contracts need, by import path (the closure over their imports). */
function collectSources(contractsDir: string): Map<string, string> {
  const sources = new Map<string, string>();
  const todo = readdirSync(contractsDir).filter((f) => f.endsWith('.sol')).sort();
  while (todo.length > 0) {
    const path = todo.shift() as string;
    if (sources.has(path)) continue;
    const text = readImport(path, contractsDir);
    sources.set(path, text);
    for (const m of text.matchAll(/^\s*import\s+(?:[^"']*from\s+)?["']([^"']+)["']/gm)) {
      const target = m[1].startsWith('.') ? join(dirname(path), m[1]).replace(/\\/g, '/') : m[1];
      if (!sources.has(target)) todo.push(target);
    }
  }
  return sources;
}

/**
 * Compiles `contracts/*.sol` (solc-js, optimizer on, Cancun EVM) or returns the cached
 * artifacts. Compiler errors are thrown with solc's messages.
 *
 * @example
 * const artifacts = await compileContracts();
 * const hash = await wallet.deployContract({ abi: artifacts.TestToken.abi, bytecode: artifacts.TestToken.bytecode, args: ['USD Coin', 'USDC', 6] });
 */
export async function compileContracts(opts: { contractsDir?: string; cacheDir?: string } = {}): Promise<ContractArtifacts> {
  const root = opts.contractsDir === undefined || opts.cacheDir === undefined ? projectRoot() : '';
  const contractsDir = opts.contractsDir ?? join(root, 'contracts');
  const cacheDir = opts.cacheDir ?? join(root, '.cache', 'contracts');
  const solcVersion = (JSON.parse(readFileSync(devDependencyPath('solc/package.json'), 'utf8')) as { version: string }).version;
  const sources = collectSources(contractsDir);
  const hash = createHash('sha256').update(solcVersion);
  for (const [path, text] of [...sources].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`\u0000${path}\u0000${text}`);
  const cacheFile = join(cacheDir, `${hash.digest('hex').slice(0, 32)}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as ContractArtifacts;

  const solc = ((await import(devDependencyPath('solc'))) as { default: Solc }).default;
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries([...sources].map(([path, content]) => [path, { content }])),
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: (path) => ({ error: `not found: ${path}` }) })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc ${solcVersion} failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const artifacts: ContractArtifacts = {};
  for (const path of sources.keys()) {
    if (path.startsWith(OZ_PREFIX)) continue;
    for (const [name, c] of Object.entries(output.contracts?.[path] ?? {})) artifacts[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  }
  mkdirSync(cacheDir, { recursive: true });
  const temp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(artifacts));
  renameSync(temp, cacheFile);
  return artifacts;
}
