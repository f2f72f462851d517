/**
 * `capflow chain demo --market [--dir market-demo]`: the live-plan demo market on anvil for
 * trying plan → batch → execute → verify in minutes. Starts anvil (from the dev dependency),
 * deploys the USDC-like token, the ERC-4626 and ERC-7540 demo vaults and a real Aave V3 market
 * (src/chain/devnet/aaveDemo.ts), writes `<dir>/market.json` (the RPC URL and every address)
 * and `<dir>/live.yaml` (a `plan --rpc` file for the three venues), prints the session to run
 * and keeps the chain up until Ctrl-C (SIGINT or SIGTERM), then stops anvil.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { toJsonText, type CommandOutput } from '../io.ts';
import { writeAtomically } from '../../core/outputFile.ts';

/** The commands of the session, for a demo market at `rpc` with its files in `dir`. */
function session(rpc: string, dir: string): string[] {
  const f = (name: string): string => join(dir, name);
  return [
    `./bin/capflow plan --rpc ${rpc} --input ${f('live.yaml')} --snapshot-out ${f('snap.yaml')} --emit-txs ${f('batch.json')}`,
    `./bin/capflow plan --input ${f('snap.yaml')}`,
    "export CAPFLOW_PRIVATE_KEY=…   # anvil's dev account 2 (the fund): a public test key, shown in the README; capflow never prints keys",
    `./bin/capflow execute ${f('batch.json')} --rpc ${rpc} --dry-run`,
    `./bin/capflow execute ${f('batch.json')} --rpc ${rpc} --db ${f('fund.duckdb')}`,
    `./bin/capflow treasury verify --rpc ${rpc} --db ${f('fund.duckdb')}`,
    `./bin/capflow plan --rpc ${rpc} --input ${f('live.yaml')}`,
  ];
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM; meanwhile the CLI's own Ctrl-C handler (exit 130, "nothing was written") is set aside: here Ctrl-C is the normal way to stop. */
async function untilStopped(): Promise<string> {
  const others = process.listeners('SIGINT');
  for (const l of others) process.removeListener('SIGINT', l);
  try {
    return await new Promise((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
  } finally {
    for (const l of others) process.on('SIGINT', l);
  }
}

/**
 * Runs the market demo (see the module comment); returns when stopped. With `--json` the
 * addresses and files are printed when it stops (read `market.json` while it runs).
 *
 * @example return runMarketDemo({ dir: 'market-demo', json: false });
 */
export async function runMarketDemo(opts: { dir: string; json: boolean }): Promise<CommandOutput> {
  const devnet = await import('../../chain/devnet/index.ts');
  const { deployMarketDemo, marketDemoPlanFile } = await import('../../chain/devnet/aaveDemo.ts');
  mkdirSync(opts.dir, { recursive: true });
  const anvil = await devnet.startAnvil();
  try {
    const demo = await deployMarketDemo(anvil.rpcUrl);
    const market = join(opts.dir, 'market.json');
    const live = join(opts.dir, 'live.yaml');
    const addresses = { rpcUrl: anvil.rpcUrl, ...demo };
    await writeAtomically(live, '--dir', async (temp) => writeFileSync(temp, `# capflow plan --rpc ${anvil.rpcUrl} --input ${live}\n${stringify(marketDemoPlanFile(demo))}`));
    await writeAtomically(market, '--dir', async (temp) => writeFileSync(temp, `${toJsonText(addresses)}\n`));
    const commands = session(anvil.rpcUrl, opts.dir);
    if (!opts.json) {
      process.stdout.write(
        [
          `Demo market on anvil at ${anvil.rpcUrl} (chain ${demo.chainId}); Ctrl-C stops it.`,
          `Addresses in ${market}; plan file ${live}; the fund is ${demo.holder} (anvil's dev account 2).`,
          'In another terminal:',
          '',
          ...commands,
          '',
        ].join('\n'),
      );
    }
    const signal = await untilStopped();
    return { json: { ...addresses, files: { market, live }, session: commands, stoppedBy: signal }, human: () => `Stopped anvil (${signal}).` };
  } finally {
    await anvil.stop();
  }
}
