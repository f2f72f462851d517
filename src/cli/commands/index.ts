/**
 * Every capflow command, registered on the program. One file per command group, loaded on
 * demand: a run of one command loads only that command's module (and the library modules it
 * imports), so start-up does not pay for the others; help, an unknown command or no command
 * loads them all, so the help lists every command.
 */
import type { Command } from 'commander';

/** A command module's registration function. */
type Register = (program: Command) => void;

/** Top-level command names (in help order) and how to load the module registering each. */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Register>]> = [
  ['run', async () => (await import('./run.ts')).registerRun],
  ['report', async () => (await import('./report.ts')).registerReport],
  ['plan', async () => (await import('./plan.ts')).registerPlan],
  ['execute', async () => (await import('./execute.ts')).registerExecute],
  ['treasury', async () => (await import('./treasury.ts')).registerTreasury],
  ['chain', async () => (await import('./chain.ts')).registerChain],
  ['delta-neutral', async () => (await import('./deltaNeutral.ts')).registerDeltaNeutral],
  ['cam', async () => (await import('./cam.ts')).registerCam],
  ['leverage', async () => (await import('./leverage.ts')).registerLeverage],
  ['lending', async () => (await import('./lending.ts')).registerLending],
  ['amm', async () => (await import('./amm.ts')).registerAmm],
  ['data', async () => (await import('./data.ts')).registerData],
  ['worker', async () => (await import('./worker.ts')).registerWorker],
];

/**
 * Registers on `program` the command `argv` starts with, or every command when `argv` does not
 * start with a command name (help, `--version`, an unknown command, nothing).
 *
 * @example await registerCommands(program, ['delta-neutral', '--help']) // loads only delta-neutral
 */
export async function registerCommands(program: Command, argv: readonly string[] = []): Promise<void> {
  const named = COMMANDS.filter(([name]) => name === argv[0]);
  const registers = await Promise.all((named.length > 0 ? named : COMMANDS).map(([, load]) => load()));
  for (const register of registers) register(program);
}
