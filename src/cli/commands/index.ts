/**
 * Every capflow command, registered on the program. One file per command group, loaded on
 * demand: a run of one command (or `capflow help <command>`) loads only that command's module
 * (and the library modules it imports), so start-up does not pay for the others. The
 * top-level help, an unknown command or no command load none of them: the program lists each
 * command from the table below (its name, help term and description), which a test keeps
 * identical to what the modules register.
 */
import { Help, type Command } from 'commander';

/** A command module's registration function. */
type Register = (program: Command) => void;

/** A top-level command: its name, its term and description in the help, and how to load its module. */
interface CommandEntry {
  name: string;
  /** How the top-level help shows it, e.g. `run [options] [scenario]`. */
  term: string;
  description: string;
  load: () => Promise<Register>;
}

/** Top-level commands, in help order. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'run', term: 'run [options] [scenario]', description: 'run a scenario file (Monte Carlo runs, sweeps) and write its result table', load: async () => (await import('./run.ts')).registerRun },
  { name: 'report', term: 'report [options] <results.duckdb>', description: 'rebuild report.html, summary.json and nav.png from a fund results file (capflow run … --out results.duckdb)', load: async () => (await import('./report.ts')).registerReport },
  { name: 'plan', term: 'plan [options]', description: "plan where the fund's idle cash goes this cycle (yield manager rules) and the trades that move it", load: async () => (await import('./plan.ts')).registerPlan },
  { name: 'execute', term: 'execute [options] <batch>', description: 'send the transactions of a `plan --emit-txs` batch (key from CAPFLOW_PRIVATE_KEY), after re-planning and simulating', load: async () => (await import('./execute.ts')).registerExecute },
  { name: 'treasury', term: 'treasury', description: "the fund's book: deposits, redemptions, interest, NAV and share price (DuckDB file or PostgreSQL)", load: async () => (await import('./treasury.ts')).registerTreasury },
  { name: 'chain', term: 'chain', description: 'capflow on a real EVM (anvil): the demo', load: async () => (await import('./chain.ts')).registerChain },
  { name: 'delta-neutral', term: 'delta-neutral [options]', description: 'delta-neutral LP farming: constant-product LP plus a short of its token amount, on one price path or a Monte Carlo study', load: async () => (await import('./deltaNeutral.ts')).registerDeltaNeutral },
  { name: 'cam', term: 'cam', description: 'capital allocation model: rebalance toward yield- and risk-weighted targets', load: async () => (await import('./cam.ts')).registerCam },
  { name: 'leverage', term: 'leverage', description: 'leveraged shorts on a lending protocol (Aave-style)', load: async () => (await import('./leverage.ts')).registerLeverage },
  { name: 'lending', term: 'lending', description: 'lending-pool (Aave v3) interest rates', load: async () => (await import('./lending.ts')).registerLending },
  { name: 'amm', term: 'amm', description: 'constant-product (Uniswap V2) pool math', load: async () => (await import('./amm.ts')).registerAmm },
  { name: 'data', term: 'data', description: 'import and inspect real venue and price history (a DuckDB history file)', load: async () => (await import('./data.ts')).registerData },
  { name: 'worker', term: 'worker [options]', description: 'run study chunks from a Redis queue (for `capflow run --backend bullmq`) until stopped', load: async () => (await import('./worker.ts')).registerWorker },
];

/**
 * Registers on `program` the command `argv` names (`capflow <command> …` or `capflow help
 * <command>`), or, when it names none (help, `--version`, an unknown command, nothing), every
 * command as a listing of {@link COMMANDS} without loading their modules.
 *
 * @example await registerCommands(program, ['delta-neutral', '--help']) // loads only delta-neutral
 */
export async function registerCommands(program: Command, argv: readonly string[] = []): Promise<void> {
  const wanted = argv[0] === 'help' ? argv[1] : argv[0];
  const named = COMMANDS.find((c) => c.name === wanted);
  if (named !== undefined) {
    (await named.load())(program);
    return;
  }
  const terms = new Map<string, string>();
  for (const c of COMMANDS) {
    program.command(c.name).description(c.description);
    terms.set(c.name, c.term);
  }
  program.configureHelp({
    subcommandTerm(this: Help, cmd: Command): string {
      return terms.get(cmd.name()) ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
}

/**
 * Registers every command from its module (what the listing stands for; for tests and tools
 * that need the full command tree).
 *
 * @example const program = new Command('capflow'); await registerAllCommands(program);
 */
export async function registerAllCommands(program: Command): Promise<void> {
  const registers = await Promise.all(COMMANDS.map((c) => c.load()));
  for (const register of registers) register(program);
}
