/**
 * `capflow chain demo`: capflow on a real EVM in one command. Starts anvil from the
 * `@foundry-rs/anvil` dev dependency, deploys a USDC-like token, an ERC-4626 vault, an
 * ERC-7540 async-redeem vault and a fully asynchronous ERC-7540 vault (asynchronous deposits
 * too; solc-compiled from contracts/), plays a seeded day of activity
 * from 5 accounts, then inits, syncs and verifies a ledger for each vault and prints the books.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createChainClient } from '../../chain/client.ts';
import type { StoryCounts } from '../../chain/devnet/story.ts';
import { readDeployment, syncFromChain, verifyAgainstChain, type ChainVerifyReport } from '../../ledger/chainSync.ts';
import { withLedgerStore } from '../../ledger/store.ts';
import { treasurySummary, type TreasurySummary } from '../../ledger/treasury.ts';
import { CheckFailedError, UserError } from '../../core/errors.ts';
import { fromBaseUnits } from '../../core/fixedPoint.ts';
import { renderTable } from '../../report/table.ts';
import { parseNumberFlag } from '../flags.ts';
import { withOutput, type CommonOptions } from '../io.ts';

interface DemoBook {
  vault: string;
  address: string;
  erc7540: boolean;
  played: StoryCounts;
  applied: number;
  cursor: number | null;
  verify: ChainVerifyReport;
  summary: TreasurySummary;
}

interface DemoOptions extends CommonOptions {
  seed?: string;
  operations?: string;
  dbDir?: string;
  market?: boolean;
  dir?: string;
}

function registerDemo(chain: Command): void {
  withOutput<DemoOptions>(
    chain
      .command('demo')
      .description('start anvil, deploy an ERC-4626 vault and two ERC-7540 vaults (async redemptions; async deposits too), play a day of activity, then sync, verify and print the books')
      .option('--seed <n>', 'random seed of the activity, integer >= 0 (default 1)')
      .option('--operations <n>', 'operations per vault, 1..2000 (default 100)')
      .option('--db-dir <dir>', 'keep the three ledgers (4626.duckdb, 7540.duckdb, 7540-async-deposits.duckdb) in this folder (default: a temporary folder, removed)')
      .option('--market', 'instead: stand up the Aave V3 + vaults demo market, write its addresses and a plan file to --dir, keep anvil up until Ctrl-C')
      .option('--dir <dir>', 'with --market: where market.json and live.yaml are written (default market-demo)')
      .addHelpText('after', '\nNeeds the dev dependencies (npm install). Nothing is downloaded; anvil keeps its states in memory.\n\nExamples:\n  capflow chain demo --operations 100 --seed 7\n  capflow chain demo --market --dir market-demo   # then plan --rpc, execute, verify (see the README)\n'),
    async (opts) => {
      if (opts.market) return (await import('./chainMarket.ts')).runMarketDemo({ dir: opts.dir ?? 'market-demo', json: opts.json === true });
      if (opts.dir !== undefined) throw new UserError({ field: '--dir', message: 'is only for --market', hint: 'the ledgers of the vault demo go to --db-dir' });
      const seed = parseNumberFlag('--seed', opts.seed, { integer: true, min: 0 }, 1);
      const operations = parseNumberFlag('--operations', opts.operations, { integer: true, min: 1, max: 2000 }, 100);
      const devnetModule = await import('../../chain/devnet/index.ts');
      const anvil = await devnetModule.startAnvil();
      if (opts.dbDir !== undefined) mkdirSync(opts.dbDir, { recursive: true });
      const dir = opts.dbDir ?? mkdtempSync(join(tmpdir(), 'capflow-demo-'));
      try {
        const devnet = await devnetModule.connectDevnet(anvil.rpcUrl);
        const vaults = await devnetModule.deployDemoVaults(devnet);
        const holders = devnet.accounts.slice(1, 6);
        const client = createChainClient(anvil.rpcUrl);
        const books: DemoBook[] = [];
        const fullyAsync = (await devnetModule.deployAsyncVault(devnet, vaults.token, vaults.settler)).address;
        const kinds = [['4626', vaults.vault4626, false, false], ['7540', vaults.vault7540, true, false], ['7540-async-deposits', fullyAsync, true, true]] as const;
        for (const [label, vault, asyncRedeem, asyncDeposit] of kinds) {
          const played = await devnetModule.playStory(devnet, { seed, operations, token: vaults.token, vault, async: asyncRedeem, asyncDeposit, holders, settler: vaults.settler });
          const db = join(dir, `${label}.duckdb`);
          rmSync(db, { force: true });
          const deployment = await readDeployment(client, vault);
          await withLedgerStore(db, (store) => store.init(deployment), { create: true });
          const sync = await withLedgerStore(db, (store) => syncFromChain(store, client));
          const verify = await withLedgerStore(db, (store) => verifyAgainstChain(store, client));
          const state = await withLedgerStore(db, (store) => store.loadState());
          books.push({ vault: `${deployment.name} (${deployment.symbol})`, address: vault, erc7540: asyncRedeem, played, applied: sync.applied, cursor: sync.cursor, verify, summary: treasurySummary(state) });
        }
        const json = { rpc: client.name, seed, operations, token: vaults.token, dbDir: opts.dbDir ?? null, books };
        const human = (): string =>
          books
            .map((b) =>
              [
                `${b.vault} ${b.address}: ${b.applied} events synced to block ${b.cursor}; verify: ${b.verify.equal ? `equal to the chain (${b.verify.compared} figures)` : `${b.verify.differences.length} differences`}`,
                renderTable(
                  ['figure', 'value'],
                  [
                    ['total assets (USDC)', fromBaseUnits(BigInt(b.summary.totalAssets), 6)],
                    ['total shares', fromBaseUnits(BigInt(b.summary.totalShares), 18)],
                    ['share price (USDC/share)', b.summary.sharePrice],
                    ['pending redemption shares', fromBaseUnits(BigInt(b.summary.pendingRedemptionShares), 18)],
                    ['claimable redemptions (USDC)', fromBaseUnits(BigInt(b.summary.claimableAssets), 6)],
                    ['pending deposit requests (USDC)', fromBaseUnits(BigInt(b.summary.pendingDepositAssets), 6)],
                    ['unclaimed deposit shares', fromBaseUnits(BigInt(b.summary.claimableDepositShares), 18)],
                  ],
                ),
                renderTable(['holder', 'shares'], b.summary.shareBalances.map((h) => [h.holder, fromBaseUnits(BigInt(h.shares), 18)])),
              ].join('\n'),
            )
            .join('\n\n');
        if (books.some((b) => !b.verify.equal)) throw new CheckFailedError(`the books differ from the chain:\n${human()}`, json);
        return { json, human };
      } finally {
        await anvil.stop();
        if (opts.dbDir === undefined) rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}

/** Registers `capflow chain …`. */
export function registerChain(program: Command): void {
  const chain = program.command('chain').description('capflow on a real EVM (anvil): the demo');
  registerDemo(chain);
}
