/**
 * The live-plan demo market, for trying `capflow plan --rpc` and `capflow execute` in minutes:
 *
 *   npm run demo:market [-- outDir=market-demo]
 *
 * Starts anvil (from the dev dependency), deploys the project's USDC-like token with its
 * ERC-4626 and ERC-7540 demo vaults and a real Aave V3 market (from @aave/core-v3's compiled
 * artifacts) on the same token, seeds some activity and a fund holder (anvil's dev account 2),
 * writes `market.json` (addresses) and `live.yaml` (a plan file for them) to outDir, prints the
 * session to run, and keeps the chain up until Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { deployMarketDemo, marketDemoPlanFile } from '../src/chain/devnet/aaveDemo.ts';
import { startAnvil } from '../src/chain/devnet/anvil.ts';

const outDir = process.argv[2] ?? 'market-demo';
mkdirSync(outDir, { recursive: true });
const anvil = await startAnvil();
const demo = await deployMarketDemo(anvil.rpcUrl);
const market = join(outDir, 'market.json');
const live = join(outDir, 'live.yaml');
writeFileSync(market, `${JSON.stringify({ rpcUrl: anvil.rpcUrl, ...demo }, null, 2)}\n`);
writeFileSync(live, `# capflow plan --rpc ${anvil.rpcUrl} --input ${live}\n${stringify(marketDemoPlanFile(demo))}`);
const rpc = anvil.rpcUrl;
process.stdout.write(
  [
    `Demo market on anvil at ${rpc} (chain ${demo.chainId}); Ctrl-C stops it.`,
    `Addresses in ${market}; plan file ${live}; the fund is ${demo.holder} (anvil's dev account 2).`,
    '',
    `./bin/capflow plan --rpc ${rpc} --input ${live} --snapshot-out ${join(outDir, 'snap.yaml')} --emit-txs ${join(outDir, 'batch.json')}`,
    `./bin/capflow plan --input ${join(outDir, 'snap.yaml')}          # the same plan, offline`,
    "export CAPFLOW_PRIVATE_KEY=…   # anvil's dev account 2 key (a public test key; see the README)",
    `./bin/capflow execute ${join(outDir, 'batch.json')} --rpc ${rpc} --dry-run`,
    `./bin/capflow execute ${join(outDir, 'batch.json')} --rpc ${rpc}`,
    `./bin/capflow plan --rpc ${rpc} --input ${live}                  # nothing left to do`,
    '',
  ].join('\n'),
);
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await anvil.stop();
