/**
 * The capflow command line: builds the commander program and maps errors to exit codes.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_USER_ERROR } from '../core/errors.ts';
import { discardPendingOutputs } from '../core/outputFile.ts';
import { stopAllProgress } from './progress.ts';
import { registerCommands } from './commands/index.ts';
import { reportError, toJsonText } from './io.ts';

/** Commander's error code when it shows a command's help because no subcommand was given. */
const HELP_FOR_MISSING_SUBCOMMAND = 'commander.help';

/**
 * Builds the program with the command `argv` names registered (when it names none — help,
 * `--version`, an unknown command — a listing of every command, no module loaded), see
 * {@link registerCommands}.
 *
 * @example const program = await buildProgram(['amm', 'swap', '--help']);
 */
async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('capflow')
    .description('Plan, simulate and account for the capital of a DeFi treasury or vault.')
    .version('0.1.0')
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}

/**
 * Ctrl-C (SIGINT): clear the progress bar and show the cursor, remove every temporary output
 * file (nothing is left half-written at a target), and exit 130.
 */
function onInterrupt(): void {
  stopAllProgress();
  discardPendingOutputs();
  process.stderr.write('capflow: interrupted; nothing was written\n');
  process.exit(EXIT_INTERRUPTED);
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code:
 * 0 success, 2 bad input or usage, 3 a check that found a difference, 1 internal fault
 * (130 on Ctrl-C: the process exits from the signal handler).
 *
 * @example process.exitCode = await main(['lending', 'rates', '--utilization', '0.5']);
 */
export async function main(argv: string[]): Promise<number> {
  process.on('SIGINT', onInterrupt);
  try {
    return await runMain(argv);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

async function runMain(argv: string[]): Promise<number> {
  exitQuietlyOnClosedStdout();
  const json = argv.includes('--json');
  const program = await buildProgram(argv);
  let commanderMessage = '';
  const capture = (cmd: Command): void => {
    cmd.configureOutput({ outputError: (text) => (commanderMessage += text) });
    cmd.exitOverride();
    cmd.commands.forEach(capture);
  };
  capture(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0; // --help, --version
      // A command group run without a subcommand: commander has printed its help to stderr,
      // which says all there is to say (its error text is a placeholder, '(outputHelp)').
      if (e.code === HELP_FOR_MISSING_SUBCOMMAND) return EXIT_USER_ERROR;
      const message = `${(commanderMessage || e.message).replace(/^error: /, '').trim()} (see --help)`;
      if (json) {
        process.stdout.write(`${toJsonText({ error: { message, field: null } })}\n`);
      } else {
        process.stderr.write(`capflow: ${message}\n`);
      }
      return EXIT_USER_ERROR;
    }
    return reportError(e, json);
  }
}

/**
 * A reader that stops early (`capflow … | head`) closes stdout; the next write fails with
 * EPIPE. That is not an error of ours: stop quietly with exit code 0, as Unix tools do.
 */
function exitQuietlyOnClosedStdout(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
