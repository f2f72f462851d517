/**
 * The published package as a user gets it: `npm pack` the repository, install the tarball into
 * an empty project (dependencies from the npm registry, through the local cache when it has
 * them), then use it there — the library from its root and layer subpaths, type-checked
 * against the shipped declarations, and the `capflow` bin on a scenario shipped in the package.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, runCliJson } from '../helpers/cli.ts';

const run = promisify(execFile);
const INSTALL_TIMEOUT_MS = 600_000;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const SUBPATHS = ['core', 'protocols', 'market', 'ledger', 'data', 'venues', 'strategies', 'sim', 'scenarios', 'report'];

/**
 * The environment of a user's shell: without the `npm_*` variables of the `npm test` that runs
 * this file (`npm_config_local_prefix` would point the nested npm at this repository), but with
 * the settings a user would have too (cache, registry, user config, CA file).
 */
function userEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_cafile']);
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') || keep.has(k.toLowerCase())));
}

let project = '';
let tarball = '';
let packedFiles: string[] = [];

async function inProject(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(cmd, args, { cwd: project, env: userEnv(), maxBuffer: 64 * 1024 * 1024, timeout: INSTALL_TIMEOUT_MS });
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'capflow-pack-'));
  // dist/ is fresh: the test run's globalSetup built it from the current sources. Packing with
  // `--ignore-scripts` skips `prepare` (a rebuild of dist/ while other test files run its CLI).
  const { stdout } = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: ROOT, env: userEnv(), maxBuffer: 64 * 1024 * 1024 });
  const info = JSON.parse(stdout)[0] as { filename: string; files: { path: string }[] };
  tarball = join(project, info.filename);
  packedFiles = info.files.map((f) => f.path);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'capflow-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
  await inProject(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball]);
}, INSTALL_TIMEOUT_MS);

afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds only dist/, bin/, examples/, README and package.json (no sources, tests or maps)', () => {
    const top = new Set(packedFiles.map((p) => (p.includes('/') ? `${p.split('/')[0]}/` : p)));
    expect([...top].sort()).toEqual(['README.md', 'bin/', 'dist/', 'examples/', 'package.json', ...(existsSync(join(ROOT, 'LICENSE')) ? ['LICENSE'] : [])].sort());
    expect(packedFiles).toContain('bin/capflow');
    expect(packedFiles).toContain('examples/cam.yaml');
    expect(packedFiles.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(packedFiles.filter((p) => p.endsWith('.map'))).toEqual([]);
    for (const sub of ['', ...SUBPATHS.map((s) => `${s}/`)]) {
      expect(packedFiles).toContain(`dist/${sub}index.js`);
      expect(packedFiles).toContain(`dist/${sub}index.d.ts`);
    }
  });

  it('installs with its runtime dependencies only, the DuckDB native binding included', () => {
    const modules = join(project, 'node_modules');
    const pkg = JSON.parse(readFileSync(join(modules, 'capflow', 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    for (const dev of ['tsx', 'typescript', 'vitest', 'fast-check', 'pino', 'pure-rand', 'tinybench']) expect(existsSync(join(modules, dev)), dev).toBe(false);
    expect(existsSync(join(modules, '@duckdb', 'node-api'))).toBe(true);
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(existsSync(join(modules, '@duckdb', 'node-bindings-linux-x64', 'duckdb.node'))).toBe(true);
    }
  });

  it('the library: root and layer subpaths import and compute, internals stay private', async () => {
    const cam = parseYaml(readFileSync(join(ROOT, 'examples', 'cam.yaml'), 'utf8'));
    writeFileSync(join(project, 'cam.json'), JSON.stringify(cam));
    writeFileSync(
      join(project, 'consumer.mjs'),
      `import { readFileSync } from 'node:fs';
import * as capflow from 'capflow';
import { mulDiv, WAD, Rng } from 'capflow/core';
import { getAmountOut, supplyAprAt, USDC_RATE_STRATEGY } from 'capflow/protocols';
import { maxDrawdown } from 'capflow/market';
import { createTreasury, treasurySummary } from 'capflow/ledger';
import { rateReturn } from 'capflow/data';
import { cash, observeVenue, usdToUnits } from 'capflow/venues';
import { rebalancePlan } from 'capflow/strategies';
import { runModel, resultColumn } from 'capflow/sim';
import { parseScenario, runScenario } from 'capflow/scenarios';
import { formatNumber } from 'capflow/report';

let deepImport = 'resolved';
try { await import('capflow/dist/core/rng.js'); } catch (e) { deepImport = e.code; }
const drift = { name: 'drift', initialState: () => ({ price: 1 }), blocks: [{ label: 'step', updates: { price: (ctx, prev) => prev.price * (1 + ctx.params.mu) } }] };
const study = await runScenario(parseScenario(JSON.parse(readFileSync('cam.json', 'utf8')), 'cam.json'), { workers: 2 });
console.log(JSON.stringify({
  rootSupplyApr: capflow.supplyAprAt(capflow.USDC_RATE_STRATEGY, 0.45),
  sameFunction: capflow.supplyAprAt === supplyAprAt && capflow.runScenario === runScenario,
  devnetExported: 'deployAaveMarket' in capflow,
  deepImport,
  mulDiv: (mulDiv(3n * WAD, 2n, 3n, 'floor') / WAD).toString(),
  normal: Rng.stream(42, 0).normal(),
  supplyApr: supplyAprAt(USDC_RATE_STRATEGY, 0.45),
  amountOut: getAmountOut(10n ** 18n, 10n ** 21n, 10n ** 21n).toString(),
  drawdown: maxDrawdown([100, 120, 90, 130]),
  dayReturn: rateReturn(0.0365, 'apr', 1),
  shares: treasurySummary(createTreasury({ assetSymbol: 'USDC', assetDecimals: 6, shareSymbol: 'cfUSD', shareDecimals: 18 })).totalShares,
  cashUsd: observeVenue(cash, { name: 'reserve', entryCostUsd: 0, exitCostPct: 0, withdrawDelayDays: 0 }, null, { units: usdToUnits(5000) }, 0, '2025-01-01T00:00:00.000Z').positionUsd,
  transfers: rebalancePlan([700, 300], [0.4, 0.6], 1).transfers.length,
  prices: [...resultColumn(runModel(drift, { mu: 0.01 }, { timesteps: 3, seed: 42, run: 0, subset: 0 }), 'price')],
  camFinal: study.final,
  formatted: formatNumber(1234567.891),
}));
`,
    );
    const { stdout } = await inProject(process.execPath, ['consumer.mjs']);
    const out = JSON.parse(stdout);
    expect(out.rootSupplyApr).toBeCloseTo(0.01215, 12);
    expect(out.sameFunction).toBe(true);
    expect(out.devnetExported).toBe(false);
    expect(out.deepImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(out.mulDiv).toBe('2');
    expect(Number.isFinite(out.normal)).toBe(true);
    expect(out.supplyApr).toBe(out.rootSupplyApr);
    expect(out.amountOut).toBe('996006981039903216');
    expect(out.drawdown).toBeCloseTo(-0.25, 15);
    expect(out.dayReturn).toBeCloseTo(0.0001, 15);
    expect(out.shares).toBe('0');
    expect(out.cashUsd).toBe(5000);
    expect(out.transfers).toBe(1);
    expect(out.prices.map((p: number) => p.toFixed(6))).toEqual(['1.000000', '1.010000', '1.020100', '1.030301']);
    expect(out.formatted).toBe('1,234,567.891');
    // The installed library gives the development checkout's numbers.
    const dev = runCliJson(['run', 'examples/cam.yaml', '--workers', '1']);
    expect(dev.code, dev.stderr).toBe(0);
    expect(out.camFinal).toEqual(dev.json.final);
  }, INSTALL_TIMEOUT_MS);

  it('its TypeScript declarations type-check a consumer importing every subpath', async () => {
    const imports = SUBPATHS.map((s, i) => `import * as layer${i} from 'capflow/${s}';`).join('\n');
    writeFileSync(
      join(project, 'consumer.ts'),
      `${imports}
import { supplyAprAt, USDC_RATE_STRATEGY, type VenueObservation } from 'capflow';
import { rebalancePlan, type RebalancePlan } from 'capflow/strategies';
const apr: number = supplyAprAt(USDC_RATE_STRATEGY, 0.45);
const plan: RebalancePlan = rebalancePlan([700, 300], [0.4, 0.6], 1);
const obs: Pick<VenueObservation, 'venue' | 'apy'> = { venue: 'aave', apy: apr };
export const all = [${SUBPATHS.map((_, i) => `layer${i}`).join(', ')}, plan, obs];
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, typeRoots: [join(ROOT, 'node_modules', '@types')], types: ['node'] },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await inProject(process.execPath, [tsc, '-p', 'tsconfig.json']).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${r.stdout}${r.stderr}`).toBe('');
  }, INSTALL_TIMEOUT_MS);

  it('npx capflow run <shipped scenario> --json runs the built JavaScript, DuckDB output included', async () => {
    const scenario = join('node_modules', 'capflow', 'examples', 'cam.yaml');
    const outFile = join(project, 'cam.parquet');
    const { stdout } = await inProject(NPX, ['--no-install', 'capflow', 'run', scenario, '--workers', '2', '--out', outFile, '--json']);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ model: 'cam', timesteps: 365, runs: 8, subsets: 1, seed: 42, workers: 2 });
    expect(json.output).toMatchObject({ kind: 'parquet', path: outFile, rows: 8 * (1 + 365 * 3) });
    expect(statSync(outFile).size).toBeGreaterThan(0);
    const dev = runCliJson(['run', 'examples/cam.yaml', '--workers', '1']);
    expect(json.final).toEqual(dev.json.final);
  }, INSTALL_TIMEOUT_MS);

  it('npx capflow run examples/fund.yaml --report: the report, charts and PNG from the installed package', async () => {
    const scenario = join('node_modules', 'capflow', 'examples', 'fund.yaml');
    const { stdout } = await inProject(NPX, ['--no-install', 'capflow', 'run', scenario, '--runs', '4', '--workers', '2', '--report', 'out', '--json']);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ model: 'fund', days: 365, runs: 4, workers: 2 });
    expect(json.summary.finalNavUsd).toBeGreaterThan(0);
    const dev = runCliJson(['run', 'examples/fund.yaml', '--runs', '4', '--workers', '1']);
    expect(dev.code, dev.stderr).toBe(0);
    expect(json.summary).toEqual(dev.json.summary);
    for (const file of ['report.html', 'summary.json', 'nav.png']) expect(statSync(join(project, 'out', file)).size, file).toBeGreaterThan(0);
    expect(readFileSync(join(project, 'out', 'nav.png')).subarray(1, 4).toString()).toBe('PNG');
  }, INSTALL_TIMEOUT_MS);
});
